package io.icn.chain;

/**
 * Root of every failure this module reports. Unchecked: the caller decides whether it can act. The
 * leaves say what went wrong and name the value involved; an underlying {@code IOException} is kept
 * as the cause.
 */
public class ChainException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChainException(String message) {
        super(message);
    }

    public ChainException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.icn.erasure;

/** Root of every failure this module reports. Unchecked: the caller decides whether it can act. */
public class ErasureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ErasureException(String message) {
        super(message);
    }

    public ErasureException(String message, Throwable cause) {
        super(message, cause);
    }
}

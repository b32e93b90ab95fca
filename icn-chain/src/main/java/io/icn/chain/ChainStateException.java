package io.icn.chain;

/** The local chain's state file could not be read or written, or is corrupt; the {@code IOException} is the cause. */
public class ChainStateException extends ChainException {
    private static final long serialVersionUID = 1L;

    public ChainStateException(String message) {
        super(message);
    }

    public ChainStateException(String message, Throwable cause) {
        super(message, cause);
    }
}

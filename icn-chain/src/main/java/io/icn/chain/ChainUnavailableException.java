package io.icn.chain;

/**
 * The chain could not be reached, or did not answer in time. Transient: retry with backoff. Nothing was
 * submitted unless the message says otherwise.
 */
public class ChainUnavailableException extends ChainException {
    private static final long serialVersionUID = 1L;

    public ChainUnavailableException(String message) {
        super(message);
    }

    public ChainUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.icn.p2p;

/**
 * A connection-manager limit refused the operation: maximum peers or maximum streams per peer.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class LimitExceededException extends P2pException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public LimitExceededException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public LimitExceededException(String message, Throwable cause) {
        super(message, cause);
    }
}

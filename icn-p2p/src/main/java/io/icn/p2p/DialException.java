package io.icn.p2p;

/**
 * A dial failed: the address could not be resolved or reached, or the connection upgrade (security, muxer) failed. The cause says why.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class DialException extends P2pException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public DialException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public DialException(String message, Throwable cause) {
        super(message, cause);
    }
}

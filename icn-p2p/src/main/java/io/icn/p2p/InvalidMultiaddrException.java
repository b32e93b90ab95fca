package io.icn.p2p;

/**
 * A multiaddr (text or binary) is malformed or uses a protocol this host does not know; the message names the input and the fault.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class InvalidMultiaddrException extends P2pException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public InvalidMultiaddrException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public InvalidMultiaddrException(String message, Throwable cause) {
        super(message, cause);
    }
}

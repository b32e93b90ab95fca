package io.icn.p2p;

/**
 * The host (or the connection or stream the operation needed) is closed or closing.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class HostClosedException extends P2pException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public HostClosedException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public HostClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}

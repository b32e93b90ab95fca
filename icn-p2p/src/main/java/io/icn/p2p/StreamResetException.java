package io.icn.p2p;

/**
 * The stream was reset (Yamux RST) by the remote or locally, or its connection closed before the stream finished.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class StreamResetException extends P2pException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public StreamResetException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public StreamResetException(String message, Throwable cause) {
        super(message, cause);
    }
}

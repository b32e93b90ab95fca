package io.icn.p2p;

/**
 * The root of every exception of the p2p module. Unchecked; the leaves name the fault: {@link BadPeerException},
 * {@link ProtocolViolationException} ({@link MessageTooLargeException}), {@link NoSuchProtocolException},
 * {@link HostClosedException}, {@link DialException} ({@link DialTimeoutException}, {@link DialBackoffException}),
 * {@link LimitExceededException}, {@link StreamResetException}, {@link InvalidMultiaddrException},
 * {@link InvalidPeerIdException}. An underlying {@code IOException} is kept as the cause.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class P2pException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public P2pException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public P2pException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.icn.p2p;

/**
 * An inbound message exceeded the limit of its protocol (see {@link HostLimits#maxInboundMessageBytes(String)}); the stream is reset.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class MessageTooLargeException extends ProtocolViolationException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public MessageTooLargeException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public MessageTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}

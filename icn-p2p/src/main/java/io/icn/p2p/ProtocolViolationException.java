package io.icn.p2p;

/**
 * The remote broke a wire protocol (multistream-select, Noise, Yamux, varint or protobuf framing, identify); the stream or connection it came from is closed.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class ProtocolViolationException extends P2pException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public ProtocolViolationException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public ProtocolViolationException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.icn.transport.quic;

/**
 * A frame declared or reached more bytes than the protocol's hard limit for its kind (see docs/protocol.md).
 */
public final class FrameTooLargeException extends MalformedFrameException {
    private static final long serialVersionUID = 1L;

    public FrameTooLargeException(String message) {
        super(message);
    }
}

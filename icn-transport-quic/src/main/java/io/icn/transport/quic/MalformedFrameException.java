package io.icn.transport.quic;

/**
 * A peer sent bytes that are not a valid {@code icn-shard/1} frame: bad version, unknown type, truncated or inconsistent fields.
 */
public class MalformedFrameException extends TransportException {
    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }
}

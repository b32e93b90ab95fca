package io.icn.transport.quic;

/**
 * A whole-chunk fetch could not gather the {@code k} verified shards it needs from the nodes it was
 * given. The failure of every shard attempt is attached as a suppressed exception.
 */
public final class ChunkUnavailableException extends TransportException {
    private static final long serialVersionUID = 1L;

    public ChunkUnavailableException(String message) {
        super(message);
    }
}

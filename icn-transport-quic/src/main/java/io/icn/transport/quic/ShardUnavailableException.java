package io.icn.transport.quic;

/** The node does not hold the chunk or the shard asked for ({@link Status#NOT_FOUND}). */
public final class ShardUnavailableException extends RequestRejectedException {
    private static final long serialVersionUID = 1L;

    public ShardUnavailableException(String message) {
        super(Status.NOT_FOUND, message);
    }
}

package io.icn.transport.quic;

/**
 * Bytes did not match the SHA-256 they were supposed to have: the received shard differs from its advertised or expected hash, or the node reported its copy corrupt ({@link Status#CORRUPT}) or different from the expected hash ({@link Status#HASH_MISMATCH}).
 */
public final class ShardIntegrityException extends TransportException {
    private static final long serialVersionUID = 1L;

    public ShardIntegrityException(String message) {
        super(message);
    }
}

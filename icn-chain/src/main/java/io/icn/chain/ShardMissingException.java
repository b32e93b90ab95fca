package io.icn.chain;


/**
 * Thrown by an {@link AuditProver}: the node does not hold the shard (and, where the prover was asked to
 * repair it, could not rebuild it).
 */
public class ShardMissingException extends ChainException {
    private static final long serialVersionUID = 1L;

    private final transient ShardHash shardHash;

    public ShardMissingException(ShardHash shardHash, String detail) {
        super("shard " + shardHash + " is missing: " + detail);
        this.shardHash = shardHash;
    }

    public ShardMissingException(ShardHash shardHash, String detail, Throwable cause) {
        super("shard " + shardHash + " is missing: " + detail, cause);
        this.shardHash = shardHash;
    }

    /** The shard that is missing. */
    public ShardHash shardHash() {
        return shardHash;
    }
}

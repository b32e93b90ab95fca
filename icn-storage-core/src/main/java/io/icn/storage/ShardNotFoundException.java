package io.icn.storage;

/**
 * The store holds no such chunk, or holds the chunk but not that shard.
 *
 * <p>Immutable once thrown; safe to hand between threads.
 */
public final class ShardNotFoundException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final transient Cid cid;
    private final int shardIndex;

    /** @param shardIndex the shard asked for, or {@code -1} when the whole chunk is absent */
    public ShardNotFoundException(Cid cid, int shardIndex) {
        super(shardIndex < 0 ? "chunk not stored: " + cid : "shard " + shardIndex + " of " + cid + " not stored");
        this.cid = cid;
        this.shardIndex = shardIndex;
    }

    public Cid cid() {
        return cid;
    }

    /** The shard asked for, or {@code -1} when the whole chunk is absent. */
    public int shardIndex() {
        return shardIndex;
    }
}

package io.icn.storage;

/**
 * Repair needs at least {@code k} healthy shards of a chunk held locally, and fewer survive.
 *
 * <p>Immutable once thrown; safe to hand between threads.
 */
public final class UnrepairableChunkException extends StorageException {
    private static final long serialVersionUID = 1L;

    public UnrepairableChunkException(Cid cid, int healthy, int needed) {
        super("cannot repair " + cid + ": " + healthy + " healthy local shards, " + needed + " needed");
    }
}

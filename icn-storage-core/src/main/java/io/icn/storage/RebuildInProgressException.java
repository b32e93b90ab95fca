package io.icn.storage;

/**
 * A write ({@code putChunk}, {@code putShard}, {@code delete}, {@code setExpiry}, {@code repair}) or a second
 * rebuild was refused because {@link ShardStore.Maintenance#rebuildIndex} is running: the rebuild replaces the whole
 * index, so the store takes no writes until it ends. Reads continue. Retry the write when the rebuild has
 * finished; the message says how far it has come.
 *
 * <p>Immutable once thrown; safe to hand between threads.
 */
public final class RebuildInProgressException extends StorageException {
    private static final long serialVersionUID = 1L;

    public RebuildInProgressException(String message) {
        super(message);
    }
}

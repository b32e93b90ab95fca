package io.icn.storage;

/**
 * Root of every failure raised by the storage module. Unchecked; when an {@link java.io.IOException}
 * caused it, that exception is kept as the {@linkplain #getCause() cause}.
 *
 * <p>Callers that can act on a specific fault catch one of the leaves: {@link InvalidCidException},
 * {@link ShardNotFoundException}, {@link CorruptShardException}, {@link StorageFullException},
 * {@link UnrepairableChunkException}, {@link StoreClosedException}, {@link RebuildInProgressException}.
 *
 * <p>Immutable once thrown; safe to hand between threads.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}

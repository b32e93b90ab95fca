package io.icn.storage;

/**
 * The store was used after {@link ShardStore#close()}, or stopped accepting writes after a fatal I/O fault.
 *
 * <p>Immutable once thrown; safe to hand between threads.
 */
public final class StoreClosedException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StoreClosedException(String message) {
        super(message);
    }

    public StoreClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}

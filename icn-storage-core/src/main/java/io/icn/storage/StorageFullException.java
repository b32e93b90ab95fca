package io.icn.storage;

/**
 * A write was refused because it would exceed the store's byte capacity, or the file system ran out
 * of space while writing. Either way nothing of the write remains and existing data is intact.
 *
 * <p>Immutable once thrown; safe to hand between threads.
 */
public final class StorageFullException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final long requestedBytes;
    private final long availableBytes;

    public StorageFullException(long requestedBytes, long availableBytes) {
        super("write of " + requestedBytes + " bytes exceeds capacity: " + availableBytes + " bytes available");
        this.requestedBytes = requestedBytes;
        this.availableBytes = availableBytes;
    }

    /** Out of space reported by the file system; {@code cause} is the {@link java.io.IOException}. */
    public StorageFullException(long requestedBytes, Throwable cause) {
        super("file system out of space while writing " + requestedBytes + " bytes", cause);
        this.requestedBytes = requestedBytes;
        this.availableBytes = -1;
    }

    public long requestedBytes() {
        return requestedBytes;
    }

    /** Bytes left under the capacity limit, or {@code -1} when the file system itself was full. */
    public long availableBytes() {
        return availableBytes;
    }
}

package io.icn.storage;

/**
 * A consistent snapshot of what the store holds, maintained on every write and delete (never by
 * scanning the disk).
 *
 * <p>Immutable; thread-safe.
 *
 * @param chunkCount chunks with at least one healthy shard or quarantined shard
 * @param shardCount healthy shards
 * @param bytesStored bytes of healthy shards
 * @param capacityBytes the configured limit, {@link Long#MAX_VALUE} when unlimited
 */
public record StorageUsage(long chunkCount, long shardCount, long bytesStored, long capacityBytes) {

    /** Utilization above which {@link #nearlyFull()} reports true. */
    public static final double HIGH_UTILIZATION = 0.80;

    public StorageUsage {
        if (chunkCount < 0 || shardCount < 0 || bytesStored < 0 || capacityBytes < 0) {
            throw new IllegalArgumentException("usage figures must be >= 0");
        }
    }

    /** {@code bytesStored / capacityBytes}, 0 when unlimited. */
    public double utilization() {
        return capacityBytes == Long.MAX_VALUE || capacityBytes == 0 ? (capacityBytes == 0 && bytesStored > 0 ? 1 : 0)
                : (double) bytesStored / capacityBytes;
    }

    /** Whether utilization is above {@value #HIGH_UTILIZATION}. */
    public boolean nearlyFull() {
        return utilization() > HIGH_UTILIZATION;
    }
}

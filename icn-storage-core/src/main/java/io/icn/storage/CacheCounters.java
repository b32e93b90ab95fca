package io.icn.storage;

/**
 * Counters of the hot-shard cache since the store opened.
 *
 * <p>Immutable; thread-safe.
 *
 * @param hits reads served from the cache
 * @param misses reads that went to disk
 * @param evictions shards evicted for size
 * @param weightBytes bytes held in the cache now
 * @param capacityBytes the cache's byte bound
 */
public record CacheCounters(long hits, long misses, long evictions, long weightBytes, long capacityBytes) {

    public CacheCounters {
        if (hits < 0 || misses < 0 || evictions < 0 || weightBytes < 0 || capacityBytes < 0) {
            throw new IllegalArgumentException("cache counters must be >= 0");
        }
    }

    /** {@code hits / (hits + misses)}, or 0 before the first read. */
    public double hitRate() {
        long total = hits + misses;
        return total == 0 ? 0 : (double) hits / total;
    }
}

package io.icn.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The hot-shard cache: whole shards by (CID, index), Caffeine W-TinyLFU bounded by bytes; a cache of 0 bytes holds
 * nothing. Cached arrays are shared: never modify one. Thread-safe.
 */
final class ShardCache {

    private record Key(Cid cid, int index) {
    }

    private final Cache<Key, byte[]> cache;
    private final long maxBytes;

    ShardCache(long maxBytes) {
        this.maxBytes = maxBytes;
        this.cache = maxBytes == 0 ? null
                : Caffeine.newBuilder().maximumWeight(maxBytes).weigher((Key k, byte[] v) -> v.length)
                        .recordStats().executor(Runnable::run).build();
    }

    /** The cached shard, or null. */
    byte[] get(Cid cid, int index) {
        return cache == null ? null : cache.getIfPresent(new Key(cid, index));
    }

    /** Caches the shard if it fits; whether it is cached (shared) now. */
    boolean offer(Cid cid, int index, byte[] shard) {
        if (cache == null || shard.length > maxBytes) {
            return false;
        }
        cache.put(new Key(cid, index), shard);
        return true;
    }

    void invalidate(Cid cid, int index) {
        if (cache != null) {
            cache.invalidate(new Key(cid, index));
        }
    }

    void invalidateAll() {
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    /** The Caffeine cache for the meters, or null when there is none. */
    Cache<?, ?> caffeine() {
        return cache;
    }

    CacheCounters counters() {
        if (cache == null) {
            return new CacheCounters(0, 0, 0, 0, 0);
        }
        var s = cache.stats();
        long weight = cache.policy().eviction().map(ev -> ev.weightedSize().orElse(0)).orElse(0L);
        return new CacheCounters(s.hitCount(), s.missCount(), s.evictionCount(), weight, maxBytes);
    }
}

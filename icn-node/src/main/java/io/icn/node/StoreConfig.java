package io.icn.node;

import java.time.Duration;
import java.util.Objects;

/**
 * How the node's shard store runs: capacity, hot-shard cache, durability, read checks and the background
 * scrub. The store's directory is the node's storage path ({@link NodeConfig#storagePath()}).
 *
 * <p>Immutable and thread-safe; every value is checked here.
 *
 * @param capacityBytes the most shard bytes the store holds (a put beyond it fails with
 *     {@link io.icn.storage.StorageFullException})
 * @param cacheBytes the hot-shard cache, 0 = off
 * @param fsync whether a put is forced to the disk before it is acknowledged
 * @param verifyOnRead whether whole-shard reads check the shard's SHA-256
 * @param scrubBytesPerSecond the background scrubber's read budget
 * @param scrubInterval the pause between two scrub passes
 */
public record StoreConfig(long capacityBytes, long cacheBytes, FsyncPolicy fsync, boolean verifyOnRead,
        long scrubBytesPerSecond, Duration scrubInterval) {

    /** 10,000 GiB, a 256 MiB cache, fsync, no read checks, a 64 MiB/s scrub once a day. */
    public static final StoreConfig DEFAULT = new StoreConfig(10_000L << 30, 256L << 20, FsyncPolicy.ALWAYS, false,
            64L << 20, Duration.ofDays(1));

    public StoreConfig {
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(scrubInterval, "scrubInterval");
        ConfigChecks.positive("capacityBytes", capacityBytes);
        ConfigChecks.range("cacheBytes", cacheBytes, 0, Long.MAX_VALUE);
        ConfigChecks.positive("scrubBytesPerSecond", scrubBytesPerSecond);
        ConfigChecks.positive("scrubInterval", scrubInterval);
    }

    public StoreConfig withCapacityBytes(long bytes) {
        return new StoreConfig(bytes, cacheBytes, fsync, verifyOnRead, scrubBytesPerSecond, scrubInterval);
    }

    public StoreConfig withCacheBytes(long bytes) {
        return new StoreConfig(capacityBytes, bytes, fsync, verifyOnRead, scrubBytesPerSecond, scrubInterval);
    }

    public StoreConfig withFsync(FsyncPolicy policy) {
        return new StoreConfig(capacityBytes, cacheBytes, policy, verifyOnRead, scrubBytesPerSecond, scrubInterval);
    }

    public StoreConfig withVerifyOnRead(boolean verify) {
        return new StoreConfig(capacityBytes, cacheBytes, fsync, verify, scrubBytesPerSecond, scrubInterval);
    }

    public StoreConfig withScrub(long bytesPerSecond, Duration interval) {
        return new StoreConfig(capacityBytes, cacheBytes, fsync, verifyOnRead, bytesPerSecond, interval);
    }
}

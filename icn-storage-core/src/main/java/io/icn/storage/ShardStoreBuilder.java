package io.icn.storage;

import io.icn.erasure.Gf256Kernel;
import io.icn.erasure.Kernels;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * Options of the file-backed {@link ShardStore}. Obtain with {@link ShardStore#builder(Path)}; every
 * setter validates its argument and names it when it is wrong; {@link #build()} opens (and recovers)
 * the store.
 *
 * <p>Not thread-safe; a builder may be reused to build further stores on other roots.
 */
public final class ShardStoreBuilder {

    /** How much a returned write survives. Immutable (an enum), safe to share between threads. */
    public enum Durability {
        /**
         * Every shard file, manifest, journal record and directory entry is forced to stable storage
         * before a write returns: survives process crashes and power loss. The default.
         */
        FSYNC,
        /**
         * Same ordering and atomic renames, no forcing: survives a process crash (the kernel still holds
         * the data), not a power loss. For bulk loads, tests and benchmarks.
         */
        NO_FSYNC
    }

    private final Path root;
    private long capacityBytes = Long.MAX_VALUE;
    private long cacheBytes = 256L << 20;
    private int merkleLeafSize = MerkleProof.DEFAULT_LEAF_SIZE;
    private boolean verifyOnRead;
    private Durability durability = Durability.FSYNC;
    private Clock clock = Clock.systemUTC();
    private MeterRegistry meterRegistry;
    private long scrubBytesPerSecond = 64L << 20;
    private boolean repairAfterScrub = true;
    private ScheduledExecutorService scrubExecutor;
    private Duration scrubInterval;
    private Consumer<CorruptShardException> onCorrupt = c -> { };
    private ThreadFactory threadFactory = r -> {
        Thread t = new Thread(r, "icn-storage-writer");
        t.setDaemon(true);
        return t;
    };
    private long checkpointJournalBytes = 64L << 20;
    private WriteHook writeHook = WriteHook.NONE;
    private Sleeper sleeper = Sleeper.THREAD;
    private Gf256Kernel erasureKernel;

    ShardStoreBuilder(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** The byte limit on stored shards ({@code max_storage_gb} of the node config); default unlimited. */
    public ShardStoreBuilder capacityBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("capacityBytes must be > 0: " + bytes);
        }
        this.capacityBytes = bytes;
        return this;
    }

    /** The byte bound of the hot-shard cache (W-TinyLFU); 0 disables it. Default 256 MiB. */
    public ShardStoreBuilder cacheBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cacheBytes must be >= 0: " + bytes);
        }
        this.cacheBytes = bytes;
        return this;
    }

    /** Block size of new shards' Merkle trees; default 4 KiB; the chain's block size where a chain checks proofs. Recorded per chunk. */
    public ShardStoreBuilder merkleLeafSize(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("merkleLeafSize must be >= 1: " + bytes);
        }
        this.merkleLeafSize = bytes;
        return this;
    }

    /** Whether whole-shard reads from disk check the recorded SHA-256; default off. */
    public ShardStoreBuilder verifyOnRead(boolean verify) {
        this.verifyOnRead = verify;
        return this;
    }

    /** Default {@link Durability#FSYNC}. */
    public ShardStoreBuilder durability(Durability durability) {
        this.durability = Objects.requireNonNull(durability, "durability");
        return this;
    }

    /** Source of creation times and of the scrubber's pacing; default the system UTC clock. */
    public ShardStoreBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Where meters are registered; default a private {@code SimpleMeterRegistry}. The store never closes it. */
    public ShardStoreBuilder meterRegistry(MeterRegistry registry) {
        this.meterRegistry = Objects.requireNonNull(registry, "registry");
        return this;
    }

    /** The scrubber's read budget in bytes per second; default 64 MiB/s. */
    public ShardStoreBuilder scrubBytesPerSecond(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("scrubBytesPerSecond must be > 0: " + bytesPerSecond);
        }
        this.scrubBytesPerSecond = bytesPerSecond;
        return this;
    }

    /** Whether a scrub repairs the chunks it found corrupt; default true. */
    public ShardStoreBuilder repairAfterScrub(boolean repair) {
        this.repairAfterScrub = repair;
        return this;
    }

    /**
     * Runs scrub passes in the background on {@code executor}, {@code interval} apart (from the end of
     * one pass to the start of the next), reporting corrupt shards to {@code onCorrupt}. The store
     * cancels its task on close but does not shut the executor down (it did not create it).
     */
    public ShardStoreBuilder backgroundScrub(ScheduledExecutorService executor, Duration interval,
            Consumer<CorruptShardException> onCorrupt) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("scrub interval must be positive: " + interval);
        }
        this.scrubExecutor = Objects.requireNonNull(executor, "executor");
        this.scrubInterval = interval;
        this.onCorrupt = Objects.requireNonNull(onCorrupt, "onCorrupt");
        return this;
    }

    /** Creates the store's one writer thread; default a daemon thread named {@code icn-storage-writer}. */
    public ShardStoreBuilder threadFactory(ThreadFactory factory) {
        this.threadFactory = Objects.requireNonNull(factory, "factory");
        return this;
    }

    /** Journal size that triggers a checkpoint; default 64 MiB. */
    public ShardStoreBuilder checkpointJournalBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("checkpointJournalBytes must be >= 1: " + bytes);
        }
        this.checkpointJournalBytes = bytes;
        return this;
    }

    /**
     * The GF(2^8) kernel of the codecs the store creates ({@code putChunk} of a whole chunk, repair):
     * e.g. the kernel of the {@link io.icn.erasure.KernelSelection} a node calibrated. Default
     * {@link Kernels#best()}, read when {@link #build()} runs.
     */
    public ShardStoreBuilder erasureKernel(Gf256Kernel kernel) {
        this.erasureKernel = Objects.requireNonNull(kernel, "kernel");
        return this;
    }

    ShardStoreBuilder writeHook(WriteHook hook) {
        this.writeHook = Objects.requireNonNull(hook, "hook");
        return this;
    }

    ShardStoreBuilder sleeper(Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        return this;
    }

    /**
     * Opens the store: creates the root if needed, loads the index (checkpoint plus journal; never a
     * walk of the shard tree), finishes or rolls back writes interrupted by a crash, starts the writer.
     *
     * @throws StorageException if the root cannot be used
     */
    public ShardStore build() {
        return new FileShardStore(this);
    }

    Gf256Kernel erasureKernel() {
        return erasureKernel != null ? erasureKernel : Kernels.best();
    }

    Path root() {
        return root;
    }

    long capacityBytes() {
        return capacityBytes;
    }

    long cacheBytes() {
        return cacheBytes;
    }

    int merkleLeafSize() {
        return merkleLeafSize;
    }

    boolean verifyOnRead() {
        return verifyOnRead;
    }

    Durability durability() {
        return durability;
    }

    Clock clock() {
        return clock;
    }

    MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    long scrubBytesPerSecond() {
        return scrubBytesPerSecond;
    }

    boolean repairAfterScrub() {
        return repairAfterScrub;
    }

    ScheduledExecutorService scrubExecutor() {
        return scrubExecutor;
    }

    Duration scrubInterval() {
        return scrubInterval;
    }

    Consumer<CorruptShardException> onCorrupt() {
        return onCorrupt;
    }

    ThreadFactory threadFactory() {
        return threadFactory;
    }

    long checkpointJournalBytes() {
        return checkpointJournalBytes;
    }

    WriteHook writeHook() {
        return writeHook;
    }

    Sleeper sleeper() {
        return sleeper;
    }
}

package io.icn.node;

import io.icn.chain.BlockSubscription;
import io.icn.chain.ChainClient;
import io.icn.chain.ChainUnavailableException;
import io.icn.chain.PinningDeal;
import io.icn.chain.ShardHash;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Deletes content whose pinning deals have all ended, and never content an active deal still holds.
 *
 * <p>A pass takes the CIDs whose recorded expiry block has passed from the store's expiry index
 * ({@link ExpiredContent#expiredBefore(long)}, so its cost is proportional to what expired, not to the
 * store), and for each asks the chain for every deal referencing any of its shards. If one is active the
 * content is kept and its recorded expiry moved to the latest such deal's; otherwise its DHT manifest
 * is withdrawn ({@link ManifestPublisher}) and it is deleted. Whatever cannot be decided (no shard list,
 * chain unavailable) is kept for the next pass. A dry run lists and changes nothing.
 *
 * <p>Passes run every {@linkplain Builder#intervalBlocks(long) {@code cleanup_interval_blocks}} blocks
 * (1000 by default) once {@link #start()}ed, on the executor, and on demand through {@link #runNow(boolean)}
 * (the launcher's {@code POST /admin/cleanup}). {@linkplain Builder#dryRun(boolean) Dry-run mode} makes
 * the scheduled passes dry.
 *
 * <h2>Metrics</h2>
 * Counters {@code icn_super_node_cleanup_runs} (tag {@code dry_run}), {@code icn_super_node_cleanup_deleted},
 * {@code icn_super_node_cleanup_bytes_freed}, {@code icn_super_node_cleanup_retained},
 * {@code icn_super_node_cleanup_skipped}, {@code icn_super_node_cleanup_unpublish_failure}.
 *
 * <h2>Thread safety</h2>
 * Thread-safe; passes are serialised (a manual trigger waits for a scheduled pass and vice versa).
 *
 * <h2>Ownership</h2>
 * Owns its block subscription only. {@link #close()} is idempotent.
 */
public final class StorageCleanup implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StorageCleanup.class.getName());

    private final ChainClient chain;
    private final ExpiredContent content;
    private final ManifestPublisher manifests;
    private final Executor executor;
    private final long intervalBlocks;
    private final boolean dryRunMode;
    private final Counter wetRuns;
    private final Counter dryRuns;
    private final Counter deletedCount;
    private final Counter bytesFreed;
    private final Counter retainedCount;
    private final Counter skippedCount;
    private final Counter unpublishFailures;

    private final ReentrantLock passLock = new ReentrantLock();
    private final AtomicLong nextRunBlock = new AtomicLong(0);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile BlockSubscription subscription;

    private StorageCleanup(Builder b) {
        this.chain = b.chain;
        this.content = b.content;
        this.manifests = b.manifests;
        this.executor = b.executor;
        this.intervalBlocks = b.intervalBlocks;
        this.dryRunMode = b.dryRun;
        MeterRegistry r = b.registry;
        this.wetRuns = Counter.builder("icn_super_node_cleanup_runs").tag("dry_run", "false").register(r);
        this.dryRuns = Counter.builder("icn_super_node_cleanup_runs").tag("dry_run", "true").register(r);
        this.deletedCount = Counter.builder("icn_super_node_cleanup_deleted")
                .description("Contents deleted because no active deal references them").register(r);
        this.bytesFreed = Counter.builder("icn_super_node_cleanup_bytes_freed").baseUnit("bytes").register(r);
        this.retainedCount = Counter.builder("icn_super_node_cleanup_retained")
                .description("Expired index entries kept because an active deal still references them").register(r);
        this.skippedCount = Counter.builder("icn_super_node_cleanup_skipped")
                .description("Contents left for a later pass (undecidable or failed)").register(r);
        this.unpublishFailures = Counter.builder("icn_super_node_cleanup_unpublish_failure").register(r);
    }

    /** A builder; the registry and executor are required. */
    public static Builder builder(ChainClient chain, ExpiredContent content, ManifestPublisher manifests) {
        return new Builder(chain, content, manifests);
    }

    /**
     * Subscribes to blocks: the first block triggers a pass, then every {@code intervalBlocks}.
     *
     * @throws IllegalStateException if closed or already started
     */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("storage cleanup is closed");
        }
        synchronized (this) {
            if (subscription != null) {
                throw new IllegalStateException("storage cleanup is already started");
            }
            subscription = chain.subscribeBlocks(this::onBlock);
        }
    }

    /** Schedules a pass if {@code block} is due. The block listener; never blocks. */
    public void onBlock(long block) {
        long due = nextRunBlock.get();
        if (closed.get() || block < due || !nextRunBlock.compareAndSet(due, block + intervalBlocks)) {
            return;
        }
        try {
            executor.execute(this::runScheduled);
        } catch (RejectedExecutionException e) {
            nextRunBlock.set(block);
            LOG.log(System.Logger.Level.WARNING, "cleanup pass rejected by its executor", e);
        }
    }

    private void runScheduled() {
        try {
            CleanupReport report = runNow(dryRunMode);
            LOG.log(System.Logger.Level.INFO, "cleanup at block {0}{1}: {2} examined, {3} deleted, {4} retained, "
                    + "{5} skipped, {6} bytes freed", report.block(), report.dryRun() ? " (dry run)" : "",
                    report.examined(), report.deleted().size(), report.retained().size(), report.skipped().size(),
                    report.bytesFreed());
        } catch (ChainUnavailableException e) {
            LOG.log(System.Logger.Level.WARNING, "cleanup skipped, chain unavailable: {0}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "cleanup pass failed", e);
        }
    }

    /**
     * Runs a pass now on the calling thread (the manual trigger).
     *
     * @param dryRun list what would be deleted, change nothing
     * @throws ChainUnavailableException if the chain's current block cannot be read (nothing was done)
     * @throws IllegalStateException if closed
     */
    public CleanupReport runNow(boolean dryRun) {
        if (closed.get()) {
            throw new IllegalStateException("storage cleanup is closed");
        }
        passLock.lock();
        try {
            return pass(dryRun);
        } finally {
            passLock.unlock();
        }
    }

    private CleanupReport pass(boolean dryRun) {
        long block = chain.currentBlock();
        List<String> candidates;
        try (Stream<String> expired = content.expiredBefore(block)) {
            candidates = expired.toList();
        }
        List<String> deleted = new ArrayList<>();
        List<String> retained = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        long freed = 0;
        boolean complete = true;
        for (int i = 0; i < candidates.size(); i++) {
            String cid = candidates.get(i);
            List<ShardHash> shards = content.shardHashes(cid);
            if (shards.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "cleanup keeps {0}: its shard list is unknown", cid);
                skipped.add(cid);
                continue;
            }
            long keepUntil;
            try {
                keepUntil = latestActiveExpiry(shards, block);
            } catch (ChainUnavailableException e) {
                LOG.log(System.Logger.Level.WARNING, "cleanup stopped at {0}, chain unavailable: {1}", cid,
                        e.getMessage());
                skipped.addAll(candidates.subList(i, candidates.size()));
                complete = false;
                break;
            }
            if (keepUntil >= 0) {
                retained.add(cid);
                if (!dryRun) {
                    content.extendExpiry(cid, keepUntil);
                }
                continue;
            }
            if (dryRun) {
                deleted.add(cid);
                continue;
            }
            try {
                unpublish(cid);
                freed += content.delete(cid);
                deleted.add(cid);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "cleanup could not delete " + cid + "; retrying next pass", e);
                skipped.add(cid);
            }
        }
        record(dryRun, deleted.size(), retained.size(), skipped.size(), freed);
        return new CleanupReport(block, dryRun, candidates.size(), deleted, retained, skipped, freed, complete);
    }

    /** The latest expiry among active deals referencing any of the shards, or -1 if none is active. */
    private long latestActiveExpiry(List<ShardHash> shards, long block) {
        long latest = -1;
        for (ShardHash shard : shards) {
            for (PinningDeal deal : chain.dealsForShard(shard)) {
                if (deal.isActiveAt(block)) {
                    latest = Math.max(latest, deal.expiresAt());
                }
            }
        }
        return latest;
    }

    private void unpublish(String cid) {
        try {
            manifests.unpublish(cid);
        } catch (RuntimeException e) {
            unpublishFailures.increment();
            LOG.log(System.Logger.Level.WARNING, "could not withdraw the DHT manifest of " + cid
                    + "; deleting anyway, the record expires on its own", e);
        }
    }

    private void record(boolean dryRun, int deleted, int retained, int skipped, long freed) {
        (dryRun ? dryRuns : wetRuns).increment();
        skippedCount.increment(skipped);
        if (!dryRun) {
            deletedCount.increment(deleted);
            retainedCount.increment(retained);
            bytesFreed.increment(freed);
        }
    }

    /** Unsubscribes from blocks; a running pass finishes. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        BlockSubscription s = subscription;
        if (s != null) {
            s.close();
        }
    }

    /** Options of a {@link StorageCleanup}. Not thread-safe; build once. */
    public static final class Builder {
        private final ChainClient chain;
        private final ExpiredContent content;
        private final ManifestPublisher manifests;
        private MeterRegistry registry;
        private Executor executor;
        private long intervalBlocks = 1000;
        private boolean dryRun;

        private Builder(ChainClient chain, ExpiredContent content, ManifestPublisher manifests) {
            this.chain = Objects.requireNonNull(chain, "chain");
            this.content = Objects.requireNonNull(content, "content");
            this.manifests = Objects.requireNonNull(manifests, "manifests");
        }

        /** Where the metrics go. Required. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Runs scheduled passes (disk and chain I/O). Required; not owned. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** {@code cleanup_interval_blocks}: blocks between scheduled passes; default 1000. */
        public Builder intervalBlocks(long blocks) {
            if (blocks <= 0) {
                throw new IllegalArgumentException("cleanup interval must be positive: " + blocks);
            }
            this.intervalBlocks = blocks;
            return this;
        }

        /** Whether scheduled passes only list; default false. */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /** @throws IllegalStateException if the registry or executor is missing */
        public StorageCleanup build() {
            if (registry == null || executor == null) {
                throw new IllegalStateException("meterRegistry and executor are required");
            }
            return new StorageCleanup(this);
        }
    }
}

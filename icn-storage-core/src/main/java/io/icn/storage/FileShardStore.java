package io.icn.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The durable {@link ShardStore}, in the shape of a segmented log: {@code <root>/<CID>/shard_NN.bin} plus
 * {@code chunk.meta} ({@link StoreLayout}), an index journal in generations with checkpoints ({@link IndexJournal},
 * {@link IndexCheckpoint}), and the parts this class composes:
 * <ul>
 * <li>{@link ShardStaging}: a put's shards written, hashed and forced in {@code .staging} on the caller's thread and
 *     two pools;</li>
 * <li>{@link StoreWriter}: the one writer thread, running typed operations ({@link PutOp}, {@link DeleteOp},
 *     {@link ExpiryOp}, {@link QuarantineOp}, {@link ExclusiveOp}) in group commits;</li>
 * <li>{@link Checkpointer}: index checkpoints off the writer;</li>
 * <li>{@link StoreRecovery}: what a crash interrupted, finished or undone at open;</li>
 * <li>{@link ShardReader} and {@link ShardCache}: reads and the hot-shard cache;</li>
 * <li>{@link Scrubber} (paced by {@link ScrubPacer}), {@link ChunkRepairer} and {@link IndexRebuilder}: maintenance,
 *     behind {@link #maintenance()}.</li>
 * </ul>
 *
 * <p>Thread-safe; see {@link ShardStore}.
 */
final class FileShardStore extends IndexedShardStore {

    private final StoreLayout layout;
    private final Clock clock;
    private final int leafSize;
    private final ShardCache cache;
    private final StoreMetrics metrics;
    private final AtomicLong nextTxid = new AtomicLong();
    private final IndexJournal journal;
    private final Checkpointer checkpointer;
    private final ShardStaging staging;
    private final StoreWriter writer;
    private final ShardReader reader;
    private final ChunkRepairer repairer;
    private final Scrubber scrubber;
    private final IndexRebuilder rebuilder;
    private final Maintenance maintenance = new FileMaintenance();
    private final ScheduledFuture<?> scrubTask;
    private volatile boolean closed;

    FileShardStore(ShardStoreBuilder b) {
        super(b.capacityBytes(), b.erasureKernel());
        this.layout = new StoreLayout(b.root(), b.durability() == ShardStoreBuilder.Durability.FSYNC, b.writeHook());
        this.clock = b.clock();
        this.leafSize = b.merkleLeafSize();
        this.cache = new ShardCache(b.cacheBytes());
        IndexJournal.Loaded loaded = new IndexJournal.Loaded();
        try {
            layout.create();
            this.journal = IndexJournal.open(layout, loaded);
            nextTxid.set(loaded.maxTxid + 1);
            new StoreRecovery(layout, nextTxid).recover(loaded, journal);
            index.replaceAll(loaded.entries.values());
        } catch (IOException e) {
            throw new StorageException("cannot open shard store at " + layout.root + ": " + e.getMessage(), e);
        }
        MeterRegistry registry = b.meterRegistry() != null ? b.meterRegistry() : new SimpleMeterRegistry();
        this.metrics = new StoreMetrics(registry, layout.root.toString(), index, capacityBytes, cache.caffeine());
        this.checkpointer = new Checkpointer(layout, metrics, clock, loaded.checkpointGeneration, b.threadFactory());
        this.staging = new ShardStaging(layout, index, capacityBytes, b.threadFactory());
        this.writer = new StoreWriter(layout, index, cache, journal, checkpointer, nextTxid, b.checkpointJournalBytes(),
                b.threadFactory());
        this.reader = new ShardReader(layout, index, cache, b.verifyOnRead(), metrics.retrieval, this::quarantine);
        this.repairer = new ChunkRepairer(index, reader, this::codec, this::quarantine, this::put, metrics);
        this.scrubber = new Scrubber(layout, index, metrics, this::quarantine, this::repair, b, () -> closed);
        this.rebuilder = new IndexRebuilder(layout, index, cache, nextTxid, writer);
        if (b.scrubExecutor() != null) {
            Duration every = b.scrubInterval();
            Consumer<CorruptShardException> onCorrupt = b.onCorrupt();
            scrubTask = b.scrubExecutor().scheduleWithFixedDelay(() -> scrubber.background(onCorrupt),
                    every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
        } else {
            scrubTask = null;
        }
    }

    // ---- writes -----------------------------------------------------------------------------------------

    @Override
    public ChunkMeta putChunk(Cid cid, byte[][] shards, ChunkSpec spec) {
        ensureWritable();
        ShardChecks.checkPutChunk(cid, shards, spec);
        return put(cid, allIndexes(spec), wrap(shards), spec);
    }

    private static ByteBuffer[] wrap(byte[][] shards) {
        ByteBuffer[] views = new ByteBuffer[shards.length];
        for (int i = 0; i < views.length; i++) {
            views[i] = shards[i] == null ? null : ByteBuffer.wrap(shards[i]);
        }
        return views;
    }

    /**
     * Overlaps the work of a put of a whole chunk: the data shards are written straight from {@code chunk}
     * (no copy but the zero-padded tail of the last one) and forced while the hash pool encodes the parity
     * and hashes every shard; the parity shards are written as soon as they are encoded.
     */
    @Override
    public ChunkMeta encodeAndPut(Cid cid, byte[] chunk, ChunkSpec spec) {
        return encodeAndPut(cid, ByteBuffer.wrap(Objects.requireNonNull(chunk, "chunk")), spec);
    }

    /** As {@link #encodeAndPut(Cid, byte[], ChunkSpec)}: the data shards are written straight from the buffer. */
    @Override
    public ChunkMeta encodeAndPut(Cid cid, ByteBuffer chunk, ChunkSpec spec) {
        ensureWritable();
        ShardChecks.checkChunk(cid, chunk, spec);
        if (index.get(cid) != null) { // adds only the shards not held; rare enough to encode them all first
            return putChunk(cid, codec(spec).encode(ShardChecks.array(chunk)), spec);
        }
        byte[][] parityArrays = staging.spareParity(spec);
        ByteBuffer[] shards = ShardChecks.split(chunk, spec, parityArrays);
        Future<?> parity;
        try {
            parity = staging.encodeParity(codec(spec), shards);
        } catch (RuntimeException e) { // rejected: the store is closing
            ensureOpen();
            throw e;
        }
        try {
            return put(cid, allIndexes(spec), shards, spec, parity);
        } finally {
            // put waits for every task that reads the arrays, except when it returns or throws before
            // writing (a concurrent put of the same chunk won, or no room): the encoding may still run then
            ShardStaging.awaitQuietly(List.of(parity));
            staging.returnParity(parityArrays);
        }
    }

    @Override
    public ChunkMeta putShard(Cid cid, int shardIndex, byte[] shard, ChunkSpec spec) {
        ensureWritable();
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(spec, "spec");
        ShardChecks.checkShard(shardIndex, shard, spec);
        ByteBuffer[] one = new ByteBuffer[spec.totalShards()];
        one[shardIndex] = ByteBuffer.wrap(shard);
        return put(cid, new int[] {shardIndex}, one, spec);
    }

    private static int[] allIndexes(ChunkSpec spec) {
        int[] all = new int[spec.totalShards()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }

    private ChunkMeta put(Cid cid, int[] indexes, ByteBuffer[] shards, ChunkSpec spec) {
        return put(cid, indexes, shards, spec, null);
    }

    /** Stages the listed shards not yet held ({@link ShardStaging}), then commits them ({@link PutOp}). */
    private ChunkMeta put(Cid cid, int[] indexes, ByteBuffer[] shards, ChunkSpec spec, Future<?> parity) {
        ChunkEntry current = index.get(cid);
        ShardChecks.checkSameSpec(cid, current, spec);
        int[] toWrite = Arrays.stream(indexes).filter(i -> current == null || !current.healthy(i)).toArray();
        if (toWrite.length == 0) {
            return current.toMeta();
        }
        ShardStaging.Staged staged = staging.stage(cid, current, toWrite, shards, spec, parity,
                nextTxid.getAndIncrement(), clock.millis(), leafSize);
        return writer.submit(new PutOp(staged));
    }

    @Override
    public boolean delete(Cid cid) {
        ensureWritable();
        Objects.requireNonNull(cid, "cid");
        if (index.get(cid) == null) {
            return false;
        }
        return writer.submit(new DeleteOp(cid));
    }

    @Override
    public ChunkMeta setExpiry(Cid cid, long expiryBlock) {
        ensureWritable();
        Objects.requireNonNull(cid, "cid");
        if (expiryBlock < 0) {
            throw new IllegalArgumentException("expiryBlock must be >= 0: " + expiryBlock);
        }
        return writer.submit(new ExpiryOp(cid, expiryBlock));
    }

    /** Takes a shard that failed a check out of service; a no-op once the store is closing or stopped. */
    private void quarantine(Cid cid, int shardIndex) {
        if (writer.failure() == null && !closed) {
            try {
                writer.submit(new QuarantineOp(cid, shardIndex));
            } catch (StoreClosedException ignored) {
                // closing: the next scrub after restart finds the shard again
            }
        }
    }

    private RepairReport repair(Cid cid) {
        ensureWritable();
        return repairer.repair(cid);
    }

    // ---- reads ------------------------------------------------------------------------------------------

    @Override
    public byte[] readShard(Cid cid, int shardIndex) {
        ensureOpen();
        return reader.readShard(cid, shardIndex);
    }

    @Override
    public ByteBuffer readShardView(Cid cid, int shardIndex) {
        ensureOpen();
        return reader.readShardView(cid, shardIndex);
    }

    @Override
    public byte[] readRange(Cid cid, int shardIndex, long offset, int length) {
        ensureOpen();
        return reader.readRange(cid, shardIndex, offset, length);
    }

    @Override
    public ShardRegion openRegion(Cid cid, int shardIndex, long offset, long length) {
        ensureOpen();
        return reader.openRegion(cid, shardIndex, offset, length);
    }

    // ---- maintenance ------------------------------------------------------------------------------------

    @Override
    public Maintenance maintenance() {
        return maintenance;
    }

    /** The maintenance view; thread-safe, as the store. */
    private final class FileMaintenance implements Maintenance {

        @Override
        public Optional<ShardLocation> locate(byte[] shardHash) {
            return FileShardStore.this.locate(shardHash);
        }

        @Override
        public CacheCounters cacheCounters() {
            ensureOpen();
            return cache.counters();
        }

        @Override
        public ScrubReport scrub(Consumer<CorruptShardException> onCorrupt) {
            ensureOpen();
            return scrubber.scrub(onCorrupt);
        }

        @Override
        public RepairReport repair(Cid cid) {
            return FileShardStore.this.repair(cid);
        }

        @Override
        public RebuildReport rebuildIndex(RebuildListener listener) {
            ensureWritable();
            return rebuilder.rebuild(listener);
        }

        @Override
        public byte[] proveHash(Cid cid, int shardIndex, long offset, int length, byte[] nonce) {
            Objects.requireNonNull(nonce, "nonce");
            return ShardChecks.proveHash(ByteBuffer.wrap(readRange(cid, shardIndex, offset, length)), nonce);
        }

        @Override
        public MerkleProof proveMerkle(Cid cid, int shardIndex, long offset, int length) {
            ensureOpen();
            ChunkEntry e = ShardChecks.requireShard(index.get(cid), cid, shardIndex);
            return MerkleProof.prove(ByteBuffer.wrap(reader.shardBytes(cid, shardIndex, false, null)), e.leafSize,
                    offset, length);
        }

        @Override
        public StoreHealth health() {
            ensureOpen();
            Throwable f = writer.failure();
            return new StoreHealth(Optional.ofNullable(f).map(Throwable::toString), checkpointer.failures(),
                    checkpointer.lastFailure(), checkpointer.lastSuccess());
        }
    }

    // ---- lifecycle --------------------------------------------------------------------------------------

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (scrubTask != null) {
            scrubTask.cancel(false);
        }
        Throwable first = null;
        try {
            writer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            first = e;
        } catch (RuntimeException e) {
            first = e.getCause() != null ? e.getCause() : e;
        }
        checkpointer.close();
        staging.close(); // queued work of puts still staging finishes; nothing new is accepted
        try {
            journal.close();
        } catch (IOException e) {
            if (first == null) {
                first = e;
            }
        }
        metrics.close();
        cache.invalidateAll();
        if (first != null) {
            throw new StorageException("closing shard store at " + layout.root + " failed: " + first.getMessage(), first);
        }
    }

    @Override
    void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("shard store at " + layout.root + " is closed");
        }
    }

    private void ensureWritable() {
        ensureOpen();
        Throwable f = writer.failure();
        if (f != null) {
            throw new StoreClosedException("shard store at " + layout.root
                    + " stopped accepting writes after an I/O fault: " + f.getMessage(), f);
        }
        rebuilder.refuseWrites();
    }

    @Override
    public String toString() {
        return "FileShardStore[" + layout.root + "]";
    }
}

package io.icn.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The durable {@link ShardStore}: {@code <root>/<CID>/shard_NN.bin} plus {@code chunk.meta} (the
 * chunk's manifest, used only by {@link #rebuildIndex}), and the store's own directories
 * {@code .index} (checkpoint + journal), {@code .staging} (writes in progress), {@code .trash} and
 * {@code .quarantine}.
 *
 * <h2>Write path</h2>
 * The calling thread writes the new shard files and a manifest into {@code .staging/<CID>.<txid>/},
 * hashing as it goes, forces them and the staging directory. The single writer thread then takes
 * every write queued at that moment (group commit), appends one journal record per write, forces the
 * journal once, moves each staging directory into place with one atomic rename (or renames single
 * files when the chunk already exists), forces the affected directories once, and only then updates
 * the in-memory index that readers see. Recovery classifies by name alone: a staging directory whose
 * txid is committed in the journal is rolled forward; any other is deleted.
 *
 * <p>Thread-safe; see {@link ShardStore}.
 */
final class FileShardStore extends IndexedShardStore {

    static final String MANIFEST = "chunk.meta";
    static final String STAGING = ".staging";
    static final String TRASH = ".trash";
    static final String QUARANTINE = ".quarantine";
    static final String INDEX = ".index";

    private record Key(Cid cid, int index) {
    }

    /** A unit of work for the writer thread. */
    private abstract static class Op {
        final CompletableFuture<Object> done = new CompletableFuture<>();
    }

    private static final class PutOp extends Op {
        final Cid cid;
        final ChunkSpec spec;
        final long txid;
        final Path staging;
        final int[] indexes;
        final byte[][] hashes;
        final long createdMillis;
        final long reserved;
        final int leafSize;

        PutOp(Cid cid, ChunkSpec spec, long txid, Path staging, int[] indexes, byte[][] hashes, long createdMillis,
                long reserved, int leafSize) {
            this.leafSize = leafSize;
            this.cid = cid;
            this.spec = spec;
            this.txid = txid;
            this.staging = staging;
            this.indexes = indexes;
            this.hashes = hashes;
            this.createdMillis = createdMillis;
            this.reserved = reserved;
        }
    }

    private static final class DeleteOp extends Op {
        final Cid cid;

        DeleteOp(Cid cid) {
            this.cid = cid;
        }
    }

    private static final class QuarantineOp extends Op {
        final Cid cid;
        final int index;

        QuarantineOp(Cid cid, int index) {
            this.cid = cid;
            this.index = index;
        }
    }

    private static final class ExpiryOp extends Op {
        final Cid cid;
        final long expiryBlock;

        ExpiryOp(Cid cid, long expiryBlock) {
            this.cid = cid;
            this.expiryBlock = expiryBlock;
        }
    }

    /** Runs on the writer thread with no other write in flight. */
    private static final class ExclusiveOp extends Op {
        final java.util.concurrent.Callable<Object> task;

        ExclusiveOp(java.util.concurrent.Callable<Object> task) {
            this.task = task;
        }
    }

    private static final class StopOp extends Op {
    }

    /** What a journalled op will do on disk once the journal is forced. */
    private record Planned(Op op, ChunkEntry before, ChunkEntry after, long txid, int[] newIndexes) {
    }

    private final Path root;
    private final Path stagingDir;
    private final Path trashDir;
    private final Path quarantineDir;
    private final int leafSize;
    private final boolean verifyOnRead;
    private final boolean fsync;
    /**
     * Writer-thread confined: everything journaled so far has been applied, and the next group commit
     * should say so with an {@link IndexJournal#APPLIED} marker. Markers are written only with fsync,
     * where "applied" also means durable; without fsync recovery re-checks every journaled chunk.
     */
    private boolean appliedSinceMarker;
    /**
     * Forces (with fsync) the shard files of puts while the putting thread writes the next: waits on the
     * disk, so more threads than cores, letting the file system batch the forces of one put.
     */
    private final ExecutorService stagingPool;
    private static final int STAGING_THREADS = 16;
    /** Encodes and hashes the shards of puts: CPU work, one thread per core. */
    private final ExecutorService hashPool;
    private static final int SPARE_PARITY_SETS = 2;
    /** Parity arrays of earlier {@link #encodeAndPut}s for the next ones; see {@link #spareParity}. */
    private final java.util.concurrent.ArrayBlockingQueue<byte[][]> spareParity =
            new java.util.concurrent.ArrayBlockingQueue<>(SPARE_PARITY_SETS);
    private final Clock clock;
    private final long scrubRate;
    private final boolean repairAfterScrub;
    private final long checkpointBytes;
    private final WriteHook hook;
    private final Sleeper sleeper;

    private final IndexJournal journal;
    private final Cache<Key, byte[]> cache;
    private final long cacheBytes;
    private final StoreMetrics metrics;
    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong nextTxid = new AtomicLong();
    private final ScheduledFuture<?> scrubTask;
    private final Object closeLock = new Object();
    /** The rebuild running now, if any: writes are refused meanwhile (they would wait for all of it). */
    private final java.util.concurrent.atomic.AtomicReference<RebuildProgress> rebuilding =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean closed;
    private volatile Throwable failure;

    FileShardStore(ShardStoreBuilder b) {
        super(b.capacityBytes(), b.erasureKernel());
        this.root = b.root().toAbsolutePath().normalize();
        this.stagingDir = root.resolve(STAGING);
        this.trashDir = root.resolve(TRASH);
        this.quarantineDir = root.resolve(QUARANTINE);
        this.leafSize = b.merkleLeafSize();
        this.verifyOnRead = b.verifyOnRead();
        this.fsync = b.durability() == ShardStoreBuilder.Durability.FSYNC;
        this.clock = b.clock();
        this.scrubRate = b.scrubBytesPerSecond();
        this.repairAfterScrub = b.repairAfterScrub();
        this.checkpointBytes = b.checkpointJournalBytes();
        this.hook = b.writeHook();
        this.sleeper = b.sleeper();
        this.cacheBytes = b.cacheBytes();
        this.cache = cacheBytes == 0 ? null
                : Caffeine.newBuilder().maximumWeight(cacheBytes).weigher((Key k, byte[] v) -> v.length)
                        .recordStats().executor(Runnable::run).build();
        try {
            Files.createDirectories(root);
            Files.createDirectories(stagingDir);
            Files.createDirectories(trashDir);
            Files.createDirectories(quarantineDir);
            IndexJournal.Loaded loaded = new IndexJournal.Loaded();
            this.journal = IndexJournal.open(root.resolve(INDEX), fsync, hook, loaded);
            nextTxid.set(loaded.maxTxid + 1);
            recover(loaded);
            index.replaceAll(loaded.entries.values());
        } catch (IOException e) {
            throw new StorageException("cannot open shard store at " + root + ": " + e.getMessage(), e);
        }
        MeterRegistry registry = b.meterRegistry() != null ? b.meterRegistry() : new SimpleMeterRegistry();
        this.metrics = new StoreMetrics(registry, root.toString(), index, capacityBytes, cache);
        this.stagingPool = Executors.newFixedThreadPool(STAGING_THREADS, b.threadFactory());
        this.hashPool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()),
                b.threadFactory());
        this.writer = b.threadFactory().newThread(this::writerLoop);
        writer.start();
        if (b.scrubExecutor() != null) {
            Duration every = b.scrubInterval();
            Consumer<CorruptShardException> onCorrupt = b.onCorrupt();
            scrubTask = b.scrubExecutor().scheduleWithFixedDelay(() -> backgroundScrub(onCorrupt), every.toNanos(),
                    every.toNanos(), TimeUnit.NANOSECONDS);
        } else {
            scrubTask = null;
        }
    }

    // ---- paths ------------------------------------------------------------------------------------------

    private Path chunkDir(Cid cid) {
        return root.resolve(cid.toString());
    }

    static String shardFileName(int index) {
        return String.format("shard_%02d.bin", index);
    }

    private Path shardPath(Cid cid, int index) {
        return chunkDir(cid).resolve(shardFileName(index));
    }

    // ---- recovery ---------------------------------------------------------------------------------------

    /** Finishes or undoes what a crash interrupted; touches only the CIDs named in the replayed journal. */
    private void recover(IndexJournal.Loaded loaded) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(stagingDir)) {
            for (Path staged : ds) {
                IndexJournal.CommittedPut put = loaded.committedPuts.get(staged.getFileName().toString());
                if (put != null && loaded.entries.containsKey(put.cid())) {
                    rollForward(staged, put.cid(), put.indexes());
                } else {
                    deleteRecursively(staged);
                }
            }
        }
        emptyDirectory(trashDir);
        List<byte[]> fixes = new ArrayList<>();
        for (Cid cid : loaded.touched) {
            ChunkEntry e = loaded.entries.get(cid);
            Path dir = chunkDir(cid);
            if (e == null) {
                if (Files.exists(dir)) {
                    deleteRecursively(dir);
                }
                continue;
            }
            Files.createDirectories(dir);
            ChunkEntry fixed = e;
            for (int i = 0; i < e.slots(); i++) {
                Path f = dir.resolve(shardFileName(i));
                boolean exists = Files.exists(f);
                if (e.state(i) == ChunkEntry.HEALTHY) {
                    if (!exists || Files.size(f) != e.spec.shardLength()) {
                        fixed = fixed.withState(i, ChunkEntry.QUARANTINED);
                    }
                } else if (exists) {
                    Files.move(f, quarantineDir.resolve(cid + "." + i + "." + nextTxid.get() + ".bin"),
                            StandardCopyOption.ATOMIC_MOVE);
                }
            }
            writeManifest(dir, fixed);
            if (fsync) {
                IndexJournal.forceDirectory(dir);
            }
            if (!fixed.equals(e)) {
                loaded.entries.put(cid, fixed);
                fixes.add(IndexJournal.setRecord(nextTxid.getAndIncrement(), fixed));
            }
        }
        if (fsync) {
            IndexJournal.forceDirectory(root);
            IndexJournal.forceDirectory(stagingDir);
        }
        journal.append(fixes);
        appliedSinceMarker = true;
    }

    private void rollForward(Path staged, Cid cid, int[] indexes) throws IOException {
        Path dir = chunkDir(cid);
        if (!Files.exists(dir)) {
            Files.move(staged, dir, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        for (int i : indexes) {
            Path src = staged.resolve(shardFileName(i));
            if (Files.exists(src)) {
                Files.move(src, dir.resolve(shardFileName(i)), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        deleteRecursively(staged);
    }

    // ---- writes -----------------------------------------------------------------------------------------

    @Override
    public ChunkMeta putChunk(Cid cid, byte[][] shards, ChunkSpec spec) {
        ensureWritable();
        ShardChecks.checkPutChunk(cid, shards, spec);
        return put(cid, allIndexes(spec), wrap(shards), spec, null);
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
        ensureWritable();
        ShardChecks.checkChunk(cid, chunk, spec);
        ChunkEntry current = index.get(cid);
        if (current != null) { // adds only the shards not held; rare enough to encode them all first
            return putChunk(cid, codec(spec).encode(chunk), spec);
        }
        byte[][] parityArrays = spareParity(spec);
        ByteBuffer[] shards = ShardChecks.split(chunk, spec, parityArrays);
        Future<?> parity;
        try {
            parity = hashPool.submit(() -> codec(spec).encodeParity(ShardChecks.duplicates(shards)));
        } catch (RuntimeException e) { // rejected: the store is closing
            ensureOpen();
            throw e;
        }
        try {
            return put(cid, allIndexes(spec), shards, spec, parity);
        } finally {
            // put waits for every task that reads the arrays, except when it returns or throws before
            // writing (a concurrent put of the same chunk won, or no room): the encoding may still run then
            awaitQuietly(List.of(parity));
            spareParity.offer(parityArrays);
        }
    }

    /**
     * Parity arrays for a put of {@code spec}: a spare set of the right shape, else new ones. Each array of a
     * 50 MB chunk's shard is 5 MB, a humongous object that a new allocation per put would make the
     * collector chase; the few sets that concurrent puts need are kept (at most {@link #SPARE_PARITY_SETS}).
     */
    private byte[][] spareParity(ChunkSpec spec) {
        byte[][] set;
        while ((set = spareParity.poll()) != null) {
            if (set.length == spec.parityShards() && set[0].length == spec.shardLength()) {
                return set;
            }
        }
        set = new byte[spec.parityShards()][spec.shardLength()];
        return set;
    }

    @Override
    public ChunkMeta putShard(Cid cid, int shardIndex, byte[] shard, ChunkSpec spec) {
        ensureWritable();
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(spec, "spec");
        ShardChecks.checkShard(shardIndex, shard, spec);
        ByteBuffer[] one = new ByteBuffer[spec.totalShards()];
        one[shardIndex] = ByteBuffer.wrap(shard);
        return put(cid, new int[] {shardIndex}, one, spec, null);
    }

    private static int[] allIndexes(ChunkSpec spec) {
        int[] all = new int[spec.totalShards()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }

    /**
     * Writes, hashes and forces {@code shards[i]} for each listed index not yet held, then commits them.
     *
     * @param shards read from position 0 to limit, never modified here
     * @param parity when not null, the encoding of the parity shards (indexes {@code >= k}) into
     *     {@code shards}: they are written and hashed only after it completes
     */
    private ChunkMeta put(Cid cid, int[] indexes, ByteBuffer[] shards, ChunkSpec spec, Future<?> parity) {
        ChunkEntry current = index.get(cid);
        ShardChecks.checkSameSpec(cid, current, spec);
        int[] toWrite = Arrays.stream(indexes).filter(i -> current == null || !current.healthy(i)).toArray();
        if (toWrite.length == 0) {
            return current.toMeta();
        }
        long bytes = (long) toWrite.length * spec.shardLength();
        reserve(bytes);
        long txid = nextTxid.getAndIncrement();
        Path staging = stagingDir.resolve(IndexJournal.stagingName(cid, txid));
        byte[][] hashes = new byte[spec.totalShards()][];
        long created = current != null ? current.createdMillis : clock.millis();
        int chunkLeaf = current != null ? current.leafSize : leafSize;
        List<Future<?>> forcing = new ArrayList<>(2 * toWrite.length + 2);
        if (parity != null) {
            forcing.add(parity);
        }
        List<Future<byte[]>> hashing = new ArrayList<>(toWrite.length);
        try {
            Files.createDirectory(staging);
            ChunkEntry manifest = ChunkEntry.empty(cid, spec, chunkLeaf, created);
            Future<?> encoding = parity;
            for (int i : toWrite) {
                if (encoding != null && i >= spec.dataShards()) {
                    await(encoding, forcing, "encoding the parity shards");
                    encoding = null;
                }
                // This thread only copies the shards into files; their forces run on the staging pool and
                // their hashes on the hash pool, so the disk and every core work at once.
                ByteBuffer shard = shards[i];
                Future<byte[]> hash = hashPool.submit(() -> hashShard(shard.duplicate(), chunkLeaf));
                hashing.add(hash);
                forcing.add(hash);
                forcing.add(writeFile(staging.resolve(shardFileName(i)), shard.duplicate(), true));
            }
            for (int k = 0; k < toWrite.length; k++) {
                int i = toWrite[k];
                hashes[i] = await(hashing.get(k), forcing, "hashing a shard");
                manifest = manifest.withHealthy(i, Arrays.copyOf(hashes[i], 32), Arrays.copyOfRange(hashes[i], 32, 64));
            }
            forcing.add(writeFile(staging.resolve(MANIFEST), ByteBuffer.wrap(manifest.encode()), true));
            awaitForced(forcing);
            if (fsync) {
                IndexJournal.forceDirectory(staging);
            }
        } catch (IOException | RuntimeException e) {
            awaitQuietly(forcing); // no forcer may still hold a file of the staging directory
            deleteQuietly(staging);
            reserved.addAndGet(-bytes);
            throw failure(e, bytes, "write shards of " + cid);
        }
        return (ChunkMeta) submit(new PutOp(cid, spec, txid, staging, toWrite, hashes, created, bytes, chunkLeaf));
    }

    private void reserve(long bytes) {
        while (true) {
            long r = reserved.get();
            long available = capacityBytes - index.bytesStored() - r;
            if (bytes > available) {
                throw new StorageFullException(bytes, Math.max(0, available));
            }
            if (reserved.compareAndSet(r, r + bytes)) {
                return;
            }
        }
    }

    /** {@code sha256 || merkleRoot} of one shard. */
    private static byte[] hashShard(ByteBuffer shard, int leaf) {
        MessageDigest md = Merkle.newSha256();
        byte[] root = Merkle.root(shard, leaf, md);
        byte[] out = Arrays.copyOf(md.digest(), 64);
        System.arraycopy(root, 0, out, 32, 32);
        return out;
    }

    /** The result of {@code task}, one step of a put named by {@code what}; waits for {@code all} when interrupted. */
    private static <T> T await(Future<T> task, List<Future<?>> all, String what) throws IOException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw new IOException(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            awaitQuietly(all);
            throw new java.io.InterruptedIOException("interrupted while " + what);
        }
    }

    /** Waits for every force; throws the first failure. */
    private static void awaitForced(List<Future<?>> forcing) throws IOException {
        IOException first = null;
        for (Future<?> f : forcing) {
            try {
                f.get();
            } catch (ExecutionException e) {
                IOException io = e.getCause() instanceof IOException x ? x : new IOException(e.getCause());
                if (first == null) {
                    first = io;
                } else {
                    first.addSuppressed(io);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                awaitQuietly(forcing);
                throw new java.io.InterruptedIOException("interrupted while forcing shard files");
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void awaitQuietly(List<Future<?>> forcing) {
        boolean interrupted = false;
        for (Future<?> f : forcing) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes {@code data} to a new file and, with fsync, forces it: on a forcer thread when
     * {@code async} (the returned future completes when the file is forced and closed), else before
     * returning (the returned future is already complete).
     */
    private Future<?> writeFile(Path file, ByteBuffer b, boolean async) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            long pos = 0;
            while (b.hasRemaining()) {
                int n = Math.min(b.remaining(), 1 << 20);
                hook.beforeWrite(file, pos, n);
                ByteBuffer slice = b.slice();
                slice.limit(n);
                int w = ch.write(slice, pos);
                pos += w;
                b.position(b.position() + w);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (!fsync || !async) {
            try (ch) {
                if (fsync) {
                    ch.force(false);
                }
            }
            return CompletableFuture.completedFuture(null);
        }
        try {
            return stagingPool.submit(() -> {
                try (ch) {
                    ch.force(false);
                }
                return null;
            });
        } catch (RuntimeException e) { // rejected: the store is closing
            ch.close();
            throw e;
        }
    }

    private void writeManifest(Path dir, ChunkEntry entry) throws IOException {
        Path tmp = dir.resolve(MANIFEST + ".tmp");
        Files.deleteIfExists(tmp);
        writeFile(tmp, ByteBuffer.wrap(entry.encode()), false);
        Files.move(tmp, dir.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public boolean delete(Cid cid) {
        ensureWritable();
        Objects.requireNonNull(cid, "cid");
        if (index.get(cid) == null) {
            return false;
        }
        return (Boolean) submit(new DeleteOp(cid));
    }

    @Override
    public ChunkMeta setExpiry(Cid cid, long expiryBlock) {
        ensureWritable();
        Objects.requireNonNull(cid, "cid");
        if (expiryBlock < 0) {
            throw new IllegalArgumentException("expiryBlock must be >= 0: " + expiryBlock);
        }
        return (ChunkMeta) submit(new ExpiryOp(cid, expiryBlock));
    }

    private Object submit(Op op) {
        synchronized (closeLock) {
            if (closed) {
                throw new StoreClosedException("shard store at " + root + " is closed");
            }
            queue.add(op);
        }
        try {
            return op.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted waiting for the writer of " + root
                    + "; the write may still complete", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new StorageException("write failed at " + root + ": " + c, c);
        }
    }

    // ---- writer thread ----------------------------------------------------------------------------------

    private void writerLoop() {
        List<Op> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, 255);
            List<Op> group = new ArrayList<>();
            for (Op op : batch) {
                if (op instanceof StopOp || op instanceof ExclusiveOp) {
                    commitGroup(group);
                    group.clear();
                    if (op instanceof StopOp) {
                        stop = true;
                        finishOnStop(op);
                    } else {
                        runExclusive((ExclusiveOp) op);
                    }
                } else if (stop) {
                    op.done.completeExceptionally(new StoreClosedException("shard store at " + root + " is closed"));
                } else {
                    group.add(op);
                }
            }
            if (!stop) {
                commitGroup(group);
                maybeCheckpoint();
            }
        }
        List<Op> left = new ArrayList<>();
        queue.drainTo(left);
        for (Op op : left) {
            op.done.completeExceptionally(new StoreClosedException("shard store at " + root + " is closed"));
        }
    }

    private void finishOnStop(Op stopOp) {
        try {
            if (failure == null && journal.size() > 0) {
                journal.checkpoint(index.entries(), nextTxid.get() - 1);
            }
            stopOp.done.complete(null);
        } catch (IOException | RuntimeException e) {
            stopOp.done.completeExceptionally(e);
        }
    }

    private void runExclusive(ExclusiveOp op) {
        try {
            op.done.complete(op.task.call());
        } catch (Throwable t) {
            op.done.completeExceptionally(t);
        }
    }

    private void maybeCheckpoint() {
        if (failure == null && journal.size() >= checkpointBytes) {
            try {
                journal.checkpoint(index.entries(), nextTxid.get() - 1);
            } catch (IOException e) {
                // the journal stays authoritative; the next batch retries the checkpoint
            }
        }
    }

    private void commitGroup(List<Op> group) {
        if (group.isEmpty()) {
            return;
        }
        if (failure != null) {
            for (Op op : group) {
                abandon(op, new StoreClosedException("shard store at " + root + " stopped after an I/O fault", failure));
            }
            return;
        }
        Map<Cid, Optional<ChunkEntry>> overlay = new HashMap<>();
        List<Planned> planned = new ArrayList<>();
        List<byte[]> records = new ArrayList<>();
        for (Op op : group) {
            try {
                Planned p = plan(op, overlay);
                if (p == null) {
                    continue;
                }
                planned.add(p);
                if (op instanceof PutOp) {
                    records.add(IndexJournal.putRecord(p.txid, p.newIndexes, p.after));
                } else if (op instanceof DeleteOp del) {
                    records.add(IndexJournal.deleteRecord(p.txid, del.cid));
                } else {
                    records.add(IndexJournal.setRecord(p.txid, p.after));
                }
                overlay.put(p.after != null ? p.after.cid : ((DeleteOp) op).cid, Optional.ofNullable(p.after));
            } catch (RuntimeException e) {
                abandon(op, e);
            }
        }
        boolean marked = fsync && appliedSinceMarker;
        if (marked) {
            records.add(0, IndexJournal.appliedRecord());
        }
        try {
            journal.append(records);
            if (marked) {
                appliedSinceMarker = false;
            }
        } catch (IOException e) {
            for (Planned p : planned) {
                long bytes = p.op instanceof PutOp put ? put.reserved : 0;
                abandon(p.op, failure(e, bytes, "commit to the index journal"));
            }
            return;
        }
        Set<Path> dirsToForce = new LinkedHashSet<>();
        List<Path> trash = new ArrayList<>();
        int applied = 0;
        try {
            for (Planned p : planned) {
                if (!(p.op instanceof PutOp)) {
                    publishIndex(p); // readers stop finding the shards before their files move away
                }
                apply(p, dirsToForce, trash);
                applied++;
            }
            if (fsync) {
                for (Path d : dirsToForce) {
                    IndexJournal.forceDirectory(d);
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            for (int i = 0; i < planned.size(); i++) {
                Planned p = planned.get(i);
                if (i < applied) {
                    publish(p);
                } else {
                    abandon(p.op, new StorageException("applying a committed write failed at " + root
                            + "; the store stops accepting writes and completes it on restart", e));
                }
            }
            return;
        }
        for (Planned p : planned) {
            publish(p);
        }
        appliedSinceMarker = true;
        for (Path t : trash) {
            deleteQuietly(t);
        }
    }

    /** Decides what an op changes; null when it completes without a journal record. */
    private Planned plan(Op op, Map<Cid, Optional<ChunkEntry>> overlay) {
        if (op instanceof PutOp put) {
            ChunkEntry cur = current(put.cid, overlay);
            ShardChecks.checkSameSpec(put.cid, cur, put.spec);
            ChunkEntry next = cur != null ? cur : ChunkEntry.empty(put.cid, put.spec, put.leafSize, put.createdMillis);
            List<Integer> added = new ArrayList<>();
            for (int i : put.indexes) {
                if (!next.healthy(i)) {
                    next = next.withHealthy(i, Arrays.copyOf(put.hashes[i], 32), Arrays.copyOfRange(put.hashes[i], 32, 64));
                    added.add(i);
                }
            }
            if (added.isEmpty()) {
                deleteQuietly(put.staging);
                reserved.addAndGet(-put.reserved);
                put.done.complete(next.toMeta());
                return null;
            }
            return new Planned(op, cur, next, put.txid, added.stream().mapToInt(Integer::intValue).toArray());
        }
        if (op instanceof DeleteOp del) {
            ChunkEntry cur = current(del.cid, overlay);
            if (cur == null) {
                del.done.complete(Boolean.FALSE);
                return null;
            }
            return new Planned(op, cur, null, nextTxid.getAndIncrement(), new int[0]);
        }
        if (op instanceof ExpiryOp exp) {
            ChunkEntry cur = current(exp.cid, overlay);
            if (cur == null) {
                exp.done.completeExceptionally(new ShardNotFoundException(exp.cid, -1));
                return null;
            }
            return new Planned(op, cur, cur.withSpec(cur.spec.withExpiryBlock(exp.expiryBlock)),
                    nextTxid.getAndIncrement(), new int[0]);
        }
        QuarantineOp q = (QuarantineOp) op;
        ChunkEntry cur = current(q.cid, overlay);
        if (cur == null || !cur.healthy(q.index)) {
            q.done.complete(Boolean.FALSE);
            return null;
        }
        return new Planned(op, cur, cur.withState(q.index, ChunkEntry.QUARANTINED), nextTxid.getAndIncrement(),
                new int[] {q.index});
    }

    private ChunkEntry current(Cid cid, Map<Cid, Optional<ChunkEntry>> overlay) {
        Optional<ChunkEntry> o = overlay.get(cid);
        return o != null ? o.orElse(null) : index.get(cid);
    }

    private void apply(Planned p, Set<Path> dirsToForce, List<Path> trash) throws IOException {
        if (p.op instanceof PutOp put) {
            Path dir = chunkDir(put.cid);
            if (!Files.exists(dir)) {
                Files.move(put.staging, dir, StandardCopyOption.ATOMIC_MOVE);
                dirsToForce.add(root);
            } else {
                for (int i : p.newIndexes) {
                    Files.move(put.staging.resolve(shardFileName(i)), dir.resolve(shardFileName(i)),
                            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                writeManifest(dir, p.after);
                deleteRecursively(put.staging);
                dirsToForce.add(dir);
            }
            dirsToForce.add(stagingDir);
        } else if (p.op instanceof DeleteOp del) {
            Path dir = chunkDir(del.cid);
            if (Files.exists(dir)) {
                Path t = trashDir.resolve(del.cid + "." + p.txid);
                Files.move(dir, t, StandardCopyOption.ATOMIC_MOVE);
                trash.add(t);
                dirsToForce.add(root);
            }
        } else if (p.op instanceof QuarantineOp q) {
            Path f = shardPath(q.cid, q.index);
            if (Files.exists(f)) {
                Files.move(f, quarantineDir.resolve(q.cid + "." + q.index + "." + p.txid + ".bin"),
                        StandardCopyOption.ATOMIC_MOVE);
                dirsToForce.add(chunkDir(q.cid));
                dirsToForce.add(quarantineDir);
            }
        }
    }

    /** Makes an applied op visible to readers (once) and completes its caller. */
    private void publish(Planned p) {
        if (p.op instanceof PutOp) {
            publishIndex(p);
        }
        complete(p);
    }

    private void publishIndex(Planned p) {
        Cid cid = p.after != null ? p.after.cid : ((DeleteOp) p.op).cid;
        index.put(cid, p.after);
        if (cache != null && p.before != null) {
            for (int i = 0; i < p.before.slots(); i++) {
                if (p.before.healthy(i) && (p.after == null || !p.after.healthy(i))) {
                    cache.invalidate(new Key(cid, i));
                }
            }
        }
    }

    private void complete(Planned p) {
        if (p.op instanceof PutOp put) {
            reserved.addAndGet(-put.reserved);
            put.done.complete(p.after.toMeta());
        } else if (p.op instanceof ExpiryOp) {
            p.op.done.complete(p.after.toMeta());
        } else if (p.op instanceof DeleteOp) {
            p.op.done.complete(Boolean.TRUE);
        } else {
            p.op.done.complete(Boolean.TRUE);
        }
    }

    private void abandon(Op op, Throwable t) {
        if (op instanceof PutOp put) {
            deleteQuietly(put.staging);
            reserved.addAndGet(-put.reserved);
        }
        op.done.completeExceptionally(t);
    }

    // ---- reads ------------------------------------------------------------------------------------------

    @Override
    public byte[] readShard(Cid cid, int shardIndex) {
        ensureOpen();
        long start = System.nanoTime();
        try {
            boolean[] shared = new boolean[1];
            byte[] b = shardBytes(cid, shardIndex, verifyOnRead, shared);
            return shared[0] ? b.clone() : b;
        } finally {
            metrics.retrieval.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public ByteBuffer readShardView(Cid cid, int shardIndex) {
        ensureOpen();
        long start = System.nanoTime();
        try {
            return ByteBuffer.wrap(shardBytes(cid, shardIndex, verifyOnRead, null)).asReadOnlyBuffer();
        } finally {
            metrics.retrieval.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The whole shard, from the cache or the disk; the returned array may be the cached one: never modify
     * it. {@code shared[0]}, when given, tells whether it is (so only then does a caller need a copy).
     */
    private byte[] shardBytes(Cid cid, int shardIndex, boolean verify, boolean[] shared) {
        ChunkEntry e = ShardChecks.requireShard(index.get(cid), cid, shardIndex);
        Key key = new Key(cid, shardIndex);
        if (cache != null) {
            byte[] hit = cache.getIfPresent(key);
            if (hit != null) {
                if (shared != null) {
                    shared[0] = true;
                }
                return hit;
            }
        }
        byte[] b = new byte[e.spec.shardLength()];
        readInto(cid, shardIndex, 0, ByteBuffer.wrap(b));
        if (verify && !e.sha256Equals(shardIndex, ShardChecks.sha256(b))) {
            CorruptShardException c = new CorruptShardException(cid, shardIndex, e.sha256(shardIndex),
                    ShardChecks.sha256(b));
            quarantine(cid, shardIndex);
            throw c;
        }
        if (cache != null && b.length <= cacheBytes) {
            cache.put(key, b);
            if (shared != null) {
                shared[0] = true;
            }
        }
        return b;
    }

    private void readInto(Cid cid, int shardIndex, long offset, ByteBuffer dst) {
        try (FileChannel ch = FileChannel.open(shardPath(cid, shardIndex), StandardOpenOption.READ)) {
            long pos = offset;
            while (dst.hasRemaining()) {
                int n = ch.read(dst, pos);
                if (n < 0) {
                    throw new CorruptShardException(cid, shardIndex, "file is shorter than recorded");
                }
                pos += n;
            }
        } catch (NoSuchFileException e) {
            throw new ShardNotFoundException(cid, shardIndex);
        } catch (IOException e) {
            throw new StorageException("cannot read shard " + shardIndex + " of " + cid + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] readRange(Cid cid, int shardIndex, long offset, int length) {
        ensureOpen();
        long start = System.nanoTime();
        try {
            ChunkEntry e = ShardChecks.requireShard(index.get(cid), cid, shardIndex);
            ShardChecks.checkRange(e, offset, length);
            byte[] out = new byte[length];
            byte[] hit = cache != null ? cache.getIfPresent(new Key(cid, shardIndex)) : null;
            if (hit != null) {
                System.arraycopy(hit, (int) offset, out, 0, length);
            } else {
                readInto(cid, shardIndex, offset, ByteBuffer.wrap(out));
            }
            return out;
        } finally {
            metrics.retrieval.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public ShardRegion openRegion(Cid cid, int shardIndex, long offset, long length) {
        ensureOpen();
        long start = System.nanoTime();
        try {
            ChunkEntry e = ShardChecks.requireShard(index.get(cid), cid, shardIndex);
            ShardChecks.checkRange(e, offset, length);
            FileChannel ch = FileChannel.open(shardPath(cid, shardIndex), StandardOpenOption.READ);
            return new FileShardRegion(cid, shardIndex, offset, length, ch);
        } catch (NoSuchFileException e) {
            throw new ShardNotFoundException(cid, shardIndex);
        } catch (IOException e) {
            throw new StorageException("cannot open shard " + shardIndex + " of " + cid + ": " + e.getMessage(), e);
        } finally {
            metrics.retrieval.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    // ---- accounting -------------------------------------------------------------------------------------

    @Override
    public CacheCounters cacheCounters() {
        ensureOpen();
        if (cache == null) {
            return new CacheCounters(0, 0, 0, 0, 0);
        }
        var s = cache.stats();
        long weight = cache.policy().eviction().map(ev -> ev.weightedSize().orElse(0)).orElse(0L);
        return new CacheCounters(s.hitCount(), s.missCount(), s.evictionCount(), weight, cacheBytes);
    }

    // ---- integrity --------------------------------------------------------------------------------------

    private void quarantine(Cid cid, int shardIndex) {
        if (failure == null && !closed) {
            try {
                submit(new QuarantineOp(cid, shardIndex));
            } catch (StoreClosedException ignored) {
                // closing: the next scrub after restart finds the shard again
            }
        }
    }

    private void backgroundScrub(Consumer<CorruptShardException> onCorrupt) {
        if (closed) {
            return;
        }
        try {
            scrub(onCorrupt);
        } catch (StoreClosedException ignored) {
            // closed during the pass
        } catch (RuntimeException e) {
            metrics.repairFailures.increment();
        }
    }

    @Override
    public ScrubReport scrub(Consumer<CorruptShardException> onCorrupt) {
        ensureOpen();
        Objects.requireNonNull(onCorrupt, "onCorrupt");
        Pacer pacer = new Pacer();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long chunks = 0;
        long shards = 0;
        long bytes = 0;
        long repaired = 0;
        List<CorruptShardException> corrupt = new ArrayList<>();
        List<Cid> unrepairable = new ArrayList<>();
        for (ChunkEntry e : new ArrayList<>(index.entries())) {
            if (closed) {
                break;
            }
            chunks++;
            List<CorruptShardException> found = new ArrayList<>();
            for (int i = 0; i < e.slots(); i++) {
                if (!e.healthy(i)) {
                    continue;
                }
                byte[] actual;
                try {
                    actual = hashFile(shardPath(e.cid, i), buf, pacer);
                } catch (NoSuchFileException gone) {
                    actual = null;
                } catch (IOException io) {
                    actual = null;
                }
                ChunkEntry now = index.get(e.cid);
                if (now == null || !now.healthy(i)) {
                    continue; // deleted or quarantined while we read
                }
                shards++;
                bytes += e.spec.shardLength();
                metrics.scrubBytes.increment(e.spec.shardLength());
                if (actual == null || !e.sha256Equals(i, actual)) {
                    CorruptShardException c = actual == null
                            ? new CorruptShardException(e.cid, i, "shard file missing or unreadable")
                            : new CorruptShardException(e.cid, i, e.sha256(i), actual);
                    found.add(c);
                    metrics.scrubCorrupt.increment();
                    quarantine(e.cid, i);
                }
            }
            if (!found.isEmpty() && repairAfterScrub) {
                try {
                    repaired += repair(e.cid).regenerated().size();
                } catch (UnrepairableChunkException u) {
                    unrepairable.add(e.cid);
                } catch (ShardNotFoundException deleted) {
                    // deleted meanwhile: nothing to repair
                } catch (RebuildInProgressException later) {
                    // the rebuild re-hashes every shard; the quarantined ones wait for a later repair
                } catch (StorageException failed) {
                    metrics.repairFailures.increment();
                }
            }
            corrupt.addAll(found);
            found.forEach(onCorrupt); // after the repair: a listener sees what is still lost
        }
        return new ScrubReport(chunks, shards, bytes, corrupt, repaired, unrepairable);
    }

    /** The longest a paced scrub sleeps before it looks whether the store was closed. */
    private static final long MAX_PACING_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Keeps the scrubber's reads under {@code scrubRate} bytes per second of the store's clock; a slow pass
     * (a small budget) ends within {@link #MAX_PACING_SLEEP_NANOS} of the store's close.
     */
    private final class Pacer {
        private final long startNanos = nanos();
        private long bytes;

        private long nanos() {
            java.time.Instant t = clock.instant();
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        }

        void account(long n) {
            bytes += n;
            long due = (long) (bytes * 1e9 / scrubRate);
            for (long ahead = due - (nanos() - startNanos); ahead > 0; ahead -= MAX_PACING_SLEEP_NANOS) {
                if (closed) {
                    throw new StoreClosedException("shard store at " + root + " closed during a scrub");
                }
                try {
                    sleeper.sleep(Duration.ofNanos(Math.min(ahead, MAX_PACING_SLEEP_NANOS)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageException("scrub interrupted", e);
                }
            }
        }
    }

    private byte[] hashFile(Path file, ByteBuffer buf, Pacer pacer) throws IOException {
        MessageDigest md = Merkle.newSha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = 0;
            while (true) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
                buf.flip();
                md.update(buf);
                if (pacer != null) {
                    pacer.account(n);
                }
            }
        }
        return md.digest();
    }

    @Override
    public RepairReport repair(Cid cid) {
        ensureWritable();
        Objects.requireNonNull(cid, "cid");
        ChunkEntry e = index.get(cid);
        if (e == null) {
            throw new ShardNotFoundException(cid, -1);
        }
        int n = e.slots();
        int len = e.spec.shardLength();
        byte[][] shards = new byte[n][];
        boolean[] healthy = new boolean[n];
        List<Integer> corrupt = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            shards[i] = new byte[len];
            if (!e.healthy(i)) {
                continue;
            }
            try {
                readInto(cid, i, 0, ByteBuffer.wrap(shards[i]));
                healthy[i] = e.sha256Equals(i, ShardChecks.sha256(shards[i]));
            } catch (ShardNotFoundException | CorruptShardException missing) {
                healthy[i] = false;
            }
            if (!healthy[i]) {
                corrupt.add(i);
                metrics.scrubCorrupt.increment();
                quarantine(cid, i);
            }
        }
        e = index.get(cid);
        if (e == null) {
            throw new ShardNotFoundException(cid, -1);
        }
        List<Integer> regenerate = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (e.state(i) == ChunkEntry.QUARANTINED) {
                regenerate.add(i);
            }
        }
        if (regenerate.isEmpty()) {
            return new RepairReport(cid, corrupt, List.of());
        }
        try {
            ShardChecks.regenerate(codec(e.spec), e, shards, healthy);
        } catch (StorageException u) {
            metrics.repairFailures.increment();
            throw u;
        }
        int[] idx = new int[regenerate.size()];
        for (int j = 0; j < idx.length; j++) {
            int i = regenerate.get(j);
            byte[] actual = ShardChecks.sha256(shards[i]);
            if (!e.sha256Equals(i, actual)) {
                metrics.repairFailures.increment();
                throw new CorruptShardException(cid, i, e.sha256(i), actual);
            }
            idx[j] = i;
        }
        put(cid, idx, wrap(shards), e.spec, null);
        metrics.repairedShards.increment(idx.length);
        return new RepairReport(cid, corrupt, regenerate);
    }

    @Override
    public RebuildReport rebuildIndex(RebuildListener listener) {
        ensureWritable();
        Objects.requireNonNull(listener, "listener");
        RebuildProgress progress = new RebuildProgress();
        if (!rebuilding.compareAndSet(null, progress)) {
            throw new RebuildInProgressException("an index rebuild of the shard store at " + root
                    + " is already running; wait for its answer");
        }
        try {
            return (RebuildReport) submit(new ExclusiveOp(() -> rebuild(listener, progress)));
        } finally {
            rebuilding.compareAndSet(progress, null);
        }
    }

    /** How far the running rebuild has come, for the message of the writes it refuses. */
    private static final class RebuildProgress {
        volatile long done;
        volatile long total = -1;
    }

    private RebuildReport rebuild(RebuildListener listener, RebuildProgress progress) throws IOException {
        UserPrincipal storeUser = storeUser();
        List<Path> dirs = new ArrayList<>();
        List<RebuildReport.Skipped> skipped = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || !Files.isDirectory(p)) {
                    continue;
                }
                String foreign = whyForeign(p, name, storeUser);
                if (foreign != null) {
                    skipped.add(new RebuildReport.Skipped(name, foreign));
                } else {
                    dirs.add(p);
                }
            }
        }
        progress.total = dirs.size();
        List<ChunkEntry> entries = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        long[] counts = new long[3]; // shards, bytes, quarantined
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long done = 0;
        long txid = nextTxid.getAndIncrement();
        for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            try {
                ChunkEntry e = rebuildChunk(dir, name, txid, buf, counts);
                if (e == null) {
                    unreadable.add(name);
                } else {
                    entries.add(e);
                }
            } catch (IOException | RuntimeException failed) {
                skipped.add(new RebuildReport.Skipped(name, "could not be examined or moved (" + failed
                        + "); left in place and not indexed: fix its permissions or move it out of " + root
                        + ", then rebuild again"));
            }
            progress.done = ++done;
            listener.progress(done, dirs.size());
        }
        if (fsync) {
            IndexJournal.forceDirectory(root);
            IndexJournal.forceDirectory(quarantineDir);
        }
        index.replaceAll(entries);
        if (cache != null) {
            cache.invalidateAll();
        }
        journal.checkpoint(index.entries(), nextTxid.get() - 1);
        return new RebuildReport(entries.size(), counts[0], counts[1], counts[2], unreadable, skipped);
    }

    /**
     * Indexes one directory of the root: a chunk's entry with its shards re-hashed (bad ones quarantined),
     * or null after moving a directory that is no readable chunk into quarantine.
     */
    private ChunkEntry rebuildChunk(Path dir, String name, long txid, ByteBuffer buf, long[] counts)
            throws IOException {
        ChunkEntry e = null;
        if (Cid.isValid(name)) {
            try {
                e = ChunkEntry.decode(ByteBuffer.wrap(Files.readAllBytes(dir.resolve(MANIFEST))));
                if (!e.cid.toString().equals(name)) {
                    e = null;
                }
            } catch (IOException | RuntimeException bad) {
                e = null;
            }
        }
        if (e == null) {
            Files.move(dir, quarantineDir.resolve(name + "." + txid + ".dir"), StandardCopyOption.ATOMIC_MOVE);
            return null;
        }
        Set<String> known = new java.util.HashSet<>();
        known.add(MANIFEST);
        for (int i = 0; i < e.slots(); i++) {
            if (e.state(i) == ChunkEntry.ABSENT) {
                continue;
            }
            Path f = dir.resolve(shardFileName(i));
            known.add(shardFileName(i));
            byte[] actual = null;
            if (Files.exists(f) && Files.size(f) == e.spec.shardLength()) {
                actual = hashFile(f, buf, null);
            }
            if (actual != null && e.sha256Equals(i, actual)) {
                e = e.withState(i, ChunkEntry.HEALTHY);
                counts[0]++;
                counts[1] += e.spec.shardLength();
            } else {
                e = e.withState(i, ChunkEntry.QUARANTINED);
                if (Files.exists(f)) {
                    Files.move(f, quarantineDir.resolve(name + "." + i + "." + txid + ".bin"),
                            StandardCopyOption.ATOMIC_MOVE);
                    counts[2]++;
                }
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (!known.contains(f.getFileName().toString())) {
                    Files.move(f, quarantineDir.resolve(name + "." + f.getFileName() + "." + txid),
                            StandardCopyOption.ATOMIC_MOVE);
                    counts[2]++;
                }
            }
        }
        writeManifest(dir, e);
        return e;
    }

    /** The user this process writes files as (the owner of a file it creates), or null where owners are unknown. */
    private UserPrincipal storeUser() {
        Path probe = null;
        try {
            probe = Files.createTempFile(stagingDir, "owner", ".probe");
            return Files.getOwner(probe);
        } catch (IOException | UnsupportedOperationException unknown) {
            return null;
        } finally {
            if (probe != null) {
                deleteQuietly(probe);
            }
        }
    }

    /**
     * Why a directory of the root must be left alone by a rebuild, or null if the rebuild may index or move
     * it: a file system's {@code lost+found}; or a directory that is no chunk (the rebuild would move it
     * into quarantine) and that the store's user does not own or may not write. A chunk directory is
     * indexed whoever owns it, if the store may write it; a failure there skips it too.
     */
    private String whyForeign(Path dir, String name, UserPrincipal storeUser) {
        if (name.equals("lost+found")) {
            return "the file system's own directory (fsck recovers files into it); never moved. Keep the store's"
                    + " root a directory below the mount point to keep it out";
        }
        if (Cid.isValid(name)) {
            return null;
        }
        try {
            UserPrincipal owner = storeUser != null ? Files.getOwner(dir) : null;
            if (owner != null && !owner.equals(storeUser)) {
                return "owned by " + owner.getName() + ", not by the store's user " + storeUser.getName()
                        + ", and no chunk; left in place: move it out of " + root;
            }
        } catch (IOException | UnsupportedOperationException unknown) {
            // owner unknown: the write check below decides
        }
        if (!Files.isWritable(dir)) {
            return "not writable by the store's user, and no chunk; left in place: move it out of " + root;
        }
        return null;
    }

    // ---- proofs -----------------------------------------------------------------------------------------

    @Override
    public byte[] proveHash(Cid cid, int shardIndex, long offset, int length, byte[] nonce) {
        Objects.requireNonNull(nonce, "nonce");
        return ShardChecks.proveHash(ByteBuffer.wrap(readRange(cid, shardIndex, offset, length)), nonce);
    }

    @Override
    public MerkleProof proveMerkle(Cid cid, int shardIndex, long offset, int length) {
        ensureOpen();
        ChunkEntry e = ShardChecks.requireShard(index.get(cid), cid, shardIndex);
        return MerkleProof.prove(ByteBuffer.wrap(shardBytes(cid, shardIndex, false, null)), e.leafSize, offset, length);
    }

    // ---- lifecycle --------------------------------------------------------------------------------------

    @Override
    public void close() {
        StopOp stop;
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            stop = new StopOp();
            queue.add(stop);
        }
        if (scrubTask != null) {
            scrubTask.cancel(false);
        }
        Throwable first = null;
        try {
            stop.done.get();
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            first = e;
        } catch (ExecutionException | CompletionException e) {
            first = e.getCause();
        }
        stagingPool.shutdown(); // queued work of puts still staging finishes; nothing new is accepted
        hashPool.shutdown();
        try {
            journal.close();
        } catch (IOException e) {
            if (first == null) {
                first = e;
            }
        }
        metrics.close();
        if (cache != null) {
            cache.invalidateAll();
        }
        if (first != null) {
            throw new StorageException("closing shard store at " + root + " failed: " + first.getMessage(), first);
        }
    }

    @Override
    void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("shard store at " + root + " is closed");
        }
    }

    private void ensureWritable() {
        ensureOpen();
        Throwable f = failure;
        if (f != null) {
            throw new StoreClosedException("shard store at " + root + " stopped accepting writes after an I/O fault: "
                    + f.getMessage(), f);
        }
        RebuildProgress r = rebuilding.get();
        if (r != null) {
            throw new RebuildInProgressException("the index of the shard store at " + root + " is being rebuilt ("
                    + (r.total < 0 ? "listing directories" : r.done + " of " + r.total + " directories examined")
                    + "); it takes no writes until the rebuild ends: retry then");
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static RuntimeException failure(Throwable e, long bytes, String what) {
        if (e instanceof RuntimeException r && !(e instanceof java.io.UncheckedIOException)) {
            return r;
        }
        if (isOutOfSpace(e)) {
            return new StorageFullException(bytes, e);
        }
        return new StorageException("cannot " + what + ": " + e.getMessage(), e);
    }

    static boolean isOutOfSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    private static void deleteQuietly(Path p) {
        try {
            deleteRecursively(p);
        } catch (IOException ignored) {
            // leftovers in .staging or .trash are removed by the next recovery
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) {
                    deleteRecursively(c);
                }
            }
        }
        try {
            Files.delete(p);
        } catch (NoSuchFileException alreadyGone) {
            // removed concurrently
        }
    }

    private static void emptyDirectory(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                deleteRecursively(p);
            }
        }
    }

    @Override
    public String toString() {
        return "FileShardStore[" + root + "]";
    }
}

package io.icn.storage;

import io.icn.erasure.Gf256Kernel;
import io.icn.erasure.Kernels;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A {@link ShardStore} on the heap, with the same contract as the file store: atomic puts, capacity,
 * hashes, Merkle roots, expiry index, and the maintenance view (scrub, repair, proofs). Meant for tests and for embedding
 * without a disk; the {@code icn-test-support} module re-exports it.
 *
 * <p>{@link #corruptShard(Cid, int, long)} flips a bit of a stored shard, so that callers can test
 * their audit and repair paths.
 *
 * <p>Thread-safe: writes are serialized on the store's monitor, reads are lock-free. Holds no file or
 * thread; {@link #close()} only makes further use throw.
 */
public final class InMemoryShardStore extends IndexedShardStore {

    private record Key(Cid cid, int index) {
    }

    private final ConcurrentHashMap<Key, byte[]> data = new ConcurrentHashMap<>();
    private final int leafSize;
    private final Clock clock;
    private final Maintenance maintenance = new HeapMaintenance();
    private volatile boolean closed;

    /** Unlimited capacity, 4 KiB Merkle leaves ({@link MerkleProof#DEFAULT_LEAF_SIZE}), the system UTC clock. */
    public InMemoryShardStore() {
        this(Long.MAX_VALUE, MerkleProof.DEFAULT_LEAF_SIZE, Clock.systemUTC());
    }

    /**
     * @param capacityBytes the byte limit, {@code > 0} ({@link Long#MAX_VALUE} for none)
     * @param merkleLeafSize Merkle block size, {@code >= 1}
     * @param clock source of creation times
     */
    public InMemoryShardStore(long capacityBytes, int merkleLeafSize, Clock clock) {
        this(capacityBytes, merkleLeafSize, clock, Kernels.best());
    }

    /**
     * As {@link #InMemoryShardStore(long, int, Clock)}, repairing with codecs on {@code erasureKernel}
     * (e.g. the kernel of a node's {@link io.icn.erasure.KernelSelection}) instead of {@link Kernels#best()}.
     */
    public InMemoryShardStore(long capacityBytes, int merkleLeafSize, Clock clock, Gf256Kernel erasureKernel) {
        super(capacityBytes, erasureKernel);
        if (merkleLeafSize < 1) {
            throw new IllegalArgumentException("merkleLeafSize must be >= 1: " + merkleLeafSize);
        }
        this.leafSize = merkleLeafSize;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public ChunkMeta putChunk(Cid cid, byte[][] shards, ChunkSpec spec) {
        ensureOpen();
        ShardChecks.checkPutChunk(cid, shards, spec);
        int[] all = new int[shards.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return store(cid, all, shards, spec);
    }

    @Override
    public ChunkMeta putShard(Cid cid, int index, byte[] shard, ChunkSpec spec) {
        ensureOpen();
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(spec, "spec");
        ShardChecks.checkShard(index, shard, spec);
        byte[][] one = new byte[spec.totalShards()][];
        one[index] = shard;
        return store(cid, new int[] {index}, one, spec);
    }

    private synchronized ChunkMeta store(Cid cid, int[] indexes, byte[][] shards, ChunkSpec spec) {
        ChunkEntry current = index.get(cid);
        ShardChecks.checkSameSpec(cid, current, spec);
        ChunkEntry next = current != null ? current : ChunkEntry.empty(cid, spec, leafSize, clock.millis());
        long added = 0;
        for (int i : indexes) {
            if (!next.healthy(i)) {
                next = next.withHealthy(i, ShardChecks.sha256(shards[i]), MerkleProof.root(shards[i], next.leafSize));
                added += spec.shardLength();
            }
        }
        long available = capacityBytes - index.bytesStored();
        if (added > available) {
            throw new StorageFullException(added, available);
        }
        for (int i : indexes) {
            if (current == null || !current.healthy(i)) {
                data.put(new Key(cid, i), shards[i].clone());
            }
        }
        index.put(cid, next);
        return next.toMeta();
    }

    @Override
    public synchronized boolean delete(Cid cid) {
        ensureOpen();
        ChunkEntry e = index.put(Objects.requireNonNull(cid, "cid"), null);
        if (e == null) {
            return false;
        }
        for (int i = 0; i < e.slots(); i++) {
            data.remove(new Key(cid, i));
        }
        return true;
    }

    @Override
    public synchronized ChunkMeta setExpiry(Cid cid, long expiryBlock) {
        ensureOpen();
        ChunkEntry e = index.get(Objects.requireNonNull(cid, "cid"));
        if (e == null) {
            throw new ShardNotFoundException(cid, -1);
        }
        ChunkEntry next = e.withSpec(e.spec.withExpiryBlock(expiryBlock));
        index.put(cid, next);
        return next.toMeta();
    }

    @Override
    public byte[] readShard(Cid cid, int shardIndex) {
        return bytes(cid, shardIndex).clone();
    }

    @Override
    public ByteBuffer readShardView(Cid cid, int shardIndex) {
        return ByteBuffer.wrap(bytes(cid, shardIndex)).asReadOnlyBuffer();
    }

    @Override
    public byte[] readRange(Cid cid, int shardIndex, long offset, int length) {
        ByteBuffer b = slice(cid, shardIndex, offset, length);
        byte[] out = new byte[length];
        b.get(out);
        return out;
    }

    @Override
    public ShardRegion openRegion(Cid cid, int shardIndex, long offset, long length) {
        return new HeapShardRegion(cid, shardIndex, offset, slice(cid, shardIndex, offset, length));
    }

    private byte[] bytes(Cid cid, int shardIndex) {
        ensureOpen();
        ShardChecks.requireShard(index.get(cid), cid, shardIndex);
        byte[] b = data.get(new Key(cid, shardIndex));
        if (b == null) {
            throw new ShardNotFoundException(cid, shardIndex);
        }
        return b;
    }

    private ByteBuffer slice(Cid cid, int shardIndex, long offset, long length) {
        ensureOpen();
        ChunkEntry e = ShardChecks.requireShard(index.get(cid), cid, shardIndex);
        ShardChecks.checkRange(e, offset, length);
        return ByteBuffer.wrap(bytes(cid, shardIndex), (int) offset, (int) length).slice();
    }

    private CacheCounters cacheCounters() {
        ensureOpen();
        return new CacheCounters(0, 0, 0, 0, 0);
    }

    private ScrubReport scrub(Consumer<CorruptShardException> onCorrupt) {
        ensureOpen();
        Objects.requireNonNull(onCorrupt, "onCorrupt");
        long chunks = 0;
        long shards = 0;
        long bytes = 0;
        long repaired = 0;
        List<CorruptShardException> corrupt = new ArrayList<>();
        List<Cid> unrepairable = new ArrayList<>();
        for (ChunkEntry e : new ArrayList<>(index.entries())) {
            chunks++;
            List<CorruptShardException> found = new ArrayList<>();
            for (int i = 0; i < e.slots(); i++) {
                if (!e.healthy(i)) {
                    continue;
                }
                byte[] b = data.get(new Key(e.cid, i));
                if (b == null) {
                    continue;
                }
                shards++;
                bytes += b.length;
                byte[] actual = ShardChecks.sha256(b);
                if (!e.sha256Equals(i, actual)) {
                    CorruptShardException c = new CorruptShardException(e.cid, i, e.sha256(i), actual);
                    found.add(c);
                    quarantine(e.cid, i);
                }
            }
            if (!found.isEmpty()) {
                try {
                    repaired += repair(e.cid).regenerated().size();
                } catch (UnrepairableChunkException u) {
                    unrepairable.add(e.cid);
                } catch (ShardNotFoundException deleted) {
                    // deleted concurrently: nothing left to repair
                }
            }
            corrupt.addAll(found);
            found.forEach(onCorrupt); // after the repair, as the file store does
        }
        return new ScrubReport(chunks, shards, bytes, corrupt, repaired, unrepairable);
    }

    private synchronized void quarantine(Cid cid, int shardIndex) {
        ChunkEntry e = index.get(cid);
        if (e != null && e.healthy(shardIndex)) {
            data.remove(new Key(cid, shardIndex));
            index.put(cid, e.withState(shardIndex, ChunkEntry.QUARANTINED));
        }
    }

    private synchronized RepairReport repair(Cid cid) {
        ensureOpen();
        ChunkEntry e = index.get(Objects.requireNonNull(cid, "cid"));
        if (e == null) {
            throw new ShardNotFoundException(cid, -1);
        }
        List<Integer> corrupt = new ArrayList<>();
        int n = e.slots();
        int len = e.spec.shardLength();
        byte[][] shards = new byte[n][];
        boolean[] healthy = new boolean[n];
        for (int i = 0; i < n; i++) {
            byte[] b = e.healthy(i) ? data.get(new Key(cid, i)) : null;
            if (b != null && e.sha256Equals(i, ShardChecks.sha256(b))) {
                shards[i] = b.clone();
                healthy[i] = true;
            } else {
                if (e.healthy(i)) {
                    corrupt.add(i);
                    quarantine(cid, i);
                }
                shards[i] = new byte[len];
            }
        }
        e = index.get(cid);
        List<Integer> regenerate = e.quarantinedIndexes();
        if (regenerate.isEmpty()) {
            return new RepairReport(cid, corrupt, List.of());
        }
        ShardChecks.regenerate(codec(e.spec), e, shards, healthy);
        ChunkEntry next = e;
        for (int i : regenerate) {
            if (!e.sha256Equals(i, ShardChecks.sha256(shards[i]))) {
                throw new CorruptShardException(cid, i, e.sha256(i), ShardChecks.sha256(shards[i]));
            }
            data.put(new Key(cid, i), shards[i]);
            next = next.withHealthy(i, e.sha256(i), e.merkleRoot(i));
        }
        index.put(cid, next);
        return new RepairReport(cid, corrupt, regenerate);
    }

    private RebuildReport rebuildIndex(RebuildListener listener) {
        ensureOpen();
        long total = index.chunkCount();
        listener.progress(total, total);
        StorageUsage u = index.usage(capacityBytes);
        return new RebuildReport(u.chunkCount(), u.shardCount(), u.bytesStored(), 0, List.of(), List.of());
    }

    private byte[] proveHash(Cid cid, int shardIndex, long offset, int length, byte[] nonce) {
        return ShardChecks.proveHash(slice(cid, shardIndex, offset, length), nonce);
    }

    private MerkleProof proveMerkle(Cid cid, int shardIndex, long offset, int length) {
        ensureOpen();
        ChunkEntry e = ShardChecks.requireShard(index.get(cid), cid, shardIndex);
        return MerkleProof.prove(ByteBuffer.wrap(bytes(cid, shardIndex)), e.leafSize, offset, length);
    }

    @Override
    public Maintenance maintenance() {
        return maintenance;
    }

    /** The maintenance view; thread-safe, as the store. */
    private final class HeapMaintenance implements Maintenance {

        @Override
        public Optional<ShardLocation> locate(byte[] shardHash) {
            return InMemoryShardStore.this.locate(shardHash);
        }

        @Override
        public CacheCounters cacheCounters() {
            return InMemoryShardStore.this.cacheCounters();
        }

        @Override
        public ScrubReport scrub(Consumer<CorruptShardException> onCorrupt) {
            return InMemoryShardStore.this.scrub(onCorrupt);
        }

        @Override
        public RepairReport repair(Cid cid) {
            return InMemoryShardStore.this.repair(cid);
        }

        @Override
        public RebuildReport rebuildIndex(RebuildListener listener) {
            return InMemoryShardStore.this.rebuildIndex(listener);
        }

        @Override
        public byte[] proveHash(Cid cid, int shardIndex, long offset, int length, byte[] nonce) {
            return InMemoryShardStore.this.proveHash(cid, shardIndex, offset, length, nonce);
        }

        @Override
        public MerkleProof proveMerkle(Cid cid, int shardIndex, long offset, int length) {
            return InMemoryShardStore.this.proveMerkle(cid, shardIndex, offset, length);
        }

        @Override
        public StoreHealth health() {
            ensureOpen();
            return StoreHealth.IN_MEMORY;
        }
    }

    /**
     * Fault injection for tests: flips the lowest bit of byte {@code byteOffset} of a stored shard
     * without updating its recorded hash, as a failing disk would.
     */
    public synchronized void corruptShard(Cid cid, int shardIndex, long byteOffset) {
        ensureOpen();
        byte[] b = bytes(cid, shardIndex);
        if (byteOffset < 0 || byteOffset >= b.length) {
            throw new IllegalArgumentException("byteOffset " + byteOffset + " outside shard of " + b.length + " bytes");
        }
        b[(int) byteOffset] ^= 1;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("in-memory shard store is closed");
        }
    }
}

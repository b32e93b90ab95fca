package io.icn.storage;

import io.icn.erasure.ErasureCodec;
import io.icn.erasure.Gf256Kernel;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The read side both stores answer from their exact in-memory {@link StoreIndex}: presence,
 * metadata, listing, usage, the expiry index and shard lookup by hash, all without touching shard bytes. Subclasses keep
 * the index current and say when they are closed. Thread-safe, as the index.
 */
abstract class IndexedShardStore implements ShardStore {
    final StoreIndex index = new StoreIndex();
    final long capacityBytes;
    private final Gf256Kernel erasureKernel;
    private final ConcurrentHashMap<Long, ErasureCodec> codecs = new ConcurrentHashMap<>();

    /** @throws IllegalArgumentException unless {@code capacityBytes > 0} */
    IndexedShardStore(long capacityBytes, Gf256Kernel erasureKernel) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes must be > 0: " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.erasureKernel = Objects.requireNonNull(erasureKernel, "erasureKernel");
    }

    /** This store's codec for {@code spec}, on the store's kernel; created once per (k, m). */
    final ErasureCodec codec(ChunkSpec spec) {
        return codecs.computeIfAbsent(((long) spec.dataShards() << 32) | spec.parityShards(),
                key -> ErasureCodec.reedSolomon(spec.dataShards(), spec.parityShards(), erasureKernel));
    }

    @Override
    public ChunkMeta encodeAndPut(Cid cid, byte[] chunk, ChunkSpec spec) {
        ShardChecks.checkChunk(cid, chunk, spec);
        return putChunk(cid, codec(spec).encode(chunk), spec);
    }

    /** @throws StoreClosedException once the store is closed */
    abstract void ensureOpen();

    @Override
    public boolean contains(Cid cid) {
        ensureOpen();
        return index.get(Objects.requireNonNull(cid, "cid")) != null;
    }

    @Override
    public boolean containsShard(Cid cid, int shardIndex) {
        ensureOpen();
        ChunkEntry e = index.get(Objects.requireNonNull(cid, "cid"));
        return e != null && e.healthy(shardIndex);
    }

    @Override
    public Optional<ChunkMeta> meta(Cid cid) {
        ensureOpen();
        ChunkEntry e = index.get(Objects.requireNonNull(cid, "cid"));
        return e == null ? Optional.empty() : Optional.of(e.toMeta());
    }

    @Override
    public Set<Cid> list() {
        ensureOpen();
        return index.cids();
    }

    @Override
    public StorageUsage usage() {
        ensureOpen();
        return index.usage(capacityBytes);
    }

    @Override
    public long bytesStored(Cid cid) {
        ensureOpen();
        ChunkEntry e = index.get(Objects.requireNonNull(cid, "cid"));
        return e == null ? 0 : e.bytes();
    }

    /** {@link ShardStore.Maintenance#locate}, from the index. */
    final Optional<ShardLocation> locate(byte[] shardHash) {
        Objects.requireNonNull(shardHash, "shardHash");
        if (shardHash.length != 32) {
            throw new IllegalArgumentException("a shard hash is 32 bytes, got " + shardHash.length);
        }
        ensureOpen();
        return Optional.ofNullable(index.locate(shardHash));
    }

    @Override
    public List<Cid> expiredBefore(long block) {
        ensureOpen();
        return index.expiredBefore(block);
    }
}

package io.icn.storage;

import io.icn.erasure.ErasureCodec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A content-addressed store of erasure-coded shards: the chunk identified by a {@link Cid} is kept as up
 * to {@code k+m} shards, each with the SHA-256 and Merkle root recorded when it was written.
 *
 * <h2>Implementations</h2>
 * {@link #open(Path)} / {@link #builder(Path)} give the durable file store (layout
 * {@code <root>/<CID>/shard_NN.bin}, an index journal, group commit, hot-shard cache, scrubber);
 * {@link InMemoryShardStore} keeps the same contract on the heap for tests and embedding.
 * This interface carries the data operations (put, read, regions, presence, delete, usage, expiry); the rare ones
 * (scrub, repair, index rebuild, proofs, lookup by hash, cache counters, health) are on {@link #maintenance()}.
 *
 * <h2>Atomicity and durability</h2>
 * {@link #putChunk} makes every shard of the chunk visible at once or none of them; when it returns,
 * the shards and their metadata survive a process crash (and, for the file store with
 * {@link ShardStoreBuilder.Durability#FSYNC}, a power loss). A put that fails, including for lack of
 * space, leaves nothing behind. Storing a CID that is already present adds only the shards not yet
 * held; shards already held are kept as they are (content addressing: same CID, same bytes).
 *
 * <h2>Thread safety</h2>
 * All implementations are thread-safe: any number of threads may put, read, delete, and use the
 * {@linkplain #maintenance() maintenance view} at once. Usage figures never lose an update. Reads observe a shard either fully written or not at all.
 * Methods block on disk I/O: never call them from an event loop.
 *
 * <h2>Lifecycle</h2>
 * A store is {@link AutoCloseable}; {@link #close()} is idempotent and every other method throws
 * {@link StoreClosedException} afterwards. {@link ShardRegion}s already handed out stay usable until
 * their own close.
 *
 * <h2>Errors</h2>
 * {@link ShardNotFoundException} for an absent chunk or shard, {@link CorruptShardException} when a
 * verified read or scrub finds bad bytes, {@link StorageFullException} when a write would exceed
 * capacity or the disk is full, {@link IllegalArgumentException} for malformed arguments (naming the
 * value), {@link StorageException} with the {@link java.io.IOException} as cause for other I/O faults.
 */
public interface ShardStore extends AutoCloseable {

    /** A file store at {@code root} with default options: unlimited capacity, 256 MiB cache, fsync durability. */
    static ShardStore open(Path root) {
        return builder(root).build();
    }

    /** A builder for the file store at {@code root}. */
    static ShardStoreBuilder builder(Path root) {
        return new ShardStoreBuilder(root);
    }

    // ---- writes ---------------------------------------------------------------------------------------

    /**
     * Stores all {@code k+m} shards of a chunk atomically.
     *
     * @param shards exactly {@code spec.totalShards()} arrays of {@code spec.shardLength()} bytes each;
     *     not retained or modified
     * @return the chunk's metadata after the write
     * @throws StorageFullException if the new bytes would exceed capacity or the disk fills; nothing remains
     * @throws IllegalArgumentException if the shards do not fit {@code spec}, or the CID is already
     *     stored under a different spec
     */
    ChunkMeta putChunk(Cid cid, byte[][] shards, ChunkSpec spec);

    /**
     * Erasure-codes {@code chunk} with the spec's {@code k+m} Reed-Solomon code and stores its shards
     * atomically: the same result as {@code putChunk(cid, ErasureCodec.reedSolomon(k, m).encode(chunk), spec)}.
     * The file store overlaps the work (the data shards are written straight from {@code chunk} while the parity
     * is encoded and every shard hashed on other cores), which makes this the fast way to store a chunk that
     * arrives whole. The store does not check that {@code cid} names {@code chunk}; that is the caller's part.
     * The stores of this module encode on their kernel ({@link ShardStoreBuilder#erasureKernel}); this default
     * on {@link io.icn.erasure.Kernels#best()}.
     *
     * @param chunk exactly {@code spec.originalLength()} bytes; not retained or modified
     * @return the chunk's metadata after the write
     * @throws StorageFullException if the new bytes would exceed capacity or the disk fills; nothing remains
     * @throws IllegalArgumentException if the chunk's length is not the spec's, or the CID is already stored
     *     under a different spec
     */
    default ChunkMeta encodeAndPut(Cid cid, byte[] chunk, ChunkSpec spec) {
        ShardChecks.checkChunk(cid, chunk, spec);
        return putChunk(cid, ErasureCodec.reedSolomon(spec.dataShards(), spec.parityShards()).encode(chunk), spec);
    }

    /**
     * As {@link #encodeAndPut(Cid, byte[], ChunkSpec)} for the chunk in {@code chunk}'s remaining bytes, for a
     * chunk that arrives inside a larger buffer (a slice of the GossipSub frame it came in): the file store writes
     * the data shards straight from the buffer, so no copy of the chunk is made. This default hands the buffer's
     * array to {@link #encodeAndPut(Cid, byte[], ChunkSpec)} when the bytes are exactly that array, else a copy.
     *
     * @param chunk exactly {@code spec.originalLength()} remaining bytes; not retained or modified, its position
     *     does not move
     */
    default ChunkMeta encodeAndPut(Cid cid, ByteBuffer chunk, ChunkSpec spec) {
        ShardChecks.checkChunk(cid, chunk, spec);
        return encodeAndPut(cid, ShardChecks.array(chunk), spec);
    }

    /**
     * Stores one shard of a chunk, for a node that holds only some of a chunk's shards. The first shard
     * stored fixes the chunk's spec; later ones must state the same spec.
     *
     * @throws IllegalArgumentException if {@code index} or the shard length does not fit {@code spec}
     */
    ChunkMeta putShard(Cid cid, int index, byte[] shard, ChunkSpec spec);

    /**
     * Removes the chunk and all its shards (healthy and quarantined).
     *
     * @return whether the chunk was present
     */
    boolean delete(Cid cid);

    /**
     * Moves the chunk's recorded deal expiry to {@code expiryBlock} (another deal still holds it),
     * durably and in the expiry index; the shards are untouched.
     *
     * @return the chunk's metadata with the new expiry
     * @throws ShardNotFoundException if the chunk is not stored
     * @throws IllegalArgumentException if {@code expiryBlock} is negative
     */
    ChunkMeta setExpiry(Cid cid, long expiryBlock);

    // ---- reads ----------------------------------------------------------------------------------------

    /** Whether the store holds any shard of the chunk (or a quarantined one awaiting repair). */
    boolean contains(Cid cid);

    /** Whether the store holds this healthy shard. */
    boolean containsShard(Cid cid, int index);

    /** The chunk's metadata, if stored. */
    Optional<ChunkMeta> meta(Cid cid);

    /** A snapshot of every stored CID. */
    Set<Cid> list();

    /**
     * The whole shard. With verify-on-read enabled the bytes are checked against the recorded SHA-256
     * first, and a mismatch quarantines the shard and throws {@link CorruptShardException}.
     */
    byte[] readShard(Cid cid, int index);

    /**
     * The whole shard as a read-only buffer (position 0, limit = shard length), without the copy
     * {@link #readShard} makes: a shard in the hot-shard cache is returned as a view of the cached bytes,
     * so a cached read costs no allocation of the shard's size. Otherwise as {@link #readShard}, including
     * verify-on-read. The buffer stays valid after the shard is deleted or evicted (it holds the bytes).
     */
    default ByteBuffer readShardView(Cid cid, int index) {
        return ByteBuffer.wrap(readShard(cid, index)).asReadOnlyBuffer();
    }

    /**
     * {@code length} bytes of a shard from {@code offset}.
     *
     * @throws IllegalArgumentException if the range is not inside the shard
     */
    byte[] readRange(Cid cid, int index, long offset, int length);

    /**
     * Opens {@code [offset, offset+length)} of a shard for zero-copy sending. The caller must close the
     * region. Bytes are not verified.
     *
     * @throws IllegalArgumentException if the range is not inside the shard
     */
    ShardRegion openRegion(Cid cid, int index, long offset, long length);

    /** Opens the whole shard; see {@link #openRegion(Cid, int, long, long)}. */
    default ShardRegion openRegion(Cid cid, int index) {
        ChunkMeta meta = meta(cid).orElseThrow(() -> new ShardNotFoundException(cid, -1));
        return openRegion(cid, index, 0, meta.spec().shardLength());
    }

    // ---- accounting -----------------------------------------------------------------------------------

    /** Counts and bytes; O(1). */
    StorageUsage usage();

    /** Bytes of healthy shards stored for this chunk, 0 if absent; O(1). */
    long bytesStored(Cid cid);

    /**
     * CIDs whose deal expiry block is strictly below {@code block}, in expiry order; costs
     * O(result + log n). The store deletes nothing by itself.
     */
    List<Cid> expiredBefore(long block);

    // ---- maintenance ----------------------------------------------------------------------------------

    /**
     * The store's rarely used operations (scrub, repair, index rebuild, shard lookup by hash, audit proofs, cache
     * counters, health), kept off this interface in the manner of Caffeine's {@code Cache.policy()}: a view of this
     * store, valid as long as it is open, thread-safe as the store is.
     */
    Maintenance maintenance();

    /** Releases files, threads and meters this store created. Idempotent. */
    @Override
    void close();

    /**
     * The maintenance view of a {@link ShardStore} ({@link ShardStore#maintenance()}): integrity (scrub, repair),
     * disaster recovery (index rebuild), audit proofs and the lookup of a shard by its hash, cache counters and the
     * store's health. Thread-safe, as the store; every method throws {@link StoreClosedException} once the store is
     * closed. Scrub, repair and rebuild block on disk I/O for long: never call them from an event loop.
     */
    interface Maintenance {

        /**
         * Where a shard with this hash is held: the shard whose recorded SHA-256 or Merkle root
         * ({@link ShardInfo#sha256()}, {@link ShardInfo#merkleRoot()}, at the chunk's
         * {@linkplain ChunkMeta#merkleLeafSize() leaf size}) is {@code shardHash}, that is the shard a chain names
         * by that hash under its hash or Merkle proof scheme. A healthy shard is preferred; a quarantined one
         * (awaiting {@linkplain #repair(Cid) repair}) is answered when no healthy one has the hash. When several
         * shards have the hash (equal shards), any one of them.
         *
         * <p>Answered from an in-memory index of every recorded shard's two hashes, never by walking chunks or
         * the disk: O(1). Both stores build that index from their chunk index on the first call (after an open or
         * a {@linkplain #rebuildIndex rebuild}), in memory, O(shards): about 0.75 s of CPU for two million shards,
         * which writes do not wait for (other lookups do); from then on every write keeps it current.
         *
         * @param shardHash 32 bytes
         * @return the shard's location, or empty if no recorded shard has this hash
         * @throws IllegalArgumentException if {@code shardHash} is not 32 bytes
         */
        Optional<ShardLocation> locate(byte[] shardHash);

        /** Hot-shard cache counters (all zero for a store without a cache). */
        CacheCounters cacheCounters();

        /**
         * Re-hashes every healthy shard once, within the configured bandwidth budget. Each corrupt or missing
         * shard is moved to quarantine; once all of a chunk's shards are checked, the chunk is repaired when
         * at least {@code k} healthy shards remain, and then each of its corrupt shards is reported to
         * {@code onCorrupt} (on the scrubbing thread), so a listener finds the store as the repair left it: a
         * shard still quarantined then needs another source.
         */
        ScrubReport scrub(Consumer<CorruptShardException> onCorrupt);

        /**
         * Regenerates the quarantined shards of a chunk (and any held shard that fails its hash now) from
         * the healthy ones, with the chunk's Reed-Solomon {@code k+m} code, and re-verifies each against its
         * recorded SHA-256 before storing it.
         *
         * @throws UnrepairableChunkException if fewer than {@code k} healthy shards are held locally
         * @throws ShardNotFoundException if the chunk is absent
         */
        RepairReport repair(Cid cid);

        /**
         * Disaster recovery: discards the index, reads every chunk directory under the root (manifest and
         * shard files, re-hashing each shard), and writes a fresh index. A directory that is no readable chunk
         * is moved to quarantine ({@link RebuildReport#unreadable()}); a file system's {@code lost+found}, such
         * a directory that the store's user does not own or may not write, and any directory whose examination
         * or move fails are left in place and listed in {@link RebuildReport#skipped()} with the reason: one
         * foreign entry never fails the whole rebuild.
         *
         * <p>Reads continue from the old index while it runs. Writes ({@link ShardStore#putChunk},
         * {@link ShardStore#putShard}, {@link ShardStore#delete}, {@link ShardStore#setExpiry}, {@link #repair}) and a second rebuild are refused at once with
         * {@link RebuildInProgressException} rather than wait for the whole rebuild; a write that had already
         * started when the rebuild began completes after it.
         *
         * @throws RebuildInProgressException if a rebuild is already running
         */
        RebuildReport rebuildIndex(RebuildListener listener);

        /**
         * The original node's audit answer: {@code SHA-256(shard[offset .. offset+length) || nonce)}.
         *
         * @throws IllegalArgumentException if the range is not inside the shard
         */
        byte[] proveHash(Cid cid, int index, long offset, int length, byte[] nonce);

        /**
         * A Merkle range proof for {@code [offset, offset+length)} of a shard against its recorded Merkle
         * root ({@link ShardInfo#merkleRoot()}); check it with {@link MerkleProof#verify(byte[], MerkleProof)}.
         */
        MerkleProof proveMerkle(Cid cid, int index, long offset, int length);

        /** The store's health: whether it takes writes, and how its index checkpoints fare. */
        StoreHealth health();
    }
}

package io.icn.benchmarks.storage;

import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.icn.storage.ShardStore;
import io.icn.storage.ShardStoreBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The storage workload shared by the benchmarks: RS(10,4) chunks of 50,000,000 bytes, i.e. 14 shards of
 * 5,000,000 bytes, laid out by the store as {@code <root>/<CID>/shard_NN.bin} (docs/storage.md), which
 * the baselines read directly.
 */
final class StorageWorkload {

    static final int DATA_SHARDS = 10;
    static final int TOTAL_SHARDS = 14;
    static final int SHARD_SIZE = 5_000_000;
    static final long CHUNK_SIZE = (long) DATA_SHARDS * SHARD_SIZE;
    static final int RANGE = 64 * 1024;

    private StorageWorkload() {
    }

    /** A distinct, valid CID per number (the store checks CIDs for form, not against the bytes). */
    static Cid cid(long n) {
        return Cid.ofRaw(ByteBuffer.allocate(16).putLong(0x1C4E5EEDL).putLong(n).array());
    }

    /** 14 shards of random bytes. Random rather than encoded: the store neither checks nor cares. */
    static byte[][] shards(long seed, int shardSize) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[][] s = new byte[TOTAL_SHARDS][shardSize];
        for (byte[] b : s) {
            r.nextBytes(b);
        }
        return s;
    }

    /** A store at {@code root} holding chunks {@code cid(0) .. cid(chunks-1)}, written without fsync. */
    static Cid[] fill(Path root, int chunks) {
        Cid[] cids = new Cid[chunks];
        try (ShardStore s = ShardStore.builder(root).durability(ShardStoreBuilder.Durability.NO_FSYNC).cacheBytes(0)
                .build()) {
            for (int i = 0; i < chunks; i++) {
                cids[i] = cid(i);
                s.putChunk(cids[i], shards(i, SHARD_SIZE), ChunkSpec.rs10x4(CHUNK_SIZE, "bench", 1000 + i));
            }
        }
        return cids;
    }

    /**
     * An in-memory store of {@code chunks} chunks of 14 random 16-byte shards ({@code cid(0) .. cid(chunks-1)}),
     * with 8-byte Merkle leaves so that each shard's Merkle root differs from its SHA-256, as it does for a
     * real 5 MB shard: the shard hash index then holds two entries per shard, as in production.
     */
    static InMemoryShardStore tinyShardStore(int chunks) {
        InMemoryShardStore store = new InMemoryShardStore(Long.MAX_VALUE, 8, Clock.systemUTC());
        for (int i = 0; i < chunks; i++) {
            store.putChunk(cid(i), shards(i, 16), new ChunkSpec(16L * DATA_SHARDS, DATA_SHARDS,
                    TOTAL_SHARDS - DATA_SHARDS, "bench", 1000 + i));
        }
        return store;
    }

    /** The Merkle roots of {@code count} shards of {@link #tinyShardStore}'s chunks, picked at random with {@code seed}. */
    static byte[][] randomShardRoots(ShardStore store, int chunks, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[][] roots = new byte[count][];
        for (int i = 0; i < count; i++) {
            ChunkMeta meta = store.meta(cid(r.nextInt(chunks))).orElseThrow();
            roots[i] = meta.shard(r.nextInt(TOTAL_SHARDS)).orElseThrow().merkleRoot();
        }
        return roots;
    }

    static Path shardFile(Path root, Cid cid, int shard) {
        return root.resolve(cid.toString()).resolve(String.format("shard_%02d.bin", shard));
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.icn.benchmarks.storage;

import static io.icn.benchmarks.storage.StorageWorkload.CHUNK_SIZE;
import static io.icn.benchmarks.storage.StorageWorkload.SHARD_SIZE;

import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.MerkleProof;
import io.icn.storage.ShardStore;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One fsync'd put of a 50 MB chunk (14 shards of 5,000,000 bytes, {@code Durability.FSYNC}, the
 * default) beside the raw I/O it cannot avoid: the same 14 files each written and forced into a new
 * directory, then the directory forced ({@link #rawWriteFsync}). Target: put &le; 1.3 &times; raw.
 *
 * <p>{@link #hashOnly} is not a baseline but the part of a put that is neither I/O nor bookkeeping:
 * SHA-256 and the Merkle root (4 KiB leaves, the default) of every shard, which the store computes on the calling
 * thread before writing each shard. put &asymp; raw + hashOnly + journal and rename fsyncs.
 *
 * <p>Single-shot: each iteration is one put (a new CID), so the figures include whatever the disk
 * does on a cold write; report medians.
 *
 * <pre>java -jar icn-benchmarks/target/benchmarks.jar 'storage.ChunkPutBenchmark'</pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 12)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ChunkPutBenchmark {

    /** The 14 shards, written again and again. */
    @State(Scope.Benchmark)
    public static class Shards {
        final byte[][] shards = StorageWorkload.shards(7, SHARD_SIZE);
        final ChunkSpec spec = ChunkSpec.rs10x4(CHUNK_SIZE, "bench", 1);
    }

    /** A durable (fsync) store with its own root; a fresh CID per put. */
    @State(Scope.Benchmark)
    public static class Store {
        Path root;
        ShardStore store;
        long next;
        Cid cid;

        @Setup(Level.Trial)
        public void open() {
            root = StorageWorkload.tempDir("icn-put-bench");
            store = ShardStore.builder(root).build();
        }

        @Setup(Level.Iteration)
        public void nextCid() {
            cid = StorageWorkload.cid(next++);
        }

        @TearDown(Level.Trial)
        public void close() {
            store.close();
            StorageWorkload.deleteTree(root);
        }
    }

    /** A plain directory; a fresh subdirectory per write. */
    @State(Scope.Benchmark)
    public static class Raw {
        Path root;
        long next;
        Path dir;

        @Setup(Level.Trial)
        public void open() {
            root = StorageWorkload.tempDir("icn-raw-bench");
        }

        @Setup(Level.Iteration)
        public void nextDir() {
            dir = root.resolve("c" + next++);
        }

        @TearDown(Level.Trial)
        public void close() {
            StorageWorkload.deleteTree(root);
        }
    }

    @Benchmark
    public ChunkMeta putChunkFsync(Shards s, Store st) {
        return st.store.putChunk(st.cid, s.shards, s.spec);
    }

    @Benchmark
    public long rawWriteFsync(Shards s, Raw r) throws IOException {
        ChunkPutLoad.writeFourteen(r.dir, s.shards);
        return (long) s.shards.length * s.shards[0].length;
    }

    @Benchmark
    public int hashOnly(Shards s) throws NoSuchAlgorithmException {
        int x = 0;
        for (byte[] shard : s.shards) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            x += md.digest(shard)[0];
            x += MerkleProof.root(shard, MerkleProof.DEFAULT_LEAF_SIZE)[0];
        }
        return x;
    }
}

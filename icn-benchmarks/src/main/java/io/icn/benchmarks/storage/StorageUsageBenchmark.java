package io.icn.benchmarks.storage;

import io.icn.storage.ChunkSpec;
import io.icn.storage.ShardStore;
import io.icn.storage.ShardStoreBuilder;
import io.icn.storage.StorageUsage;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code usage()} on stores of 1,000 to 100,000 chunks: it must be O(1) (flat across {@code chunks})
 * and under a microsecond. The baseline is the least any implementation can do: read one volatile
 * snapshot and return a new {@link StorageUsage} from it.
 *
 * <p>The chunks are tiny (one 16-byte shard, k=1 m=0, written without fsync): usage counts chunks,
 * shards and bytes, never their content, and a small store fills quickly.
 *
 * <pre>java -jar icn-benchmarks/target/benchmarks.jar 'storage.StorageUsageBenchmark'</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class StorageUsageBenchmark {

    private record Totals(long chunks, long shards, long bytes) {
    }

    @Param({"1000", "10000", "100000"})
    public int chunks;

    Path root;
    ShardStore store;
    volatile Totals totals;

    @Setup(Level.Trial)
    public void fill() throws InterruptedException {
        root = StorageWorkload.tempDir("icn-usage-bench");
        store = ShardStore.builder(root).durability(ShardStoreBuilder.Durability.NO_FSYNC).cacheBytes(0).build();
        int threads = 4;
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int first = t;
            ts[t] = new Thread(() -> {
                byte[][] one = {new byte[16]};
                for (int i = first; i < chunks; i += threads) {
                    store.putChunk(StorageWorkload.cid(i), one, new ChunkSpec(16, 1, 0, "", i));
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        StorageUsage u = store.usage();
        if (u.chunkCount() != chunks) {
            throw new IllegalStateException("filled " + u.chunkCount() + " chunks, wanted " + chunks);
        }
        totals = new Totals(u.chunkCount(), u.shardCount(), u.bytesStored());
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        StorageWorkload.deleteTree(root);
    }

    @Benchmark
    public StorageUsage usage() {
        return store.usage();
    }

    @Benchmark
    public StorageUsage volatileSnapshotBaseline() {
        Totals t = totals;
        return new StorageUsage(t.chunks, t.shards, t.bytes, Long.MAX_VALUE);
    }
}

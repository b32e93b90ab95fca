package io.icn.benchmarks.storage;

import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.icn.storage.ShardInfo;
import io.icn.storage.ShardLocation;
import io.icn.storage.ShardStore;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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
 * Finding the shard an audit names, by its Merkle root, in a store of 10,000 and 140,000 chunks (140,000 =
 * 1.96 M shards, the node's design size): {@code ShardStore.maintenance().locate} (the shard hash index) against the walk
 * that {@code StoreAuditProver} did before it ({@code list()}, then each chunk's {@code meta()} compared shard
 * by shard until the hash is found: on average half the chunks visited). The audited shard is one of 256
 * picked at random, in turn, so the walk's cost is its average over positions.
 *
 * <p>The rest of proving an audit (reading the shard, hashing its tree) is the same before and after and is
 * measured with the store's reads; here the shards are 16 bytes (see {@code StorageWorkload.tinyShardStore}),
 * so only the lookup counts. The index is built before measuring (its first-use cost is {@link ShardLocateLoad}'s).
 *
 * <pre>java -jar icn-benchmarks/target/benchmarks.jar 'storage.AuditLocateBenchmark'</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class AuditLocateBenchmark {

    @Param({"10000", "140000"})
    public int chunks;

    InMemoryShardStore store;
    byte[][] targets;
    int next;

    @Setup(Level.Trial)
    public void fill() {
        store = StorageWorkload.tinyShardStore(chunks);
        targets = StorageWorkload.randomShardRoots(store, chunks, 256, 42);
        if (store.maintenance().locate(targets[0]).isEmpty()) { // builds the shard hash index
            throw new IllegalStateException("a stored shard's root is not found");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
    }

    private byte[] target() {
        return targets[next++ & 255];
    }

    /** The shard hash index: O(1). */
    @Benchmark
    public Optional<ShardLocation> locate() {
        return store.maintenance().locate(target());
    }

    /** The baseline: the walk over every chunk's metadata that proving an audit did before the index. */
    @Benchmark
    public Optional<ShardLocation> walkChunks() {
        return walk(store, target());
    }

    static Optional<ShardLocation> walk(ShardStore store, byte[] wanted) {
        for (Cid cid : store.list()) {
            Optional<ChunkMeta> meta = store.meta(cid);
            if (meta.isEmpty()) {
                continue;
            }
            for (List<ShardInfo> infos : List.of(meta.get().shards(), meta.get().quarantined())) {
                for (ShardInfo info : infos) {
                    if (Arrays.equals(info.merkleRoot(), wanted)) {
                        return Optional.of(new ShardLocation(cid, info.index()));
                    }
                }
            }
        }
        return Optional.empty();
    }
}

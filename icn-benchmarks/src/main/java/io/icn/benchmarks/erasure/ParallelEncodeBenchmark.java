package io.icn.benchmarks.erasure;

import static io.icn.benchmarks.erasure.ErasureWorkload.DATA_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.PARITY_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.TOTAL_SHARDS;

import io.icn.erasure.ErasureCodec;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * One 50 MB chunk encoded on both cores: {@link ErasureCodec#encodeParity(ByteBuffer[],
 * java.util.concurrent.Executor)} splits the shard byte range into slices that the calling thread
 * and a pool thread compute together. The pool (two threads, created here, closed in tear-down)
 * stands for the node's coding executor. Compare with {@link ErasureEncodeBenchmark} (same kernel,
 * one thread) and with single-threaded ISA-L.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0", "-XX:+UseTransparentHugePages", "-Xms1g", "-Xmx1g"})
public class ParallelEncodeBenchmark {

    @Param({"scalar", "vector-256", "vector-512"})
    public String kernel;

    @Param({"heap", "direct"})
    public String buffer;

    private ErasureCodec codec;
    private ByteBuffer[] shards;
    private ExecutorService pool;

    @Setup
    public void setUp() {
        codec = ErasureCodec.reedSolomon(DATA_SHARDS, PARITY_SHARDS, ErasureWorkload.kernel(kernel));
        shards = ErasureWorkload.shards(buffer, TOTAL_SHARDS, DATA_SHARDS);
        pool = Executors.newFixedThreadPool(2, task -> {
            Thread t = new Thread(task, "erasure-bench-coder");
            t.setDaemon(true);
            return t;
        });
        codec.encodeParity(shards, pool);
        if (!codec.verify(shards)) {
            throw new IllegalStateException(codec + " parallel encode wrote parity that does not verify");
        }
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }

    @Benchmark
    public void encodeParityTwoThreads() {
        codec.encodeParity(shards, pool);
    }
}

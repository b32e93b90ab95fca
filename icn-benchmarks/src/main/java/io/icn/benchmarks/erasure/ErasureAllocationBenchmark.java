package io.icn.benchmarks.erasure;

import static io.icn.benchmarks.erasure.ErasureWorkload.DATA_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.PARITY_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.TOTAL_SHARDS;

import io.icn.erasure.ErasureCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The allocation check of the two in-place calls, {@code encodeParity(ByteBuffer[])} and
 * {@code reconstruct(ByteBuffer[], boolean[])}, whose contract is "nothing allocated per call once
 * warm". Run with {@code -prof gc} and read {@code gc.alloc.rate.norm}.
 *
 * <p>Why a separate benchmark: at 50 MB per call an iteration holds only a handful of calls, and
 * JMH's own few kilobytes of bookkeeping per iteration, divided by that handful, read as hundreds of
 * bytes per call. Shards of 64 KiB give thousands of calls per iteration, so the per-call figure is
 * the codec's own. Throughput here is not the headline figure (that is {@link ErasureEncodeBenchmark}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0", "-XX:+UseTransparentHugePages", "-Xms1g", "-Xmx1g"})
public class ErasureAllocationBenchmark {

    @Param({"scalar", "vector-256", "vector-512"})
    public String kernel;

    @Param({"heap", "direct"})
    public String buffer;

    @Param({"65536"})
    public int shardSize;

    private ErasureCodec codec;
    private ByteBuffer[] shards;
    private boolean[] present;

    @Setup
    public void setUp() {
        codec = ErasureCodec.reedSolomon(DATA_SHARDS, PARITY_SHARDS, ErasureWorkload.kernel(kernel));
        shards = ErasureWorkload.shards(buffer, TOTAL_SHARDS, DATA_SHARDS, shardSize);
        codec.encodeParity(shards);
        present = new boolean[TOTAL_SHARDS];
        Arrays.fill(present, true);
        for (int i : ErasureWorkload.missing("d0+d1+p0+p1")) {
            present[i] = false;
        }
    }

    @Benchmark
    public void encodeParity() {
        codec.encodeParity(shards);
    }

    @Benchmark
    public void reconstruct() {
        codec.reconstruct(shards, present);
    }
}

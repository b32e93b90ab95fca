package io.icn.benchmarks.erasure;

import static io.icn.benchmarks.erasure.ErasureWorkload.DATA_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.PARITY_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.TOTAL_SHARDS;

import io.icn.erasure.ErasureCodec;
import java.nio.ByteBuffer;
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
 * RS(10,4) parity of one 50 MB chunk on one thread, {@link ErasureCodec#encodeParity(ByteBuffer[])}
 * into caller buffers, for every kernel and both buffer kinds. Peers in the same run:
 * {@link HadoopRsBenchmark#encode}, {@link MemoryBaselineBenchmark}, and ISA-L (native/isal_bench.c).
 *
 * <p>One operation = one chunk = {@link ErasureWorkload#DATA_BYTES} data bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0", "-XX:+UseTransparentHugePages", "-Xms1g", "-Xmx1g"})
public class ErasureEncodeBenchmark {

    @Param({"scalar", "vector-128", "vector-256", "vector-512"})
    public String kernel;

    @Param({"heap", "direct"})
    public String buffer;

    private ErasureCodec codec;
    private ByteBuffer[] shards;

    @Setup
    public void setUp() {
        codec = ErasureCodec.reedSolomon(DATA_SHARDS, PARITY_SHARDS, ErasureWorkload.kernel(kernel));
        shards = ErasureWorkload.shards(buffer, TOTAL_SHARDS, DATA_SHARDS);
        codec.encodeParity(shards);
        if (!codec.verify(shards)) {
            throw new IllegalStateException(codec + " wrote parity that does not verify");
        }
    }

    @Benchmark
    public void encodeParity() {
        codec.encodeParity(shards);
    }
}

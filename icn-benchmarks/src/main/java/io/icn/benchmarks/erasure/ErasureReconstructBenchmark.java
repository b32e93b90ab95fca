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
 * RS(10,4) with four shards lost (the most the code tolerates), rebuilt in place by
 * {@link ErasureCodec#reconstruct(ByteBuffer[], boolean[])} from the ten survivors, for every kernel,
 * both buffer kinds and two loss patterns: two data plus two parity shards, and four data shards.
 * Peers in the same run: {@link HadoopRsBenchmark#reconstruct} and ISA-L (native/isal_bench.c).
 *
 * <p>Setup checks that the rebuilt shards equal the originals. One operation = one chunk =
 * {@link ErasureWorkload#DATA_BYTES} bytes read from survivors.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0", "-XX:+UseTransparentHugePages", "-Xms1g", "-Xmx1g"})
public class ErasureReconstructBenchmark {

    @Param({"scalar", "vector-128", "vector-256", "vector-512"})
    public String kernel;

    @Param({"heap", "direct"})
    public String buffer;

    @Param({"d0+d1+p0+p1", "d0+d1+d2+d3"})
    public String missing;

    private ErasureCodec codec;
    private ByteBuffer[] shards;
    private boolean[] present;

    @Setup
    public void setUp() {
        codec = ErasureCodec.reedSolomon(DATA_SHARDS, PARITY_SHARDS, ErasureWorkload.kernel(kernel));
        shards = ErasureWorkload.shards(buffer, TOTAL_SHARDS, DATA_SHARDS);
        codec.encodeParity(shards);
        byte[][] original = ErasureWorkload.snapshot(shards);
        int[] lost = ErasureWorkload.missing(missing);
        present = new boolean[TOTAL_SHARDS];
        Arrays.fill(present, true);
        for (int i : lost) {
            present[i] = false;
            ErasureWorkload.wipe(shards[i]);
        }
        codec.reconstruct(shards, present);
        ErasureWorkload.requireEqual(codec + " reconstruct of " + missing, shards, original, lost);
    }

    @Benchmark
    public void reconstruct() {
        codec.reconstruct(shards, present);
    }
}

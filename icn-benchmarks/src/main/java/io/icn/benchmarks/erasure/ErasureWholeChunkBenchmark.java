package io.icn.benchmarks.erasure;

import static io.icn.benchmarks.erasure.ErasureWorkload.DATA_BYTES;
import static io.icn.benchmarks.erasure.ErasureWorkload.DATA_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.PARITY_SHARDS;

import io.icn.erasure.ErasureCodec;
import java.util.Arrays;
import java.util.Random;
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
 * The README's first calls on one 50 MB chunk, RS(10,4), one thread: {@link ErasureCodec#encode(byte[])}
 * (split, allocate 14 shards, compute parity) and {@link ErasureCodec#decode(byte[][], int)} with four
 * data shards lost (rebuild them and join the chunk), against the in-place calls of
 * {@link ErasureEncodeBenchmark} and {@link ErasureReconstructBenchmark} on the same data. Both return
 * new arrays, so each operation allocates 70 MB (encode) or 50 MB (decode); the JVM zeroes them.
 *
 * <p>Setup checks that decode returns the chunk. One operation = one chunk = {@link ErasureWorkload#DATA_BYTES}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0", "-XX:+UseTransparentHugePages", "-Xms1g", "-Xmx1g"})
public class ErasureWholeChunkBenchmark {

    @Param({"scalar", "vector-128", "vector-256", "vector-512"})
    public String kernel;

    private ErasureCodec codec;
    private byte[] chunk;
    private byte[][] damaged;

    @Setup
    public void setUp() {
        codec = ErasureCodec.reedSolomon(DATA_SHARDS, PARITY_SHARDS, ErasureWorkload.kernel(kernel));
        chunk = new byte[(int) DATA_BYTES];
        new Random(ErasureWorkload.SEED).nextBytes(chunk);
        damaged = codec.encode(chunk);
        for (int i : ErasureWorkload.missing("d0+d1+d2+d3")) {
            damaged[i] = null;
        }
        if (!Arrays.equals(codec.decode(damaged, chunk.length), chunk)) {
            throw new IllegalStateException(codec + " decode of d0+d1+d2+d3 did not return the chunk");
        }
    }

    @Benchmark
    public byte[][] encode() {
        return codec.encode(chunk);
    }

    @Benchmark
    public byte[] decodeFourDataLost() {
        return codec.decode(damaged, chunk.length);
    }
}

package io.icn.benchmarks.erasure;

import static io.icn.benchmarks.erasure.ErasureWorkload.DATA_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.PARITY_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.SHARD_SIZE;
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
 * {@link ErasureEncodeBenchmark}'s encode on heap shards that start {@code shardOffset} bytes into
 * their arrays. The 5 MB arrays are G1 humongous objects, so their bytes begin 16 bytes past a
 * region (hence 64-byte) boundary and offset 48 puts every shard on a cache line: the sweep shows
 * what the kernel's own alignment of its vector loop (docs/erasure.md, "Aligned vector loops") is
 * worth, and that it makes the offset irrelevant.
 *
 * <p>One operation = one chunk = {@link ErasureWorkload#DATA_BYTES} data bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0", "-XX:+UseTransparentHugePages", "-Xms1g", "-Xmx1g"})
public class ErasureAlignmentBenchmark {

    @Param({"vector-512"})
    public String kernel;

    @Param({"0", "16", "32", "48"})
    public int shardOffset;

    private ErasureCodec codec;
    private ByteBuffer[] shards;

    @Setup
    public void setUp() {
        codec = ErasureCodec.reedSolomon(DATA_SHARDS, PARITY_SHARDS, ErasureWorkload.kernel(kernel));
        ByteBuffer[] content = ErasureWorkload.shards("heap", TOTAL_SHARDS, DATA_SHARDS);
        shards = new ByteBuffer[TOTAL_SHARDS];
        for (int i = 0; i < TOTAL_SHARDS; i++) {
            shards[i] = ByteBuffer.wrap(new byte[shardOffset + SHARD_SIZE], shardOffset, SHARD_SIZE).slice();
            shards[i].put(0, content[i], 0, SHARD_SIZE);
        }
        codec.encodeParity(shards);
        if (!codec.verify(shards)) {
            throw new IllegalStateException(codec + " wrote parity that does not verify at offset " + shardOffset);
        }
    }

    @Benchmark
    public void encodeParity() {
        codec.encodeParity(shards);
    }
}

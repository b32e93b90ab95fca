package io.icn.benchmarks.erasure;

import static io.icn.benchmarks.erasure.ErasureWorkload.DATA_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.PARITY_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.SHARD_SIZE;
import static io.icn.benchmarks.erasure.ErasureWorkload.TOTAL_SHARDS;

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
 * The two floors under every erasure figure, on the same 50 MB of shards:
 * <ul>
 *   <li>{@link #memoryCopy}: the ten data shards copied to ten other buffers
 *       ({@code System.arraycopy} on heap, an absolute bulk {@code put} on direct). Encode reads
 *       the same 50 MB and writes 20 MB, so a coder at this speed is memory-bound.</li>
 *   <li>{@link #noopCoder}: a coder with the {@code encodeParity(ByteBuffer[])} call shape that
 *       checks its arguments as the real one does and computes nothing: the cost of the harness and
 *       the call, which no coder can beat.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0", "-XX:+UseTransparentHugePages", "-Xms1g", "-Xmx1g"})
public class MemoryBaselineBenchmark {

    @Param({"heap", "direct"})
    public String buffer;

    private ByteBuffer[] shards;
    private ByteBuffer[] copies;
    private byte[][] shardArrays;
    private byte[][] copyArrays;
    private final NoopCoder noop = new NoopCoder(DATA_SHARDS, PARITY_SHARDS);

    /** Validates like a codec, encodes nothing. */
    static final class NoopCoder {
        private final int k;
        private final int m;

        NoopCoder(int k, int m) {
            this.k = k;
            this.m = m;
        }

        int encodeParity(ByteBuffer[] shards) {
            if (shards.length != k + m) {
                throw new IllegalArgumentException("expected " + (k + m) + " shards, got " + shards.length);
            }
            int size = shards[0].remaining();
            for (ByteBuffer b : shards) {
                if (b.remaining() != size) {
                    throw new IllegalArgumentException("shard sizes differ");
                }
            }
            return size;
        }
    }

    @Setup
    public void setUp() {
        shards = ErasureWorkload.shards(buffer, TOTAL_SHARDS, DATA_SHARDS);
        copies = ErasureWorkload.shards(buffer, DATA_SHARDS, 0);
        if (buffer.equals("heap")) {
            shardArrays = new byte[DATA_SHARDS][];
            copyArrays = new byte[DATA_SHARDS][];
            for (int i = 0; i < DATA_SHARDS; i++) {
                shardArrays[i] = shards[i].array();
                copyArrays[i] = copies[i].array();
            }
        }
    }

    @Benchmark
    public void memoryCopy() {
        if (shardArrays != null) {
            for (int i = 0; i < DATA_SHARDS; i++) {
                System.arraycopy(shardArrays[i], 0, copyArrays[i], 0, SHARD_SIZE);
            }
        } else {
            for (int i = 0; i < DATA_SHARDS; i++) {
                copies[i].put(0, shards[i], 0, SHARD_SIZE);
            }
        }
    }

    @Benchmark
    public int noopCoder() {
        return noop.encodeParity(shards);
    }
}

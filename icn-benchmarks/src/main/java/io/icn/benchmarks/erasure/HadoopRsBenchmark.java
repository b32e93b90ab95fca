package io.icn.benchmarks.erasure;

import static io.icn.benchmarks.erasure.ErasureWorkload.DATA_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.PARITY_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.TOTAL_SHARDS;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.io.erasurecode.ErasureCoderOptions;
import org.apache.hadoop.io.erasurecode.rawcoder.RSRawDecoder;
import org.apache.hadoop.io.erasurecode.rawcoder.RSRawEncoder;
import org.apache.hadoop.io.erasurecode.rawcoder.RawErasureDecoder;
import org.apache.hadoop.io.erasurecode.rawcoder.RawErasureEncoder;
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
 * The peer: Apache Hadoop's pure-Java Reed-Solomon coder ({@code RSRawEncoder}/{@code RSRawDecoder},
 * the fallback HDFS uses when native ISA-L is absent) on the same RS(10,4) 50 MB workload. Its
 * matrix is Cauchy rather than our Vandermonde, which changes the parity bytes, not the work per
 * byte.
 *
 * <p>Hadoop moves input positions forward on every call, so each operation first rewinds them
 * (fourteen field writes, negligible against 50 MB). The decode benchmarks take the same loss
 * patterns as {@link ErasureReconstructBenchmark}; setup checks the rebuilt bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0", "-XX:+UseTransparentHugePages", "-Xms1g", "-Xmx1g"})
public class HadoopRsBenchmark {

    @Param({"heap", "direct"})
    public String buffer;

    private RawErasureEncoder encoder;
    private RawErasureDecoder decoder;
    private ByteBuffer[] shards;
    private ByteBuffer[] data;
    private ByteBuffer[] parity;
    private final Loss twoDataTwoParity = new Loss("d0+d1+p0+p1");
    private final Loss fourData = new Loss("d0+d1+d2+d3");

    /** One loss pattern in Hadoop's decode layout: k+m inputs with null for lost, one output each. */
    private final class Loss {
        final int[] erased;
        ByteBuffer[] inputs;
        ByteBuffer[] outputs;

        Loss(String pattern) {
            erased = ErasureWorkload.missing(pattern);
        }

        void bind() {
            inputs = shards.clone();
            outputs = new ByteBuffer[erased.length];
            for (int e = 0; e < erased.length; e++) {
                inputs[erased[e]] = null;
                outputs[e] = buffer.equals("heap") ? ByteBuffer.allocate(ErasureWorkload.SHARD_SIZE)
                        : ByteBuffer.allocateDirect(ErasureWorkload.SHARD_SIZE);
            }
        }

        void decode() throws IOException {
            for (ByteBuffer b : inputs) {
                if (b != null) {
                    b.clear();
                }
            }
            for (ByteBuffer b : outputs) {
                b.clear();
            }
            decoder.decode(inputs, erased, outputs);
        }

        void check() throws IOException {
            decode();
            for (int e = 0; e < erased.length; e++) {
                shards[erased[e]].clear();
                outputs[e].clear();
                if (outputs[e].mismatch(shards[erased[e]]) >= 0) {
                    throw new IllegalStateException("Hadoop decode rebuilt shard " + erased[e] + " wrongly");
                }
            }
        }
    }

    @Setup
    public void setUp() throws IOException {
        ErasureCoderOptions options = new ErasureCoderOptions(DATA_SHARDS, PARITY_SHARDS);
        encoder = new RSRawEncoder(options);
        decoder = new RSRawDecoder(options);
        shards = ErasureWorkload.shards(buffer, TOTAL_SHARDS, DATA_SHARDS);
        data = new ByteBuffer[DATA_SHARDS];
        parity = new ByteBuffer[PARITY_SHARDS];
        System.arraycopy(shards, 0, data, 0, DATA_SHARDS);
        System.arraycopy(shards, DATA_SHARDS, parity, 0, PARITY_SHARDS);
        encode();
        for (Loss loss : new Loss[] {twoDataTwoParity, fourData}) {
            loss.bind();
            loss.check();
        }
    }

    @Benchmark
    public void encode() throws IOException {
        for (ByteBuffer b : shards) {
            b.clear();
        }
        encoder.encode(data, parity);
    }

    @Benchmark
    public void reconstructTwoDataTwoParity() throws IOException {
        twoDataTwoParity.decode();
    }

    @Benchmark
    public void reconstructFourData() throws IOException {
        fourData.decode();
    }
}

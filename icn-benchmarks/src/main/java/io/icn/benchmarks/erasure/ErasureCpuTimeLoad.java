package io.icn.benchmarks.erasure;

import static io.icn.benchmarks.erasure.ErasureWorkload.DATA_BYTES;
import static io.icn.benchmarks.erasure.ErasureWorkload.DATA_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.PARITY_SHARDS;
import static io.icn.benchmarks.erasure.ErasureWorkload.TOTAL_SHARDS;

import io.icn.erasure.ErasureCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The erasure workload of the JMH classes (RS(10,4), one 50 MB chunk, one thread) timed by the
 * calling thread's CPU time beside the wall clock: on a machine whose cores other builds share, the
 * time the thread waits for a core counts for neither, so the figures compare across runs taken
 * under different load, and against {@code ISAL_CLOCK=thread isal_bench}, which times ISA-L the same
 * way. Not a replacement for JMH: a diagnostic that says where time goes when JMH's wall-clock
 * figures are mostly the neighbours'.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector [flags under test] -cp benchmarks.jar \
 *     io.icn.benchmarks.erasure.ErasureCpuTimeLoad [kernel [seconds per operation]]   (vector-512, 8)
 * </pre>
 *
 * Prints one line per operation: {@code icn <op> cpu <GB/s median> wall <GB/s median> rounds <n>},
 * medians over the second half of half-second rounds (the first half is warm-up), GB = 10^9 data
 * bytes, as everywhere in this package. Operations: in-place encode and reconstruct of four data
 * shards on heap arrays, the allocating {@code encode(byte[])} and {@code decode(byte[][], int)},
 * and what those two must do besides the arithmetic, without it: {@code floor-of-encode(byte[])}
 * allocates the fourteen shards as {@code encode(byte[])} does (ten copies of the chunk's slices, four
 * zeroed parity arrays), {@code floor-of-decode(byte[][])} one zeroed chunk-sized array.
 */
public final class ErasureCpuTimeLoad {

    private ErasureCpuTimeLoad() {
    }

    public static void main(String[] args) {
        String kernel = args.length > 0 ? args[0] : "vector-512";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        ErasureCodec codec = ErasureCodec.reedSolomon(DATA_SHARDS, PARITY_SHARDS, ErasureWorkload.kernel(kernel));
        byte[] chunk = new byte[(int) DATA_BYTES];
        new Random(ErasureWorkload.SEED).nextBytes(chunk);
        byte[][] shards = codec.encode(chunk);
        byte[][] damaged = shards.clone();
        boolean[] present = new boolean[TOTAL_SHARDS];
        Arrays.fill(present, true);
        for (int i : ErasureWorkload.missing("d0+d1+d2+d3")) {
            damaged[i] = null;
            present[i] = false;
        }
        byte[][] work = new byte[TOTAL_SHARDS][]; // copies: the in-place calls never write the shards decoded below
        for (int i = 0; i < TOTAL_SHARDS; i++) {
            work[i] = shards[i].clone();
        }
        System.out.println("jvm: " + Runtime.version() + " " + ManagementFactory.getRuntimeMXBean().getInputArguments()
                + "; codec " + codec);
        Object[] sink = new Object[1];
        run("encode", seconds, () -> codec.encodeParity(work));
        run("reconstruct-d0+d1+d2+d3", seconds, () -> codec.reconstruct(work, present));
        run("encode(byte[])", seconds, () -> sink[0] = codec.encode(chunk));
        run("decode(byte[][])-d0+d1+d2+d3", seconds, () -> sink[0] = codec.decode(damaged, chunk.length));
        if (!Arrays.equals((byte[]) sink[0], chunk)) {
            throw new IllegalStateException(codec + " decode did not return the chunk");
        }
        int size = codec.shardSize(chunk.length);
        run("floor-of-encode(byte[])", seconds, () -> {
            byte[][] fresh = new byte[TOTAL_SHARDS][];
            for (int s = 0; s < DATA_SHARDS; s++) {
                fresh[s] = Arrays.copyOfRange(chunk, s * size, (s + 1) * size);
            }
            for (int j = DATA_SHARDS; j < TOTAL_SHARDS; j++) {
                fresh[j] = new byte[size];
            }
            sink[0] = fresh;
        });
        run("floor-of-decode(byte[][])", seconds, () -> sink[0] = new byte[chunk.length]);
    }

    private static void run(String op, int seconds, Runnable call) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Double> cpu = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end || cpu.size() < 4) {
            long w0 = System.nanoTime();
            long c0 = threads.getCurrentThreadCpuTime();
            int calls = 0;
            do {
                call.run();
                calls++;
            } while (System.nanoTime() - w0 < 500_000_000L);
            double bytes = (double) calls * DATA_BYTES;
            cpu.add(bytes / (threads.getCurrentThreadCpuTime() - c0));
            wall.add(bytes / (System.nanoTime() - w0));
        }
        System.out.printf(Locale.ROOT, "icn %s cpu %.2f wall %.2f rounds %d%n", op, secondHalfMedian(cpu),
                secondHalfMedian(wall), cpu.size() - cpu.size() / 2);
    }

    private static double secondHalfMedian(List<Double> rounds) {
        List<Double> measured = new ArrayList<>(rounds.subList(rounds.size() / 2, rounds.size()));
        Collections.sort(measured);
        return measured.get(measured.size() / 2);
    }
}

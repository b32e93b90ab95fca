package io.icn.erasure;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Variants of the 512-bit SIMD kernel (by default its two loop shapes, blocked and unblocked, see docs/erasure.md,
 * "Bounds") timed in one JVM, alternating in quarter-second rounds, by the calling thread's CPU time:
 * RS(10,4), one thread, in-place encode or reconstruct of four data shards, on heap or direct buffers.
 * In the package of the kernels, whose classes and constructors are package-private; a diagnostic
 * that only runs from benchmarks.jar (where icn-erasure's classes are on the same class path).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector [flags under test] -cp benchmarks.jar \
 *     io.icn.erasure.ErasureLoopShapeLoad [shard bytes [seconds [heap|direct [encode|reconstruct [variants]]]]]
 * </pre>
 *
 * Defaults 5000000, 12, heap, encode, {@code unblocked,blocked}. Variants, comma-separated: {@code unblocked} and
 * {@code blocked} (lookups as the kernel picks them), the same with {@code +nibbles} or {@code +sextets} (those
 * lookups on arrays and on buffers in place alike), {@code inplace} (the kernel's default in every respect) and
 * {@code staged} (its default with buffers staged through heap blocks). Prints one line per variant: median GB/s
 * (10^9 data bytes) over
 * the second half of its rounds, with their count, minimum and maximum. Single-threaded; not a test.
 */
public final class ErasureLoopShapeLoad {

    private ErasureLoopShapeLoad() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        int shard = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 12;
        boolean direct = args.length > 2 && args[2].equals("direct");
        boolean encode = args.length <= 3 || args[3].equals("encode");
        String style = Runtime.version().feature() >= 21 ? "Select" : "Shuffle";
        Class<?> type = Class.forName("io.icn.erasure.Vector" + style + "512Gf256Kernel");
        String[] names = (args.length > 4 ? args[4] : "unblocked,blocked").split(",");
        int n = names.length;
        ErasureCodec[] codecs = new ErasureCodec[n];
        ByteBuffer[][] shards = new ByteBuffer[n][14];
        Random random = new Random(1);
        byte[] bytes = new byte[shard];
        for (int i = 0; i < 14; i++) {
            random.nextBytes(bytes);
            for (int v = 0; v < n; v++) {
                shards[v][i] = direct ? ByteBuffer.allocateDirect(shard) : ByteBuffer.allocate(shard);
                shards[v][i].put(0, bytes);
            }
        }
        for (int v = 0; v < n; v++) {
            Gf256Kernel kernel = names[v].equals("staged") || names[v].equals("inplace")
                    ? (Gf256Kernel) type.getDeclaredConstructor(boolean.class).newInstance(names[v].equals("inplace"))
                    : names[v].endsWith("+nibbles") || names[v].endsWith("+sextets")
                    ? (Gf256Kernel) type.getDeclaredConstructor(boolean.class, boolean.class, boolean.class)
                    .newInstance(true, names[v].startsWith("blocked"), names[v].endsWith("+sextets"))
                    : (Gf256Kernel) type.getDeclaredConstructor(boolean.class, boolean.class)
                    .newInstance(true, names[v].equals("blocked"));
            codecs[v] = ErasureCodec.reedSolomon(10, 4, kernel);
            codecs[v].encodeParity(shards[v]);
        }
        boolean[] present = new boolean[14];
        Arrays.fill(present, 4, 14, true);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<List<Double>> rounds = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            rounds.add(new ArrayList<>());
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        for (int round = 0; System.nanoTime() < end || round < 6 * n; round++) {
            int v = round % n;
            long cpu0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            long calls = 0;
            do {
                if (encode) {
                    codecs[v].encodeParity(shards[v]);
                } else {
                    codecs[v].reconstruct(shards[v], present);
                }
                calls++;
            } while (System.nanoTime() - wall0 < 250_000_000L);
            rounds.get(v).add(calls * 10.0 * shard / (threads.getCurrentThreadCpuTime() - cpu0));
        }
        for (int v = 1; v < n; v++) {
            for (int i = 0; i < 14; i++) {
                if (!shards[0][i].equals(shards[v][i])) {
                    throw new IllegalStateException(names[v] + " disagrees with " + names[0] + " on shard " + i);
                }
            }
        }
        for (int v = 0; v < n; v++) {
            List<Double> r = rounds.get(v);
            List<Double> measured = new ArrayList<>(r.subList(r.size() / 2, r.size()));
            Collections.sort(measured);
            System.out.printf(Locale.ROOT, "%-9s %s %s %s cpu %.2f GB/s (n=%d, min %.2f max %.2f)%n", names[v],
                    type.getSimpleName(), direct ? "direct" : "heap", encode ? "encode" : "reconstruct-d0+d1+d2+d3",
                    measured.get(measured.size() / 2), measured.size(), measured.get(0),
                    measured.get(measured.size() - 1));
        }
    }
}

package io.icn.erasure;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The GF(2^8) kernels of this JVM, and the choice of the fastest.
 *
 * <p>The SIMD kernels need the incubator module {@code jdk.incubator.vector}
 * ({@code --add-modules jdk.incubator.vector}); without it only {@link #scalar()} exists. The first
 * call to {@link #best()} probes for the module, checks every candidate width (128, 256, 512 bits,
 * up to what the CPU has) against the scalar kernel on random data, times the correct ones for a few
 * milliseconds each and keeps the fastest. Wider is not always faster: byte shuffles that cross
 * 128-bit lanes are costly on some CPUs, which is why the width is measured, not read from
 * {@code SPECIES_PREFERRED}. One log line (System.Logger {@code io.icn.erasure}) says which kernel
 * runs and why.
 *
 * <p>The system property {@code icn.erasure.kernel} forces a choice: {@code scalar}, {@code vector}
 * (fastest width), or {@code vector-128|vector-256|vector-512}. A forced kernel that is unavailable
 * falls back to the scalar one with a warning.
 *
 * <p>Thread-safe; the selection runs once per class loader.
 */
public final class Kernels {
    /** The system property that forces a kernel. */
    public static final String KERNEL_PROPERTY = "icn.erasure.kernel";

    private static final Logger LOG = System.getLogger("io.icn.erasure");
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final int[] WIDTHS = {128, 256, 512};

    private Kernels() {
    }

    /** The portable kernel; always available. */
    public static Gf256Kernel scalar() {
        return ScalarGf256Kernel.INSTANCE;
    }

    /** Whether the Vector API module is in the boot layer of this JVM. */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * The SIMD kernel of the given width in bits (128, 256 or 512), if the module is present, the CPU
     * has vectors that wide, and the kernel passes its self-test.
     */
    public static Optional<Gf256Kernel> vector(int bits) {
        if (Arrays.stream(WIDTHS).noneMatch(w -> w == bits)) {
            throw new IllegalArgumentException("vector width must be 128, 256 or 512 bits, was " + bits);
        }
        return Optional.ofNullable(Holder.VECTOR_BY_WIDTH[Arrays.binarySearch(WIDTHS, bits)]);
    }

    /** Every kernel available here: scalar first, then each working vector width. */
    public static List<Gf256Kernel> available() {
        List<Gf256Kernel> all = new ArrayList<>();
        all.add(scalar());
        for (Gf256Kernel k : Holder.VECTOR_BY_WIDTH) {
            if (k != null) {
                all.add(k);
            }
        }
        return all;
    }

    /** The kernel codecs use by default: forced by {@value #KERNEL_PROPERTY}, else the fastest. */
    public static Gf256Kernel best() {
        return Holder.BEST;
    }

    /** Why {@link #best()} chose what it chose; the text of the start-up log line. */
    public static String selectionReason() {
        return Holder.REASON;
    }

    /** Lazy holder: nothing is probed or timed until a codec or caller asks. */
    private static final class Holder {
        static final Gf256Kernel[] VECTOR_BY_WIDTH = probeVectorKernels();
        static final Gf256Kernel BEST;
        static final String REASON;

        static {
            String forced = System.getProperty(KERNEL_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
            Selection s = select(forced);
            BEST = s.kernel;
            REASON = s.reason;
            LOG.log(s.warning ? Level.WARNING : Level.INFO, "erasure kernel: {0} ({1})", BEST.name(), REASON);
        }
    }

    private record Selection(Gf256Kernel kernel, String reason, boolean warning) {
    }

    private static Selection select(String forced) {
        List<Gf256Kernel> vectors = new ArrayList<>(available().subList(1, available().size()));
        switch (forced) {
            case "":
                break;
            case "scalar":
                return new Selection(scalar(), "forced by -D" + KERNEL_PROPERTY + "=scalar", false);
            case "vector":
                if (vectors.isEmpty()) {
                    return new Selection(scalar(), "-D" + KERNEL_PROPERTY + "=vector asked for SIMD but "
                            + vectorMissingReason(), true);
                }
                return fastest(vectors, "forced vector by -D" + KERNEL_PROPERTY);
            case "vector-128":
            case "vector-256":
            case "vector-512":
                int bits = Integer.parseInt(forced.substring("vector-".length()));
                return vector(bits)
                        .map(k -> new Selection(k, "forced by -D" + KERNEL_PROPERTY + "=" + forced, false))
                        .orElseGet(() -> new Selection(scalar(), "-D" + KERNEL_PROPERTY + "=" + forced
                                + " is not available: " + (vectorAvailable() ? "the CPU has no such width"
                                : vectorMissingReason()), true));
            default:
                return new Selection(scalar(), "unknown -D" + KERNEL_PROPERTY + "=" + forced
                        + " (expected scalar, vector, vector-128, vector-256 or vector-512)", true);
        }
        if (vectors.isEmpty()) {
            return new Selection(scalar(), vectorMissingReason(), false);
        }
        return fastest(vectors, "fastest of the SIMD widths measured");
    }

    private static String vectorMissingReason() {
        return vectorAvailable() ? "no vector width passed its self-test on this CPU"
                : "module " + VECTOR_MODULE + " is not loaded (add --add-modules " + VECTOR_MODULE + ")";
    }

    private static Gf256Kernel[] probeVectorKernels() {
        Gf256Kernel[] byWidth = new Gf256Kernel[WIDTHS.length];
        if (!vectorAvailable()) {
            return byWidth;
        }
        try {
            Class<?> type = Class.forName("io.icn.erasure.VectorGf256Kernel");
            int max = (int) type.getDeclaredMethod("maxBits").invoke(null);
            for (int i = 0; i < WIDTHS.length; i++) {
                if (WIDTHS[i] > max) {
                    continue;
                }
                Gf256Kernel k = (Gf256Kernel) type.getDeclaredConstructor(int.class).newInstance(WIDTHS[i]);
                if (agreesWithScalar(k)) {
                    byWidth[i] = k;
                } else {
                    LOG.log(Level.WARNING, "erasure kernel {0} failed its self-test; not used", k.name());
                }
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(Level.WARNING, "the Vector API is present but the SIMD kernel cannot load: " + e);
        }
        return byWidth;
    }

    /** Random 10+4 and 3+5 matrices over odd lengths: must give the scalar kernel's bytes. */
    private static boolean agreesWithScalar(Gf256Kernel candidate) {
        SplittableRandom random = new SplittableRandom(0x1CE5EED);
        for (int[] shape : new int[][] {{10, 4, 4099}, {3, 5, 333}, {1, 1, 17}}) {
            byte[][] coef = randomMatrix(random, shape[1], shape[0]);
            byte[][] in = randomMatrix(random, shape[0], shape[2]);
            byte[][] expected = new byte[shape[1]][shape[2]];
            byte[][] actual = new byte[shape[1]][shape[2]];
            int[] zeros = new int[Math.max(shape[0], shape[1])];
            scalar().multiply(scalar().prepare(coef), in, zeros, expected, zeros, shape[2]);
            candidate.multiply(candidate.prepare(coef), in, zeros, actual, zeros, shape[2]);
            if (!Arrays.deepEquals(expected, actual)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Times each candidate on RS(10,4)-shaped work, interleaved in rounds so that JIT warm-up and
     * noise hit all alike, and keeps the one with the best round.
     */
    private static Selection fastest(List<Gf256Kernel> candidates, String why) {
        if (candidates.size() == 1) {
            return new Selection(candidates.get(0), why + "; only width available", false);
        }
        SplittableRandom random = new SplittableRandom(42);
        int len = 16 * 1024;
        byte[][] coef = randomMatrix(random, 4, 10);
        byte[][] in = randomMatrix(random, 10, len);
        byte[][] out = new byte[4][len];
        int[] zeros = new int[10];
        long[] best = new long[candidates.size()];
        Arrays.fill(best, Long.MAX_VALUE);
        Gf256Kernel.Prepared[] prepared = new Gf256Kernel.Prepared[candidates.size()];
        for (int i = 0; i < prepared.length; i++) {
            prepared[i] = candidates.get(i).prepare(coef);
        }
        int rounds = Integer.getInteger("icn.erasure.calibrationRounds", 12);
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < candidates.size(); i++) {
                Gf256Kernel k = candidates.get(i);
                long start = System.nanoTime();
                for (int rep = 0; rep < 40; rep++) {
                    k.multiply(prepared[i], in, zeros, out, zeros, len);
                }
                best[i] = Math.min(best[i], System.nanoTime() - start);
            }
        }
        int winner = 0;
        StringBuilder timings = new StringBuilder();
        for (int i = 0; i < best.length; i++) {
            if (best[i] < best[winner]) {
                winner = i;
            }
            double gbps = 40.0 * 10 * len / best[i];
            timings.append(i == 0 ? "" : ", ").append(candidates.get(i).name())
                    .append(String.format(Locale.ROOT, " %.1f GB/s", gbps));
        }
        return new Selection(candidates.get(winner), why + ": " + timings, false);
    }

    private static byte[][] randomMatrix(SplittableRandom random, int rows, int cols) {
        byte[][] m = new byte[rows][cols];
        for (byte[] row : m) {
            for (int i = 0; i < cols; i++) {
                row[i] = (byte) random.nextInt(256);
            }
        }
        return m;
    }
}

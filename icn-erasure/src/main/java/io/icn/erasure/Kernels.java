package io.icn.erasure;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The GF(2^8) kernels of this JVM, and the choice of the fastest.
 *
 * <p>The SIMD kernels need the incubator module {@code jdk.incubator.vector}
 * ({@code --add-modules jdk.incubator.vector}); without it only {@link #scalar()} exists. Each
 * width (128, 256, 512 bits, up to what the CPU has) is loaded on first request and checked against
 * the scalar kernel on random data before it is handed out.
 *
 * <p>{@link #best()}, the kernel of {@link ErasureCodec#reedSolomon(int, int)}, is the widest width
 * that passes its self-test: cheap (about 0.1 s of interpreted vector code) and, for this kernel on
 * the CPUs measured so far, the fastest. It is decided once, at first use, and never changes. Wider
 * is not always faster, though (byte shuffles that cross 128-bit lanes are costly on some CPUs), so a
 * node calls {@link #calibrate(Duration)} at start-up, off the critical path: on JDK 21 and later it
 * times every width on in-cache work until the JIT has compiled and settled them all (two to ten
 * seconds, nearly all of it interpreted vector code waiting for C2) and returns the fastest as a
 * {@link KernelSelection}, which the node passes to the codecs it creates; nothing process-wide
 * changes. On JDK 17 it does not time: running several widths in one JVM spoils C2's profiles of the
 * incubating Vector API there and every width then runs up to ten times slower. One log line
 * (System.Logger {@code io.icn.erasure}) says which kernel was chosen and why.
 *
 * <p>The system property {@code icn.erasure.kernel} forces a choice: {@code scalar}, {@code vector}
 * (chosen width), or {@code vector-128|vector-256|vector-512}; a forced choice is kept by
 * {@link #calibrate(Duration)}. A forced kernel that is unavailable falls back to the scalar one with a
 * warning.
 *
 * <p>Thread-safe; holds no state that changes once set: each width is probed once per class loader,
 * and the probed choice is computed once.
 */
public final class Kernels {
    /** The system property that forces a kernel. */
    public static final String KERNEL_PROPERTY = "icn.erasure.kernel";

    private static final Logger LOG = System.getLogger("io.icn.erasure");
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final int[] WIDTHS = {128, 256, 512};
    /**
     * selectFrom is a direct intrinsic from JDK 21 on; JDK 17 compiles shuffle-and-rearrange better
     * (see the kernel template).
     */
    /** Below this a kernel is surely not yet compiled by C2. */
    private static final double COMPILED_FLOOR_GBPS = 3.0;
    private static final boolean MODERN_VECTOR_API = Runtime.version().feature() >= 21;
    private static final String LOOKUP_STYLE = MODERN_VECTOR_API ? "Select" : "Shuffle";
    private static final ConcurrentMap<Integer, Optional<Gf256Kernel>> VECTOR_BY_WIDTH = new ConcurrentHashMap<>();

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
        return VECTOR_BY_WIDTH.computeIfAbsent(bits, Kernels::probe);
    }

    /** Every kernel available here: scalar first, then each working vector width. */
    public static List<Gf256Kernel> available() {
        List<Gf256Kernel> all = new ArrayList<>();
        all.add(scalar());
        for (int bits : WIDTHS) {
            vector(bits).ifPresent(all::add);
        }
        return all;
    }

    /**
     * The kernel codecs use by default ({@link ErasureCodec#reedSolomon(int, int)}): forced by
     * {@value #KERNEL_PROPERTY}, else the widest SIMD width that passes its self-test. Decided once,
     * at first use, and never changed afterwards; {@link #calibrate(Duration)} does not change it.
     */
    public static Gf256Kernel best() {
        return probed().kernel();
    }

    /** The probed choice behind {@link #best()}, with its reason; the same value on every call. */
    public static KernelSelection probed() {
        return Holder.PROBED;
    }

    /** {@link #probed()}'s reason and how its kernel reaches direct buffers; the text of the log line. */
    public static String selectionReason() {
        return probed().describe();
    }

    /**
     * Times the SIMD widths (JDK 21 and later, nothing forced) and returns the fastest, with the
     * timings in its reason; changes nothing else: the caller hands the kernel to the codecs it
     * creates. Blocks for two to ten seconds; run it once, off the critical path, e.g. on a
     * background thread at node start. Where there is nothing to time (a forced choice, no SIMD width,
     * JDK 17-20) it returns {@link #probed()}'s kernel with that reason.
     *
     * @param budget how long the timing may take before it gives up and returns {@link #probed()}'s
     *     kernel with a warning; positive
     * @throws IllegalArgumentException if {@code budget} is not positive
     */
    public static synchronized KernelSelection calibrate(Duration budget) {
        Objects.requireNonNull(budget, "budget");
        if (budget.isZero() || budget.isNegative()) {
            throw new IllegalArgumentException("calibration budget must be positive: " + budget);
        }
        KernelSelection probed = probed();
        boolean forced = probed.reason().startsWith("forced");
        if (forced || probed.kernel() == scalar() || !MODERN_VECTOR_API) {
            String why = forced ? "a forced choice" : probed.kernel() == scalar() ? "no SIMD width"
                    : "JDK " + Runtime.version().feature() + " (timing spoils its Vector API profiles)";
            KernelSelection kept = new KernelSelection(probed.kernel(), probed.reason()
                    + "; kept, nothing to calibrate with " + why, probed.warning());
            LOG.log(Level.INFO, "erasure kernel: {0} kept, nothing to calibrate with {1}", kept.kernel().name(), why);
            return kept;
        }
        List<Gf256Kernel> vectors = available().subList(1, available().size());
        KernelSelection chosen = fastest(vectors, probed, "fastest of the SIMD widths measured", budget);
        log(chosen);
        return chosen;
    }

    /**
     * As {@link #calibrate(Duration)} with the budget of {@code icn.erasure.calibrationMillis}
     * (default 10000 ms), returning only the kernel.
     *
     * @deprecated the result no longer becomes {@link #best()}: keep the {@link KernelSelection} of
     *     {@link #calibrate(Duration)} and pass its kernel to the codecs you create
     */
    @Deprecated(forRemoval = true)
    public static Gf256Kernel calibrate() {
        return calibrate(Duration.ofMillis(Long.getLong("icn.erasure.calibrationMillis", 10_000))).kernel();
    }

    /** Lazy holder: nothing is probed until a codec or caller asks. */
    private static final class Holder {
        static final KernelSelection PROBED;

        static {
            PROBED = select(System.getProperty(KERNEL_PROPERTY, "").trim().toLowerCase(Locale.ROOT));
            log(PROBED);
        }
    }

    private static void log(KernelSelection s) {
        LOG.log(s.warning() ? Level.WARNING : Level.INFO, "erasure kernel: {0} ({1})", s.kernel().name(), s.describe());
    }

    private static KernelSelection select(String forced) {
        switch (forced) {
            case "":
                return chooseVector("", false);
            case "scalar":
                return new KernelSelection(scalar(), "forced by -D" + KERNEL_PROPERTY + "=scalar", false);
            case "vector":
                return chooseVector("forced vector by -D" + KERNEL_PROPERTY + "; ", true);
            case "vector-128":
            case "vector-256":
            case "vector-512":
                int bits = Integer.parseInt(forced.substring("vector-".length()));
                return vector(bits)
                        .map(k -> new KernelSelection(k, "forced by -D" + KERNEL_PROPERTY + "=" + forced, false))
                        .orElseGet(() -> new KernelSelection(scalar(), "-D" + KERNEL_PROPERTY + "=" + forced
                                + " is not available: " + vectorMissingReason(), true));
            default:
                return new KernelSelection(scalar(), "unknown -D" + KERNEL_PROPERTY + "=" + forced
                        + " (expected scalar, vector, vector-128, vector-256 or vector-512)", true);
        }
    }

    private static KernelSelection chooseVector(String prefix, boolean warnIfMissing) {
        if (!vectorAvailable()) {
            return new KernelSelection(scalar(), prefix + vectorMissingReason(), warnIfMissing);
        }
        for (int i = WIDTHS.length - 1; i >= 0; i--) {
            Optional<Gf256Kernel> k = vector(WIDTHS[i]);
            if (k.isPresent()) {
                return new KernelSelection(k.get(), prefix + "widest SIMD width that passed its self-test"
                        + (MODERN_VECTOR_API ? "; Kernels.calibrate() times them all" : ""), false);
            }
        }
        return new KernelSelection(scalar(), prefix + vectorMissingReason(), warnIfMissing);
    }

    private static String vectorMissingReason() {
        return vectorAvailable() ? "no SIMD width passed its self-test on this CPU"
                : "module " + VECTOR_MODULE + " is not loaded (add --add-modules " + VECTOR_MODULE + ")";
    }

    private static Optional<Gf256Kernel> probe(int bits) {
        if (!vectorAvailable()) {
            return Optional.empty();
        }
        try {
            if (bits > VectorWidth.maxBits()) {
                return Optional.empty();
            }
            // One generated class per width and lookup style (see the template); loaded only now.
            Class<?> type = Class.forName("io.icn.erasure.Vector" + LOOKUP_STYLE + bits + "Gf256Kernel");
            Gf256Kernel k = (Gf256Kernel) type.getDeclaredConstructor().newInstance();
            if (!agreesWithScalar(k)) {
                LOG.log(Level.WARNING, "erasure kernel {0} failed its self-test; not used", k.name());
                return Optional.empty();
            }
            if (k.inPlace(ByteBuffer.allocateDirect(0)) && !buffersAgreeWithScalar(k)) {
                LOG.log(Level.WARNING, "erasure kernel {0}: direct buffers in place failed the self-test; staged",
                        k.name());
                k = (Gf256Kernel) type.getDeclaredConstructor(boolean.class).newInstance(false);
            }
            return Optional.of(k);
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(Level.WARNING, "the Vector API is present but the " + bits + "-bit SIMD kernel cannot load: " + e);
        }
        return Optional.empty();
    }
    /**
     * Random 10+4, 3+5 and 1+1 matrices over lengths that reach every path of a kernel (two-vector
     * steps, a one-vector step, a scalar tail) while staying short: this runs interpreted.
     */
    private static boolean agreesWithScalar(Gf256Kernel candidate) {
        SplittableRandom random = new SplittableRandom(0x1CE5EED);
        for (int[] shape : new int[][] {{10, 4, 325}, {3, 5, 199}, {1, 1, 17}}) {
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
     * The in-place buffer path on direct buffers (one input read-only), at an offset, over a length
     * with a scalar tail, against the scalar kernel on arrays. A JDK without the API this class was
     * compiled against fails here with a LinkageError, which counts as disagreement.
     */
    private static boolean buffersAgreeWithScalar(Gf256Kernel candidate) {
        SplittableRandom random = new SplittableRandom(0xD1EC7);
        int rows = 4;
        int cols = 10;
        int len = 325;
        int offset = 3;
        byte[][] coef = randomMatrix(random, rows, cols);
        byte[][] in = randomMatrix(random, cols, len);
        byte[][] expected = new byte[rows][len];
        int[] zeros = new int[cols];
        scalar().multiply(scalar().prepare(coef), in, zeros, expected, zeros, len);
        ByteBuffer[] inBuffers = new ByteBuffer[cols];
        ByteBuffer[] outBuffers = new ByteBuffer[rows];
        int[] offsets = new int[cols];
        Arrays.fill(offsets, offset);
        for (int c = 0; c < cols; c++) {
            inBuffers[c] = ByteBuffer.allocateDirect(offset + len).put(offset, in[c]);
        }
        inBuffers[0] = inBuffers[0].asReadOnlyBuffer();
        for (int j = 0; j < rows; j++) {
            outBuffers[j] = ByteBuffer.allocateDirect(offset + len);
        }
        try {
            candidate.multiply(candidate.prepare(coef), inBuffers, offsets, outBuffers, offsets, len);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "erasure kernel " + candidate.name() + " on direct buffers: " + e);
            return false;
        }
        for (int j = 0; j < rows; j++) {
            byte[] actual = new byte[len];
            outBuffers[j].get(offset, actual);
            if (!Arrays.equals(expected[j], actual)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Times each candidate on RS(10,4)-shaped work that stays in L1/L2, interleaved in rounds so that
     * JIT warm-up and noise hit all alike, and keeps the one with the best round. Stops once every
     * candidate runs compiled (faster than {@value #COMPILED_FLOOR_GBPS} GB/s; interpreted or C1-compiled vector code
     * is a thousand times slower) and no best has improved by more than 3 % for three rounds; or,
     * when the budget ({@code icn.erasure.calibrationMillis}, default 10000) is spent, keeps
     * {@code fallback}.
     */
    private static KernelSelection fastest(List<Gf256Kernel> candidates, KernelSelection fallback, String why,
            Duration limit) {
        if (candidates.size() == 1) {
            return new KernelSelection(candidates.get(0), why + "; only width available", false);
        }
        SplittableRandom random = new SplittableRandom(42);
        int len = 4 * 1024;
        byte[][] coef = randomMatrix(random, 4, 10);
        byte[][] in = randomMatrix(random, 10, len);
        byte[][] out = new byte[4][len];
        int[] zeros = new int[10];
        int n = candidates.size();
        long[] best = new long[n];
        Arrays.fill(best, Long.MAX_VALUE);
        Gf256Kernel.Prepared[] prepared = new Gf256Kernel.Prepared[n];
        for (int i = 0; i < n; i++) {
            prepared[i] = candidates.get(i).prepare(coef);
        }
        long budget = limit.toNanos();
        long start = System.nanoTime();
        int settled = 0;
        int rounds = 0;
        while (settled < 3 && System.nanoTime() - start < budget) {
            boolean improved = false;
            boolean compiled = true;
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                for (int rep = 0; rep < 16; rep++) {
                    candidates.get(i).multiply(prepared[i], in, zeros, out, zeros, len);
                }
                long took = System.nanoTime() - t0;
                if (took < best[i] - best[i] / 33) {
                    improved = true;
                }
                best[i] = Math.min(best[i], took);
                compiled &= 16.0 * 10 * len / best[i] > COMPILED_FLOOR_GBPS;
            }
            settled = improved || !compiled ? 0 : settled + 1;
            rounds++;
        }
        int winner = 0;
        StringBuilder timings = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (best[i] < best[winner]) {
                winner = i;
            }
            timings.append(i == 0 ? "" : ", ").append(candidates.get(i).name())
                    .append(String.format(Locale.ROOT, " %.1f GB/s", 16.0 * 10 * len / best[i]));
        }
        String measured = " in " + rounds + " rounds, " + (System.nanoTime() - start) / 1_000_000 + " ms: " + timings;
        if (settled < 3) {
            return new KernelSelection(fallback.kernel(), fallback.reason() + "; calibration budget spent before the JIT"
                    + " settled" + measured, true);
        }
        return new KernelSelection(candidates.get(winner), why + measured, false);
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

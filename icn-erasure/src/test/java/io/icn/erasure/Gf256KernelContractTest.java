package io.icn.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel contract, run against every kernel available in this JVM (the build adds the Vector
 * API module to tests, so the SIMD widths the CPU has are all exercised): results equal the
 * definition computed with {@link Gf256#mul}, offsets are honoured, bytes outside the output range
 * and all inputs are left untouched.
 */
class Gf256KernelContractTest {

    static Stream<Gf256Kernel> kernels() {
        return Kernels.available().stream();
    }

    @Test
    void testJvmHasTheVectorKernels() {
        // The surefire argLine adds jdk.incubator.vector: if this fails the SIMD kernels are untested.
        assertThat(Kernels.vectorAvailable()).isTrue();
        assertThat(Kernels.vector(128)).isPresent();
        assertThat(Kernels.vector(256)).isPresent();
    }

    /** The kernels that take direct buffers in place on this JVM (KernelsTest says which must). */
    static Stream<Gf256Kernel> inPlaceKernels() {
        return Kernels.available().stream().filter(k -> k.inPlace(ByteBuffer.allocateDirect(0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void multipliesLikeTheDefinition(Gf256Kernel kernel) {
        checkAgainstTheDefinition(kernel, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inPlaceKernels")
    void multipliesDirectBuffersInPlaceLikeTheDefinition(Gf256Kernel kernel) {
        checkAgainstTheDefinition(kernel, true);
    }

    /**
     * Every SIMD kernel in both loop shapes, whichever one this JVM picks by default: blocked (inputs
     * five at a time, strip by strip, the remainder by the unblocked loop accumulating) and unblocked, each
     * by nibble lookups and by sextet lookups (taken on 64-lane vectors only, where arrays and buffers in place
     * then run the sextet loop in either shape).
     */
    static Stream<Arguments> vectorKernelsInBothLoopShapes() {
        return Kernels.available().stream().filter(k -> k != Kernels.scalar()).flatMap(k -> Stream.of(true, false)
                .flatMap(blocked -> Stream.of(false, true).map(sextets -> Arguments.of(k.name()
                        + (blocked ? " blocked" : " unblocked") + (sextets ? " sextets" : " nibbles"),
                        withLoopShape(k, blocked, sextets)))));
    }

    private static Gf256Kernel withLoopShape(Gf256Kernel k, boolean blocked, boolean sextets) {
        try {
            return k.getClass().getDeclaredConstructor(boolean.class, boolean.class, boolean.class)
                    .newInstance(k.inPlace(ByteBuffer.allocateDirect(0)), blocked, sextets);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("every SIMD kernel has the (inPlaceBuffers, blockedInputs, sextets) constructor", e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorKernelsInBothLoopShapes")
    void bothLoopShapesMultiplyLikeTheDefinition(String shape, Gf256Kernel kernel) throws Exception {
        assertThat((boolean) kernel.getClass().getDeclaredMethod("blockedInputs").invoke(kernel))
                .isEqualTo(shape.contains(" blocked"));
        assertThat((boolean) kernel.getClass().getDeclaredMethod("sextets").invoke(kernel))
                .isEqualTo(shape.endsWith(" sextets") && kernel.stride() == NibbleTables.SEXTET_LANES);
        assertThat((boolean) kernel.getClass().getDeclaredMethod("bufferSextets").invoke(kernel))
                .isEqualTo(shape.endsWith(" sextets") && kernel.stride() == NibbleTables.SEXTET_LANES);
        checkAgainstTheDefinition(kernel, false);
        if (kernel.inPlace(ByteBuffer.allocateDirect(0))) {
            checkAgainstTheDefinition(kernel, true);
        }
    }

    /**
     * The default shape: blocked exactly for the shuffle-style classes (JDK 17-20) while the Vector
     * API checks every access, which the tests leave on; sextet lookups on 64-lane vectors in the shuffle
     * style, and in the selectFrom style when the checks are off; on buffers in place, sextets in the shuffle style
     * while the checks are on, and on JDK 22+ on the segment per buffer taken without native access.
     */
    @Test
    void theDefaultLoopShapeFollowsTheLookupStyleAndTheAccessChecks() throws Exception {
        boolean checked = Integer.getInteger("jdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK", 2) != 0;
        boolean segmentPerBuffer = Runtime.version().feature() >= 22 && ManagementFactory.getRuntimeMXBean()
                .getInputArguments().stream().noneMatch(a -> a.startsWith("--enable-native-access"));
        for (Gf256Kernel k : Kernels.available().subList(1, Kernels.available().size())) {
            boolean shuffleStyle = k.getClass().getSimpleName().startsWith("VectorShuffle");
            assertThat((boolean) k.getClass().getDeclaredMethod("blockedInputs").invoke(k)).as(k.getClass().getName())
                    .isEqualTo(shuffleStyle && checked);
            assertThat((boolean) k.getClass().getDeclaredMethod("sextets").invoke(k)).as(k.getClass().getName())
                    .isEqualTo(k.stride() == NibbleTables.SEXTET_LANES && (shuffleStyle || !checked));
            assertThat((boolean) k.getClass().getDeclaredMethod("bufferSextets").invoke(k)).as(k.getClass().getName())
                    .isEqualTo(k.stride() == NibbleTables.SEXTET_LANES
                            && (shuffleStyle ? checked : segmentPerBuffer));
        }
    }

    /**
     * Random shapes, lengths and offsets; on arrays, or on direct buffers (every third input
     * read-only) through the kernel's in-place buffer path.
     */
    private static void checkAgainstTheDefinition(Gf256Kernel kernel, boolean directBuffers) {
        long seed = new SplittableRandom().nextLong();
        System.out.println("seed " + seed + " for " + kernel.name() + (directBuffers ? " on direct buffers" : ""));
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 60; round++) {
            int rows = 1 + random.nextInt(round % 3 == 0 ? 20 : 6);
            int cols = 1 + random.nextInt(round % 4 == 0 ? 40 : 12);
            int len = random.nextInt(round % 5 == 0 ? 5000 : round % 11 == 1 ? 3 * 1024 + 300 : 300);
            byte[][] coef = bytes(random, rows, cols);
            if (round % 7 == 0) {
                coef[0][0] = 0;
                coef[rows - 1][cols - 1] = 1;
            }
            int[] inOff = new int[cols];
            int[] outOff = new int[rows];
            byte[][] in = new byte[cols][];
            for (int c = 0; c < cols; c++) {
                inOff[c] = random.nextInt(40);
                in[c] = bytes(random, 1, inOff[c] + len + random.nextInt(40))[0];
            }
            byte[][] out = new byte[rows][];
            byte[][] before = new byte[rows][];
            for (int j = 0; j < rows; j++) {
                outOff[j] = random.nextInt(40);
                out[j] = bytes(random, 1, outOff[j] + len + random.nextInt(40))[0];
                before[j] = out[j].clone();
            }
            byte[][] inCopy = new byte[cols][];
            for (int c = 0; c < cols; c++) {
                inCopy[c] = in[c].clone();
            }

            if (directBuffers) {
                ByteBuffer[] inBuffers = new ByteBuffer[cols];
                ByteBuffer[] outBuffers = new ByteBuffer[rows];
                int[] inPositions = new int[cols];
                int[] outPositions = new int[rows];
                for (int c = 0; c < cols; c++) {
                    inBuffers[c] = direct(in[c], random);
                    inBuffers[c] = c % 3 == 2 ? inBuffers[c].asReadOnlyBuffer() : inBuffers[c];
                    inPositions[c] = positionAnywhere(inBuffers[c], random);
                }
                for (int j = 0; j < rows; j++) {
                    outBuffers[j] = direct(out[j], random);
                    outPositions[j] = positionAnywhere(outBuffers[j], random);
                }
                kernel.multiply(kernel.prepare(coef), inBuffers, inOff, outBuffers, outOff, len);
                for (int c = 0; c < cols; c++) {
                    assertThat(inBuffers[c].position()).as("position of input %d", c).isEqualTo(inPositions[c]);
                    inBuffers[c].get(0, in[c]);
                }
                for (int j = 0; j < rows; j++) {
                    assertThat(outBuffers[j].position()).as("position of output %d", j).isEqualTo(outPositions[j]);
                    outBuffers[j].get(0, out[j]);
                }
            } else {
                kernel.multiply(kernel.prepare(coef), in, inOff, out, outOff, len);
            }

            assertThat(in).as("inputs untouched").isDeepEqualTo(inCopy);
            for (int j = 0; j < rows; j++) {
                for (int i = 0; i < out[j].length; i++) {
                    int expected;
                    if (i >= outOff[j] && i < outOff[j] + len) {
                        expected = 0;
                        for (int c = 0; c < cols; c++) {
                            expected ^= Gf256.mul(coef[j][c], in[c][inOff[c] + i - outOff[j]]);
                        }
                    } else {
                        expected = before[j][i] & 0xFF;
                    }
                    assertThat(out[j][i] & 0xFF).as("seed %d round %d out[%d][%d]", seed, round, j, i)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inPlaceKernels")
    void aBufferTheKernelCannotTakeIsRefusedBeforeAnyAccess(Gf256Kernel kernel) {
        Gf256Kernel.Prepared p = kernel.prepare(bytes(new SplittableRandom(5), 2, 3));
        ByteBuffer[] in = {ByteBuffer.allocateDirect(100), ByteBuffer.allocateDirect(100), ByteBuffer.allocateDirect(100)};
        ByteBuffer[] out = {ByteBuffer.allocateDirect(100), ByteBuffer.allocateDirect(100)};
        int[] inOff = new int[3];
        int[] outOff = new int[2];
        in[1].limit(99);
        assertThatThrownBy(() -> kernel.multiply(p, in, inOff, out, outOff, 100))
                .isInstanceOf(IndexOutOfBoundsException.class);
        in[1].limit(100);
        out[1] = out[1].asReadOnlyBuffer();
        assertThatThrownBy(() -> kernel.multiply(p, in, inOff, out, outOff, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output 1");
        out[1] = ByteBuffer.allocateDirect(100);
        ByteBuffer heap = ByteBuffer.allocate(100);
        if (!kernel.inPlace(heap)) { // the memory-segment kernels address direct buffers only
            in[2] = heap;
            assertThatThrownBy(() -> kernel.multiply(p, in, inOff, out, outOff, 100))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input 2");
        }
        assertThatThrownBy(() -> Kernels.scalar().multiply(p, in, inOff, out, outOff, 100))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private static ByteBuffer direct(byte[] content) {
        return ByteBuffer.allocateDirect(content.length).put(0, content);
    }

    /**
     * A direct buffer holding content from index 0: half the time a slice of a larger one, so that index 0 lies
     * at any address modulo 64 (the kernels' alignment head), not only where malloc put the block.
     */
    private static ByteBuffer direct(byte[] content, SplittableRandom random) {
        if (random.nextBoolean()) {
            return direct(content);
        }
        int skip = 1 + random.nextInt(63);
        return ByteBuffer.allocateDirect(skip + content.length).slice(skip, content.length).put(0, content);
    }

    /**
     * Moves the buffer's position anywhere up to its limit (the kernels take absolute indices, before or after it,
     * and leave it alone), and returns it.
     */
    private static int positionAnywhere(ByteBuffer b, SplittableRandom random) {
        int position = random.nextInt(b.limit() + 1);
        b.position(position);
        return position;
    }

    /**
     * A short buffer is refused before any access: nothing of the outputs is written, even where the rest of the
     * call would have been in bounds (the kernels check every shard on entry, not access by access).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("inPlaceKernels")
    void aShortBufferIsRefusedBeforeAnyWrite(Gf256Kernel kernel) {
        SplittableRandom random = new SplittableRandom(11);
        byte[][] coef = bytes(random, 4, 10);
        Gf256Kernel.Prepared p = kernel.prepare(coef);
        int len = 5 * 1024 + 3;
        ByteBuffer[] in = new ByteBuffer[10];
        for (int c = 0; c < 10; c++) {
            in[c] = direct(bytes(random, 1, len + 7)[0], random);
            in[c].position(5);
        }
        ByteBuffer[] out = new ByteBuffer[4];
        for (int j = 0; j < 4; j++) {
            out[j] = ByteBuffer.allocateDirect(len + 7);
        }
        int[] inOff = new int[10];
        int[] outOff = new int[4];
        java.util.Arrays.fill(inOff, 7);
        outOff[3] = 8; // one byte short for output 3
        assertThatThrownBy(() -> kernel.multiply(p, in, inOff, out, outOff, len))
                .isInstanceOf(IndexOutOfBoundsException.class);
        outOff[3] = 7;
        inOff[9] = 8; // one byte short for input 9
        assertThatThrownBy(() -> kernel.multiply(p, in, inOff, out, outOff, len))
                .isInstanceOf(IndexOutOfBoundsException.class);
        for (int j = 0; j < 4; j++) {
            assertThat(out[j].mismatch(ByteBuffer.allocateDirect(len + 7))).as("output %d untouched", j).isEqualTo(-1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void aShardShorterThanTheCallIsRefusedBeforeAnyVectorAccess(Gf256Kernel kernel) {
        byte[][] coef = bytes(new SplittableRandom(3), 4, 10);
        Gf256Kernel.Prepared p = kernel.prepare(coef);
        byte[][] in = bytes(new SplittableRandom(4), 10, 1000);
        byte[][] out = new byte[4][1000];
        int[] inOff = new int[10];
        int[] outOff = new int[4];
        in[7] = new byte[999];
        assertThatThrownBy(() -> kernel.multiply(p, in, inOff, out, outOff, 1000))
                .isInstanceOf(IndexOutOfBoundsException.class);
        in[7] = new byte[1000];
        outOff[2] = 1;
        assertThatThrownBy(() -> kernel.multiply(p, in, inOff, out, outOff, 1000))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void fieldArithmeticIsConsistent() {
        for (int a = 0; a < 256; a++) {
            for (int b = 1; b < 256; b++) {
                assertThat(Gf256.div(Gf256.mul(a, b), b)).isEqualTo(a);
            }
        }
        assertThat(Gf256.mul(2, 0x80)).isEqualTo(0x1D); // x * x^7 = x^8 = x^4 + x^3 + x^2 + 1
        assertThat(Gf256.pow(0, 0)).isEqualTo(1);
    }

    static byte[][] bytes(SplittableRandom random, int rows, int cols) {
        byte[][] b = new byte[rows][cols];
        for (byte[] row : b) {
            for (int i = 0; i < cols; i++) {
                row[i] = (byte) random.nextInt(256);
            }
        }
        return b;
    }
}

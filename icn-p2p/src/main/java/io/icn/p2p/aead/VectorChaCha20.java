package io.icn.p2p.aead;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ChaCha20 on the Vector API: as many blocks at once as the CPU's widest {@code int} vector has lanes (4, 8 or 16
 * for 128, 256 or 512 bits; {@code -XX:MaxVectorSize=32} caps it at 256), lane {@code j} of vector {@code i} holding word {@code i} of block {@code counter + j} (the
 * state transposed), so that every quarter-round is a handful of lane-wise adds, XORs and rotations. The keystream
 * of a batch is stored into an {@code int[]}, and each block's words are gathered back into vectors and XORed with
 * the data as vectors where the JDK's Vector API reads byte buffers (JDK 16-19, where this code is the default),
 * else two words at a time as {@code long}s; inputs shorter than a batch go to {@link ScalarChaCha20}.
 *
 * <p>The species is {@link IntVector#SPECIES_PREFERRED} in a static final field: C2 emits SIMD code only for a
 * species that is a compile-time constant, so there is one width per JVM rather than one instance per width.
 *
 * <p>Needs the incubator module {@code jdk.incubator.vector}: loaded only by {@link ChaChaPolys} once it has
 * found the module, and checked there against the scalar code before use.
 *
 * <p>Not thread-safe: holds a batch of keystream as scratch.
 */
final class VectorChaCha20 implements ChaCha20 {
    private static final VectorSpecies<Integer> SPECIES = IntVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final IntVector IOTA = IntVector.zero(SPECIES).addIndex(1);
    /** Lane {@code j} of a gather from {@code ks} at {@code b + k * LANES}: word {@code k + j} of block {@code b}. */
    private static final int[] GATHER = gatherMap();
    /** Whether this JDK's Vector API reads and writes byte buffers (JDK 16-19); {@link VectorPoly1305} needs it too. */
    static final boolean BUFFER_ACCESS = bufferAccess();

    private final int[] ks = new int[16 * LANES];
    private final int[] work = new int[16 * LANES];
    private final ScalarChaCha20 tail = new ScalarChaCha20();
    private final boolean vectorXor;

    /** XORs with vectors where this JDK's Vector API reads byte buffers (JDK 16-19), else with {@code long}s. */
    VectorChaCha20() {
        this(true);
    }

    /** {@code vectorXor = false} XORs with {@code long}s everywhere (what JDK 20+ runs), for tests on JDK 17. */
    VectorChaCha20(boolean vectorXor) {
        this.vectorXor = vectorXor && BUFFER_ACCESS;
    }

    private static int[] gatherMap() {
        int[] map = new int[LANES];
        for (int j = 0; j < LANES; j++) {
            map[j] = j * LANES;
        }
        return map;
    }

    /** The vector width of this JVM in bits. */
    static int bits() {
        return SPECIES.vectorBitSize();
    }

    @Override
    public String name() {
        return "vector-" + SPECIES.vectorBitSize() + (vectorXor ? "" : "-long-xor");
    }

    /** {@link VectorPoly1305} where it is {@linkplain VectorPoly1305#AVAILABLE available}, else null. */
    @Override
    public Poly1305.Bulk macBulk() {
        return VectorPoly1305.AVAILABLE ? new VectorPoly1305() : null;
    }

    @Override
    public void block(int[] state, int[] out) {
        tail.block(state, out);
    }

    @Override
    public void xor(int[] state, ByteBuffer src, int srcIndex, ByteBuffer dst, int dstIndex, int length) {
        int batch = 64 * LANES;
        int s = srcIndex;
        int d = dstIndex;
        int left = length;
        int[] keystream = ks;
        int n = LANES;
        while (left >= batch) {
            keystream(state);
            state[12] += n;
            if (vectorXor) {
                xorVectors(keystream, src, s, dst, d);
            } else {
                xorLongs(keystream, src, s, dst, d);
            }
            s += batch;
            d += batch;
            left -= batch;
        }
        if (left > 0) {
            tail.xor(state, src, s, dst, d, left);
        }
    }

    /**
     * XORs a batch ({@code 64 * LANES} bytes) with the transposed keystream {@code ks}: each block's 16 words are
     * gathered from their lanes ({@link #GATHER}) into one vector (or two or four for narrower ones) and XORed with
     * the data as vectors.
     */
    private static void xorVectors(int[] ks, ByteBuffer src, int s, ByteBuffer dst, int d) {
        VectorSpecies<Integer> species = SPECIES;
        int n = LANES;
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < 16; k += n) {
                int at = 64 * b + 4 * k;
                IntVector.fromByteBuffer(species, src, s + at, ByteOrder.LITTLE_ENDIAN)
                        .lanewise(VectorOperators.XOR, IntVector.fromArray(species, ks, b + k * n, GATHER, 0))
                        .intoByteBuffer(dst, d + at, ByteOrder.LITTLE_ENDIAN);
            }
        }
    }

    /** {@link #xorVectors} without vector access to byte buffers: two words of keystream per {@code long}. */
    private static void xorLongs(int[] ks, ByteBuffer src, int s, ByteBuffer dst, int d) {
        int n = LANES;
        for (int b = 0; b < n; b++) {
            int so = s + 64 * b;
            int dox = d + 64 * b;
            for (int i = 0; i < 16; i += 2) {
                long k = (ks[i * n + b] & 0xFFFF_FFFFL) | ((long) ks[(i + 1) * n + b] << 32);
                LittleEndian.putLong(dst, dox + 4 * i, LittleEndian.getLong(src, so + 4 * i) ^ k);
            }
        }
    }

    /** Whether this JDK's Vector API reads and writes byte buffers ({@code IntVector.fromByteBuffer}: JDK 16-19). */
    private static boolean bufferAccess() {
        try {
            IntVector.class.getMethod("fromByteBuffer", VectorSpecies.class, ByteBuffer.class, int.class, ByteOrder.class);
            IntVector.class.getMethod("intoByteBuffer", ByteBuffer.class, int.class, ByteOrder.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * The keystream of blocks {@code state[12]} to {@code state[12] + lanes - 1} into {@code ks}, transposed. The
     * working state goes through {@code w} between double rounds: vectors carried around a loop lose their exact
     * type in C2 (JDK 17), and every operation on them then falls off the intrinsic path; loaded from an array with
     * a constant species they keep it. (Unrolling all ten double rounds would exceed the JIT's size limit.)
     */
    private void keystream(int[] state) {
        VectorSpecies<Integer> species = SPECIES;
        int[] w = work;
        int lanes = LANES;
        IntVector.broadcast(species, state[0]).intoArray(w, 0 * lanes);
        IntVector.broadcast(species, state[1]).intoArray(w, 1 * lanes);
        IntVector.broadcast(species, state[2]).intoArray(w, 2 * lanes);
        IntVector.broadcast(species, state[3]).intoArray(w, 3 * lanes);
        IntVector.broadcast(species, state[4]).intoArray(w, 4 * lanes);
        IntVector.broadcast(species, state[5]).intoArray(w, 5 * lanes);
        IntVector.broadcast(species, state[6]).intoArray(w, 6 * lanes);
        IntVector.broadcast(species, state[7]).intoArray(w, 7 * lanes);
        IntVector.broadcast(species, state[8]).intoArray(w, 8 * lanes);
        IntVector.broadcast(species, state[9]).intoArray(w, 9 * lanes);
        IntVector.broadcast(species, state[10]).intoArray(w, 10 * lanes);
        IntVector.broadcast(species, state[11]).intoArray(w, 11 * lanes);
        IntVector.broadcast(species, state[12]).add(IOTA).intoArray(w, 12 * lanes);
        IntVector.broadcast(species, state[13]).intoArray(w, 13 * lanes);
        IntVector.broadcast(species, state[14]).intoArray(w, 14 * lanes);
        IntVector.broadcast(species, state[15]).intoArray(w, 15 * lanes);
        for (int round = 0; round < 10; round++) {
            doubleRound(w);
        }
        IntVector.fromArray(species, w, 0 * lanes).add(IntVector.broadcast(species, state[0])).intoArray(ks, 0 * lanes);
        IntVector.fromArray(species, w, 1 * lanes).add(IntVector.broadcast(species, state[1])).intoArray(ks, 1 * lanes);
        IntVector.fromArray(species, w, 2 * lanes).add(IntVector.broadcast(species, state[2])).intoArray(ks, 2 * lanes);
        IntVector.fromArray(species, w, 3 * lanes).add(IntVector.broadcast(species, state[3])).intoArray(ks, 3 * lanes);
        IntVector.fromArray(species, w, 4 * lanes).add(IntVector.broadcast(species, state[4])).intoArray(ks, 4 * lanes);
        IntVector.fromArray(species, w, 5 * lanes).add(IntVector.broadcast(species, state[5])).intoArray(ks, 5 * lanes);
        IntVector.fromArray(species, w, 6 * lanes).add(IntVector.broadcast(species, state[6])).intoArray(ks, 6 * lanes);
        IntVector.fromArray(species, w, 7 * lanes).add(IntVector.broadcast(species, state[7])).intoArray(ks, 7 * lanes);
        IntVector.fromArray(species, w, 8 * lanes).add(IntVector.broadcast(species, state[8])).intoArray(ks, 8 * lanes);
        IntVector.fromArray(species, w, 9 * lanes).add(IntVector.broadcast(species, state[9])).intoArray(ks, 9 * lanes);
        IntVector.fromArray(species, w, 10 * lanes).add(IntVector.broadcast(species, state[10])).intoArray(ks, 10 * lanes);
        IntVector.fromArray(species, w, 11 * lanes).add(IntVector.broadcast(species, state[11])).intoArray(ks, 11 * lanes);
        IntVector.fromArray(species, w, 12 * lanes).add(IntVector.broadcast(species, state[12]).add(IOTA)).intoArray(ks, 12 * lanes);
        IntVector.fromArray(species, w, 13 * lanes).add(IntVector.broadcast(species, state[13])).intoArray(ks, 13 * lanes);
        IntVector.fromArray(species, w, 14 * lanes).add(IntVector.broadcast(species, state[14])).intoArray(ks, 14 * lanes);
        IntVector.fromArray(species, w, 15 * lanes).add(IntVector.broadcast(species, state[15])).intoArray(ks, 15 * lanes);
    }

    /**
     * One double round (a column round, then a diagonal round) on the transposed working state in {@code w}. A
     * method of its own so that C1 can compile it: C1 gives up on a method as large as the whole keystream ("out of
     * virtual registers"), and a method C1 cannot compile may stay in slower tiers for good when the JIT is busy at
     * start-up (see {@link WarmingChaCha20}); C2 inlines it into {@link #keystream}.
     */
    private static void doubleRound(int[] w) {
        VectorSpecies<Integer> species = SPECIES;
        int lanes = LANES;
        IntVector x0 = IntVector.fromArray(species, w, 0 * lanes);
        IntVector x1 = IntVector.fromArray(species, w, 1 * lanes);
        IntVector x2 = IntVector.fromArray(species, w, 2 * lanes);
        IntVector x3 = IntVector.fromArray(species, w, 3 * lanes);
        IntVector x4 = IntVector.fromArray(species, w, 4 * lanes);
        IntVector x5 = IntVector.fromArray(species, w, 5 * lanes);
        IntVector x6 = IntVector.fromArray(species, w, 6 * lanes);
        IntVector x7 = IntVector.fromArray(species, w, 7 * lanes);
        IntVector x8 = IntVector.fromArray(species, w, 8 * lanes);
        IntVector x9 = IntVector.fromArray(species, w, 9 * lanes);
        IntVector x10 = IntVector.fromArray(species, w, 10 * lanes);
        IntVector x11 = IntVector.fromArray(species, w, 11 * lanes);
        IntVector x12 = IntVector.fromArray(species, w, 12 * lanes);
        IntVector x13 = IntVector.fromArray(species, w, 13 * lanes);
        IntVector x14 = IntVector.fromArray(species, w, 14 * lanes);
        IntVector x15 = IntVector.fromArray(species, w, 15 * lanes);
        // columns
        x0 = x0.add(x4); x12 = x12.lanewise(VectorOperators.XOR, x0).lanewise(VectorOperators.ROL, 16);
        x8 = x8.add(x12); x4 = x4.lanewise(VectorOperators.XOR, x8).lanewise(VectorOperators.ROL, 12);
        x0 = x0.add(x4); x12 = x12.lanewise(VectorOperators.XOR, x0).lanewise(VectorOperators.ROL, 8);
        x8 = x8.add(x12); x4 = x4.lanewise(VectorOperators.XOR, x8).lanewise(VectorOperators.ROL, 7);
        x1 = x1.add(x5); x13 = x13.lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.ROL, 16);
        x9 = x9.add(x13); x5 = x5.lanewise(VectorOperators.XOR, x9).lanewise(VectorOperators.ROL, 12);
        x1 = x1.add(x5); x13 = x13.lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.ROL, 8);
        x9 = x9.add(x13); x5 = x5.lanewise(VectorOperators.XOR, x9).lanewise(VectorOperators.ROL, 7);
        x2 = x2.add(x6); x14 = x14.lanewise(VectorOperators.XOR, x2).lanewise(VectorOperators.ROL, 16);
        x10 = x10.add(x14); x6 = x6.lanewise(VectorOperators.XOR, x10).lanewise(VectorOperators.ROL, 12);
        x2 = x2.add(x6); x14 = x14.lanewise(VectorOperators.XOR, x2).lanewise(VectorOperators.ROL, 8);
        x10 = x10.add(x14); x6 = x6.lanewise(VectorOperators.XOR, x10).lanewise(VectorOperators.ROL, 7);
        x3 = x3.add(x7); x15 = x15.lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.ROL, 16);
        x11 = x11.add(x15); x7 = x7.lanewise(VectorOperators.XOR, x11).lanewise(VectorOperators.ROL, 12);
        x3 = x3.add(x7); x15 = x15.lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.ROL, 8);
        x11 = x11.add(x15); x7 = x7.lanewise(VectorOperators.XOR, x11).lanewise(VectorOperators.ROL, 7);
        // diagonals
        x0 = x0.add(x5); x15 = x15.lanewise(VectorOperators.XOR, x0).lanewise(VectorOperators.ROL, 16);
        x10 = x10.add(x15); x5 = x5.lanewise(VectorOperators.XOR, x10).lanewise(VectorOperators.ROL, 12);
        x0 = x0.add(x5); x15 = x15.lanewise(VectorOperators.XOR, x0).lanewise(VectorOperators.ROL, 8);
        x10 = x10.add(x15); x5 = x5.lanewise(VectorOperators.XOR, x10).lanewise(VectorOperators.ROL, 7);
        x1 = x1.add(x6); x12 = x12.lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.ROL, 16);
        x11 = x11.add(x12); x6 = x6.lanewise(VectorOperators.XOR, x11).lanewise(VectorOperators.ROL, 12);
        x1 = x1.add(x6); x12 = x12.lanewise(VectorOperators.XOR, x1).lanewise(VectorOperators.ROL, 8);
        x11 = x11.add(x12); x6 = x6.lanewise(VectorOperators.XOR, x11).lanewise(VectorOperators.ROL, 7);
        x2 = x2.add(x7); x13 = x13.lanewise(VectorOperators.XOR, x2).lanewise(VectorOperators.ROL, 16);
        x8 = x8.add(x13); x7 = x7.lanewise(VectorOperators.XOR, x8).lanewise(VectorOperators.ROL, 12);
        x2 = x2.add(x7); x13 = x13.lanewise(VectorOperators.XOR, x2).lanewise(VectorOperators.ROL, 8);
        x8 = x8.add(x13); x7 = x7.lanewise(VectorOperators.XOR, x8).lanewise(VectorOperators.ROL, 7);
        x3 = x3.add(x4); x14 = x14.lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.ROL, 16);
        x9 = x9.add(x14); x4 = x4.lanewise(VectorOperators.XOR, x9).lanewise(VectorOperators.ROL, 12);
        x3 = x3.add(x4); x14 = x14.lanewise(VectorOperators.XOR, x3).lanewise(VectorOperators.ROL, 8);
        x9 = x9.add(x14); x4 = x4.lanewise(VectorOperators.XOR, x9).lanewise(VectorOperators.ROL, 7);
        x0.intoArray(w, 0 * lanes);
        x1.intoArray(w, 1 * lanes);
        x2.intoArray(w, 2 * lanes);
        x3.intoArray(w, 3 * lanes);
        x4.intoArray(w, 4 * lanes);
        x5.intoArray(w, 5 * lanes);
        x6.intoArray(w, 6 * lanes);
        x7.intoArray(w, 7 * lanes);
        x8.intoArray(w, 8 * lanes);
        x9.intoArray(w, 9 * lanes);
        x10.intoArray(w, 10 * lanes);
        x11.intoArray(w, 11 * lanes);
        x12.intoArray(w, 12 * lanes);
        x13.intoArray(w, 13 * lanes);
        x14.intoArray(w, 14 * lanes);
        x15.intoArray(w, 15 * lanes);
    }
}

package io.icn.p2p.aead;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Poly1305's bulk on the Vector API: {@code LANES} (8 on AVX-512) interleaved Horner sums, lane {@code j} taking
 * blocks {@code j, j + LANES, j + 2 * LANES, ...}, each step multiplying every lane by {@code r^LANES}, the last
 * step by {@code r^(LANES - j)} in lane {@code j}; the lanes' sums then add up to the same accumulator as
 * {@link Poly1305}'s block-by-block Horner sum (the accumulator it held before goes into lane 0's first block).
 * Limbs as in {@link Poly1305}: five 26-bit limbs per lane in 64-bit lanes, 25 lane-wise multiplications per step
 * whose sums never overflow.
 *
 * <p>Used only where it pays and the JDK allows it ({@link #AVAILABLE}): 512-bit {@code long} vectors (AVX-512,
 * whose 64-bit lane multiplication is one instruction) and the Vector API's byte buffer access (JDK 16-19, where
 * this package's Vector API code is the default). Loaded only with the incubator module present (by
 * {@link VectorChaCha20}).
 *
 * <p>Not thread-safe: holds the powers of {@code r} of the current message as scratch.
 */
final class VectorPoly1305 implements Poly1305.Bulk {
    private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final int STEP = 16 * LANES;
    /** Bytes from which the bulk is used: below, computing the powers of r costs more than it saves. */
    private static final int MIN_BYTES = 4 * STEP;
    private static final long MASK = 0x3ffffff;
    /** The first row of the last step's multipliers. */
    private static final int LAST = 9;
    private static final VectorShuffle<Long> LOW_WORDS = words(0);
    private static final VectorShuffle<Long> HIGH_WORDS = words(1);
    private static final VectorMask<Long> UPPER_HALF = VectorMask.fromLong(SPECIES, -1L << (LANES / 2));
    /** Whether this JVM runs it: see the class comment. */
    static final boolean AVAILABLE = SPECIES.vectorBitSize() >= 512 && VectorChaCha20.BUFFER_ACCESS;

    /** r^1 to r^LANES, five limbs each: {@code powers[5 * (k - 1) + i]} is limb {@code i} of r^k. */
    private final long[] powers = new long[5 * LANES];
    /**
     * Rows of {@code LANES} multipliers: r^LANES's limbs 0-4 in every lane, then 5 times limbs 1-4; from row
     * {@link #LAST} on the same of r^(LANES - j) in lane j, for the last step.
     */
    private final long[] multipliers = new long[18 * LANES];
    /** The lanes' accumulators between steps: limb {@code i} of lane {@code j} at {@code [i * LANES + j]}. */
    private final long[] accumulator = new long[5 * LANES];

    /**
     * Lane {@code j} (and {@code j + LANES / 2}) takes word {@code 2 * j + half}: of a step's two vectors of
     * {@code LANES} words, the first's rearranged gives the lower half of the low (or high) words, the second's the
     * upper half ({@link #UPPER_HALF}). Two one-vector rearranges and a blend: the two-vector rearrange of JDK 17
     * computes its masks per call.
     */
    private static VectorShuffle<Long> words(int half) {
        int[] source = new int[LANES];
        for (int j = 0; j < LANES; j++) {
            source[j] = (2 * j + half) % LANES;
        }
        return VectorShuffle.fromValues(SPECIES, source);
    }

    /** The low (or high) words of blocks {@code 0..LANES-1} of a step. */
    private static LongVector words(LongVector first, LongVector second, VectorShuffle<Long> which) {
        return first.rearrange(which).blend(second.rearrange(which), UPPER_HALF);
    }

    @Override
    public int absorb(Poly1305 mac, ByteBuffer b, int index, int length) {
        if (length < MIN_BYTES) {
            return 0;
        }
        int steps = length / STEP;
        mac.powersOfR(powers, LANES);
        long[] m = multipliers;
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < LANES; j++) {
                long every = powers[5 * (LANES - 1) + i]; // r^LANES
                long last = powers[5 * (LANES - j - 1) + i]; // r^(LANES - j)
                m[i * LANES + j] = every;
                m[(LAST + i) * LANES + j] = last;
                if (i > 0) {
                    m[(4 + i) * LANES + j] = 5 * every;
                    m[(LAST + 4 + i) * LANES + j] = 5 * last;
                }
            }
        }
        Arrays.fill(accumulator, 0);
        for (int i = 0; i < 5; i++) {
            accumulator[i * LANES] = mac.accumulatorLimb(i);
        }
        int at = index;
        for (int step = 1; step < steps; step++, at += STEP) {
            step(b, at, 0);
        }
        step(b, at, LAST);
        VectorSpecies<Long> species = SPECIES;
        mac.carryIntoAccumulator(
                LongVector.fromArray(species, accumulator, 0).reduceLanes(VectorOperators.ADD),
                LongVector.fromArray(species, accumulator, LANES).reduceLanes(VectorOperators.ADD),
                LongVector.fromArray(species, accumulator, 2 * LANES).reduceLanes(VectorOperators.ADD),
                LongVector.fromArray(species, accumulator, 3 * LANES).reduceLanes(VectorOperators.ADD),
                LongVector.fromArray(species, accumulator, 4 * LANES).reduceLanes(VectorOperators.ADD));
        return steps * STEP;
    }

    /**
     * One step: the {@code LANES} blocks at {@code at} added to the lanes' accumulators, which are then multiplied
     * by the multipliers from row {@code set} on ({@code 0}: r^LANES in every lane; {@link #LAST}: r^(LANES - j) in
     * lane j) and carried. The accumulators and multipliers go through arrays between steps, as the ChaCha20
     * state does (see {@link VectorChaCha20}): vectors carried around a loop lose their exact type in C2 (JDK 17).
     */
    private void step(ByteBuffer b, int at, int set) {
        VectorSpecies<Long> species = SPECIES;
        long[] m = multipliers;
        long[] acc = accumulator;
        int o = set * LANES;
        LongVector r0 = LongVector.fromArray(species, m, o);
        LongVector r1 = LongVector.fromArray(species, m, o + LANES);
        LongVector r2 = LongVector.fromArray(species, m, o + 2 * LANES);
        LongVector r3 = LongVector.fromArray(species, m, o + 3 * LANES);
        LongVector r4 = LongVector.fromArray(species, m, o + 4 * LANES);
        LongVector s1 = LongVector.fromArray(species, m, o + 5 * LANES);
        LongVector s2 = LongVector.fromArray(species, m, o + 6 * LANES);
        LongVector s3 = LongVector.fromArray(species, m, o + 7 * LANES);
        LongVector s4 = LongVector.fromArray(species, m, o + 8 * LANES);
        LongVector first = LongVector.fromByteBuffer(species, b, at, ByteOrder.LITTLE_ENDIAN);
        LongVector second = LongVector.fromByteBuffer(species, b, at + 8 * LANES, ByteOrder.LITTLE_ENDIAN);
        LongVector lo = words(first, second, LOW_WORDS);
        LongVector hi = words(first, second, HIGH_WORDS);
        LongVector a0 = LongVector.fromArray(species, acc, 0).add(lo.and(MASK));
        LongVector a1 = LongVector.fromArray(species, acc, LANES).add(lo.lanewise(VectorOperators.LSHR, 26).and(MASK));
        LongVector a2 = LongVector.fromArray(species, acc, 2 * LANES)
                .add(lo.lanewise(VectorOperators.LSHR, 52).or(hi.lanewise(VectorOperators.LSHL, 12)).and(MASK));
        LongVector a3 = LongVector.fromArray(species, acc, 3 * LANES).add(hi.lanewise(VectorOperators.LSHR, 14).and(MASK));
        LongVector a4 = LongVector.fromArray(species, acc, 4 * LANES).add(hi.lanewise(VectorOperators.LSHR, 40).or(1L << 24));
        LongVector d0 = a0.mul(r0).add(a1.mul(s4)).add(a2.mul(s3)).add(a3.mul(s2)).add(a4.mul(s1));
        LongVector d1 = a0.mul(r1).add(a1.mul(r0)).add(a2.mul(s4)).add(a3.mul(s3)).add(a4.mul(s2));
        LongVector d2 = a0.mul(r2).add(a1.mul(r1)).add(a2.mul(r0)).add(a3.mul(s4)).add(a4.mul(s3));
        LongVector d3 = a0.mul(r3).add(a1.mul(r2)).add(a2.mul(r1)).add(a3.mul(r0)).add(a4.mul(s4));
        LongVector d4 = a0.mul(r4).add(a1.mul(r3)).add(a2.mul(r2)).add(a3.mul(r1)).add(a4.mul(r0));
        // carries, lane by lane, as in Poly1305.carryIntoAccumulator
        d1 = d1.add(d0.lanewise(VectorOperators.LSHR, 26));
        d2 = d2.add(d1.lanewise(VectorOperators.LSHR, 26));
        d3 = d3.add(d2.lanewise(VectorOperators.LSHR, 26));
        d4 = d4.add(d3.lanewise(VectorOperators.LSHR, 26));
        LongVector c = d4.lanewise(VectorOperators.LSHR, 26);
        LongVector h0 = d0.and(MASK).add(c.lanewise(VectorOperators.LSHL, 2)).add(c);
        h0.and(MASK).intoArray(acc, 0);
        d1.and(MASK).add(h0.lanewise(VectorOperators.LSHR, 26)).intoArray(acc, LANES);
        d2.and(MASK).intoArray(acc, 2 * LANES);
        d3.and(MASK).intoArray(acc, 3 * LANES);
        d4.and(MASK).intoArray(acc, 4 * LANES);
    }
}

package io.icn.erasure;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernel on the JDK Vector API: the split-nibble technique of ISA-L and klauspost/reedsolomon.
 * A product {@code coef * x} is {@code lo[x & 15] ^ hi[x >>> 4]} with two 16-entry tables per
 * coefficient, looked up sixteen (or more) bytes at a time by a byte shuffle. Each input vector is
 * loaded once and its two nibble shuffles serve up to four output accumulators held in registers;
 * more outputs are done four at a time. The tail shorter than one vector is done with scalar
 * arithmetic.
 *
 * <p>Loaded only after {@link Kernels} has found the {@code jdk.incubator.vector} module.
 */
final class VectorGf256Kernel extends Gf256Kernel {
    private static final int GROUP = 4;

    private final VectorSpecies<Byte> species;
    private final int lanes;
    private final String name;

    VectorGf256Kernel(int bits) {
        this.species = VectorSpecies.of(byte.class, VectorShape.forBitSize(bits));
        this.lanes = species.length();
        this.name = "vector-" + bits;
    }

    /** The widest byte vector this JVM and CPU support, in bits. */
    static int maxBits() {
        return ByteVector.SPECIES_MAX.vectorBitSize();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    int stride() {
        return lanes;
    }

    @Override
    Prepared prepare(byte[][] coefficients) {
        return new NibbleTables(coefficients, lanes);
    }

    @Override
    void multiply(Prepared matrix, byte[][] in, int[] inOff, byte[][] out, int[] outOff, int len) {
        NibbleTables t = (NibbleTables) matrix;
        int vectorLen = len - len % lanes;
        for (int j = 0; j < t.rows; j += GROUP) {
            int outputs = Math.min(GROUP, t.rows - j);
            if (outputs == GROUP) {
                multiplyFour(t, j, in, inOff, out, outOff, vectorLen);
            } else {
                for (int r = j; r < j + outputs; r++) {
                    multiplyOne(t, r, in, inOff, out, outOff, vectorLen);
                }
            }
        }
        if (vectorLen < len) {
            multiplyTail(t, in, inOff, out, outOff, vectorLen, len);
        }
    }

    private void multiplyFour(NibbleTables t, int j, byte[][] in, int[] inOff,
                              byte[][] out, int[] outOff, int vectorLen) {
        byte[] tables = t.tables;
        int columns = t.columns;
        int step = 2 * lanes;
        int rowStride = columns * step;
        byte[] o0 = out[j];
        byte[] o1 = out[j + 1];
        byte[] o2 = out[j + 2];
        byte[] o3 = out[j + 3];
        int p0 = outOff[j];
        int p1 = outOff[j + 1];
        int p2 = outOff[j + 2];
        int p3 = outOff[j + 3];
        int base0 = j * rowStride;
        ByteVector zero = ByteVector.zero(species);
        for (int i = 0; i < vectorLen; i += lanes) {
            ByteVector a0 = zero;
            ByteVector a1 = zero;
            ByteVector a2 = zero;
            ByteVector a3 = zero;
            for (int c = 0; c < columns; c++) {
                ByteVector v = ByteVector.fromArray(species, in[c], inOff[c] + i);
                VectorShuffle<Byte> lo = v.and((byte) 0x0F).toShuffle();
                VectorShuffle<Byte> hi = v.lanewise(VectorOperators.LSHR, 4).toShuffle();
                int t0 = base0 + c * step;
                a0 = a0.lanewise(VectorOperators.XOR, lookup(tables, t0, lo, hi));
                a1 = a1.lanewise(VectorOperators.XOR, lookup(tables, t0 + rowStride, lo, hi));
                a2 = a2.lanewise(VectorOperators.XOR, lookup(tables, t0 + 2 * rowStride, lo, hi));
                a3 = a3.lanewise(VectorOperators.XOR, lookup(tables, t0 + 3 * rowStride, lo, hi));
            }
            a0.intoArray(o0, p0 + i);
            a1.intoArray(o1, p1 + i);
            a2.intoArray(o2, p2 + i);
            a3.intoArray(o3, p3 + i);
        }
    }

    private void multiplyOne(NibbleTables t, int j, byte[][] in, int[] inOff,
                             byte[][] out, int[] outOff, int vectorLen) {
        byte[] tables = t.tables;
        int columns = t.columns;
        int step = 2 * lanes;
        int base = j * columns * step;
        byte[] o = out[j];
        int p = outOff[j];
        for (int i = 0; i < vectorLen; i += lanes) {
            ByteVector a = ByteVector.zero(species);
            for (int c = 0; c < columns; c++) {
                ByteVector v = ByteVector.fromArray(species, in[c], inOff[c] + i);
                VectorShuffle<Byte> lo = v.and((byte) 0x0F).toShuffle();
                VectorShuffle<Byte> hi = v.lanewise(VectorOperators.LSHR, 4).toShuffle();
                a = a.lanewise(VectorOperators.XOR, lookup(tables, base + c * step, lo, hi));
            }
            a.intoArray(o, p + i);
        }
    }

    private ByteVector lookup(byte[] tables, int at, VectorShuffle<Byte> lo, VectorShuffle<Byte> hi) {
        ByteVector tLo = ByteVector.fromArray(species, tables, at);
        ByteVector tHi = ByteVector.fromArray(species, tables, at + lanes);
        return tLo.rearrange(lo).lanewise(VectorOperators.XOR, tHi.rearrange(hi));
    }

    private static void multiplyTail(NibbleTables t, byte[][] in, int[] inOff, byte[][] out, int[] outOff,
                                     int from, int to) {
        for (int j = 0; j < t.rows; j++) {
            byte[] coef = t.coefficients[j];
            for (int i = from; i < to; i++) {
                int acc = 0;
                for (int c = 0; c < t.columns; c++) {
                    acc ^= Gf256.mul(coef[c], in[c][inOff[c] + i]);
                }
                out[j][outOff[j] + i] = (byte) acc;
            }
        }
    }

    /**
     * For output j and input c, at {@code (j * columns + c) * 2 * lanes}: the low-nibble table, then
     * the high-nibble table, each 16 products repeated to fill a vector.
     */
    private static final class NibbleTables extends Prepared {
        final byte[] tables;
        final byte[][] coefficients;

        NibbleTables(byte[][] coefficients, int lanes) {
            super(coefficients.length, coefficients[0].length);
            this.coefficients = GfMatrix.rows(coefficients, 0, coefficients.length);
            this.tables = new byte[rows * columns * 2 * lanes];
            for (int j = 0; j < rows; j++) {
                for (int c = 0; c < columns; c++) {
                    int coef = coefficients[j][c] & 0xFF;
                    int at = (j * columns + c) * 2 * lanes;
                    for (int x = 0; x < lanes; x++) {
                        tables[at + x] = (byte) Gf256.mul(coef, x & 15);
                        tables[at + lanes + x] = (byte) Gf256.mul(coef, (x & 15) << 4);
                    }
                }
            }
        }
    }
}

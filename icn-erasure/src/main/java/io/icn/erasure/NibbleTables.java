package io.icn.erasure;

import java.nio.ByteBuffer;

/**
 * Lookup tables of the SIMD kernels, for one coefficient matrix. For output j and input c, at
 * {@code (j * columns + c) * 2 * lanes}: the low-nibble table {@code coef * x} for x in 0..15, then
 * the high-nibble table {@code coef * (x << 4)}, each repeated to fill a vector of {@code lanes}
 * bytes. Immutable once built.
 */
final class NibbleTables extends Gf256Kernel.Prepared {
    final byte[] tables;
    private final byte[][] coefficients;

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

    /** The bytes [from, to) of every output, one multiplication at a time: for tails shorter than a vector. */
    void multiplyScalar(byte[][] in, int[] inOff, byte[][] out, int[] outOff, int from, int to) {
        for (int j = 0; j < rows; j++) {
            byte[] coef = coefficients[j];
            for (int i = from; i < to; i++) {
                int acc = 0;
                for (int c = 0; c < columns; c++) {
                    acc ^= Gf256.mul(coef[c], in[c][inOff[c] + i]);
                }
                out[j][outOff[j] + i] = (byte) acc;
            }
        }
    }

    /** {@link #multiplyScalar(byte[][], int[], byte[][], int[], int, int)} on buffers, absolute indices. */
    void multiplyScalar(ByteBuffer[] in, int[] inOff, ByteBuffer[] out, int[] outOff, int from, int to) {
        for (int j = 0; j < rows; j++) {
            byte[] coef = coefficients[j];
            for (int i = from; i < to; i++) {
                int acc = 0;
                for (int c = 0; c < columns; c++) {
                    acc ^= Gf256.mul(coef[c], in[c].get(inOff[c] + i));
                }
                out[j].put(outOff[j] + i, (byte) acc);
            }
        }
    }
}

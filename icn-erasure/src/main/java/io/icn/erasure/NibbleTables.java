package io.icn.erasure;

import java.nio.ByteBuffer;

/**
 * Lookup tables of the SIMD kernels, for one coefficient matrix. For output j and input c, at
 * {@link #at(int, int)}: the low-nibble table {@code coef * x} for x in 0..15, then the high-nibble
 * table {@code coef * (x << 4)}, each repeated to fill a vector of {@code lanes} bytes. Outputs in
 * whole groups of {@link #GROUP} (the kernels' four accumulators) are interleaved by input: the
 * eight table vectors one input step reads lie side by side, at constant offsets from one index,
 * so that with the Vector API's per-access checks on (an embedder's JVM) C2 checks them as one
 * range instead of four. Immutable once built.
 */
final class NibbleTables extends Gf256Kernel.Prepared {
    /** Outputs computed together by the SIMD kernels, whose tables are interleaved by input. */
    static final int GROUP = 4;
    final byte[] tables;
    private final byte[][] coefficients;
    /** Bytes of one output's two tables for one input. */
    private final int step;
    /** Outputs [0, grouped) lie in whole groups; the rest, one row after another. */
    private final int grouped;

    NibbleTables(byte[][] coefficients, int lanes) {
        super(coefficients.length, coefficients[0].length);
        this.coefficients = GfMatrix.rows(coefficients, 0, coefficients.length);
        this.tables = new byte[rows * columns * 2 * lanes];
        this.step = 2 * lanes;
        this.grouped = rows - rows % GROUP;
        for (int j = 0; j < rows; j++) {
            for (int c = 0; c < columns; c++) {
                int coef = coefficients[j][c] & 0xFF;
                int at = at(j, c);
                for (int x = 0; x < lanes; x++) {
                    tables[at + x] = (byte) Gf256.mul(coef, x & 15);
                    tables[at + lanes + x] = (byte) Gf256.mul(coef, (x & 15) << 4);
                }
            }
        }
    }

    /** Where the tables of output j for input c start. */
    int at(int j, int c) {
        if (j < grouped) {
            return ((j - j % GROUP) * columns + c * GROUP + j % GROUP) * step;
        }
        return (j * columns + c) * step;
    }

    /** How far apart the tables of output j for successive inputs lie. */
    int inputStride(int j) {
        return j < grouped ? GROUP * step : step;
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

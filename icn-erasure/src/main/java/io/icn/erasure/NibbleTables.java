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
    /** The vector length of the sextet lookups: one table holds all 64 values of a 6-bit index. */
    static final int SEXTET_LANES = 64;
    final byte[] tables;
    private final byte[][] coefficients;
    /** Bytes of one output's two tables for one input. */
    private final int step;
    /** Outputs [0, grouped) lie in whole groups; the rest, one row after another. */
    private final int grouped;
    /** Inputs taken three at a time by the sextet tables; the rest, [triples, columns), one at a time. */
    final int triples;
    /**
     * Where the kernel asks for them (vectors of 64 lanes), else null: the tables of the sextet lookups of the
     * whole groups of outputs, which split a byte x as {@code (x & 63) ^ (x & 192)} instead of into nibbles,
     * since a 64-lane byte select takes a 6-bit index. For each group of {@link #GROUP} outputs, per three inputs
     * a, b, c, sixteen vectors: {@code coef * (x & 63)} of input a for each of the four outputs, then of b, then
     * of c, then the table of the three inputs' top bits, {@code coef_a * ((x & 3) << 6) ^ coef_b * (((x >> 2) & 3)
     * << 6) ^ coef_c * (((x >> 4) & 3) << 6)}; per remaining input, eight: {@code coef * (x & 63)} and {@code coef
     * * ((x & 3) << 6)} for each output. So three inputs take four lookups per output where nibbles take six:
     * RS(10,4) 14 instead of 20.
     */
    final byte[] sextets;
    /** Bytes of one group's sextet tables. */
    private final int sextetGroup;

    /** @param sextets whether to build the sextet tables too, for vectors of {@link #SEXTET_LANES} lanes */
    NibbleTables(byte[][] coefficients, int lanes, boolean sextets) {
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
        this.triples = columns - columns % 3;
        this.sextetGroup = (triples / 3 * 16 + (columns - triples) * 8) * lanes;
        if (sextets && lanes != SEXTET_LANES) {
            throw new IllegalArgumentException("sextet tables need " + SEXTET_LANES + " lanes, not " + lanes);
        }
        this.sextets = sextets ? sextetTables(coefficients) : null;
    }

    private byte[] sextetTables(byte[][] coefficients) {
        byte[] s = new byte[grouped / GROUP * sextetGroup];
        int at = 0;
        for (int j = 0; j < grouped; j += GROUP) {
            for (int c = 0; c < columns; c += c < triples ? 3 : 1) {
                int inputs = c < triples ? 3 : 1;
                for (int k = 0; k < inputs; k++) {
                    for (int r = 0; r < GROUP; r++) {
                        int coef = coefficients[j + r][c + k] & 0xFF;
                        for (int x = 0; x < SEXTET_LANES; x++) {
                            s[at + x] = (byte) Gf256.mul(coef, x);
                        }
                        at += SEXTET_LANES;
                    }
                }
                for (int r = 0; r < GROUP; r++) {
                    for (int x = 0; x < SEXTET_LANES; x++) {
                        int product = 0;
                        for (int k = 0; k < inputs; k++) {
                            product ^= Gf256.mul(coefficients[j + r][c + k] & 0xFF, ((x >> (2 * k)) & 3) << 6);
                        }
                        s[at + x] = (byte) product;
                    }
                    at += SEXTET_LANES;
                }
            }
        }
        return s;
    }

    /** Where the sextet tables of the group of outputs that starts at j (a multiple of GROUP below grouped) start. */
    int sextetsAt(int j) {
        return j / GROUP * sextetGroup;
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

package io.icn.erasure;

/**
 * Portable kernel on packed tables: for each input column and each byte value, one {@code int}
 * holds the products with up to four output coefficients, so a single lookup yields all parity
 * bytes of an input byte (four outputs per group, as RS(k, 4) has; more outputs use more groups).
 * The tables of a 10-column matrix take 10 KiB. Work goes in blocks of positions, one input column
 * at a time into per-thread accumulators, then the accumulators' bytes are scattered to the outputs.
 *
 * <p>The accumulators are {@code long}s although only their low four bytes are used: C2 cannot tell
 * two arrays of one type apart, so with {@code long} tables (as this kernel had, eight outputs a
 * group) every store to an accumulator ordered the next table loads behind it. Different types let
 * it interleave them: RS(10,4) encode went from 1.16 to 1.35 GB/s on JDK 17 and from 1.55 to 1.63
 * on JDK 25 in a plain timing loop (docs/benchmarks.md). Five to eight outputs now take two passes.
 */
final class ScalarGf256Kernel extends Gf256Kernel {
    static final ScalarGf256Kernel INSTANCE = new ScalarGf256Kernel();
    /** Positions per pass: the accumulators (8 KiB) and tables (1 KiB per input) stay in L1. */
    private static final int BLOCK = 1024;
    /** Outputs per table entry: the four bytes of an {@code int}. */
    private static final int GROUP = 4;
    private static final ThreadLocal<long[]> ACCUMULATORS = ThreadLocal.withInitial(() -> new long[BLOCK]);

    private ScalarGf256Kernel() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    int stride() {
        return 1;
    }

    @Override
    Prepared prepare(byte[][] coefficients) {
        return new Packed(coefficients);
    }

    @Override
    void multiply(Prepared matrix, byte[][] in, int[] inOff, byte[][] out, int[] outOff, int len) {
        Packed p = (Packed) matrix;
        for (int g = 0; g < p.tables.length; g++) {
            int first = g * GROUP;
            multiplyGroup(p.tables[g], p.columns, in, inOff, out, outOff, first, Math.min(GROUP, p.rows - first), len);
        }
    }

    /**
     * Outputs first .. first + outputs - 1 over [0, len), in blocks of positions: acc[i] = XOR over c of
     * table[c][in[c][i]], column by column (two at a time, which halves the accumulator traffic), so the inner
     * loops read the inputs sequentially; then byte j of each accumulator goes to output first + j. JDK 17's C2
     * is particular here: the same loops split into per-block helpers ran at 1.0 GB/s, with the accumulators
     * passed in as an argument at 1.2, as they are at 1.35 (docs/benchmarks.md).
     */
    private static void multiplyGroup(int[] table, int columns, byte[][] in, int[] inOff, byte[][] out, int[] outOff,
                                      int first, int outputs, int len) {
        long[] acc = ACCUMULATORS.get();
        for (int from = 0; from < len; from += BLOCK) {
            int n = Math.min(BLOCK, len - from);
            byte[] src = in[0];
            int base = inOff[0] + from;
            for (int i = 0; i < n; i++) {
                acc[i] = table[src[base + i] & 0xFF];
            }
            int c = 1;
            for (; c + 1 < columns; c += 2) {
                byte[] a = in[c];
                byte[] b = in[c + 1];
                int baseA = inOff[c] + from;
                int baseB = inOff[c + 1] + from;
                int tA = c << 8;
                int tB = (c + 1) << 8;
                for (int i = 0; i < n; i++) {
                    acc[i] ^= table[tA | (a[baseA + i] & 0xFF)] ^ table[tB | (b[baseB + i] & 0xFF)];
                }
            }
            for (; c < columns; c++) {
                byte[] a = in[c];
                int baseA = inOff[c] + from;
                int tA = c << 8;
                for (int i = 0; i < n; i++) {
                    acc[i] ^= table[tA | (a[baseA + i] & 0xFF)];
                }
            }
            for (int j = 0; j < outputs; j++) {
                byte[] dst = out[first + j];
                int at = outOff[first + j] + from;
                int shift = j << 3;
                for (int i = 0; i < n; i++) {
                    dst[at + i] = (byte) (acc[i] >>> shift);
                }
            }
        }
    }

    /** tables[g][c * 256 + v]: byte j of the int is coefficient[4g + j][c] * v. */
    private static final class Packed extends Prepared {
        final int[][] tables;

        Packed(byte[][] coefficients) {
            super(coefficients.length, coefficients[0].length);
            int groups = (rows + GROUP - 1) / GROUP;
            tables = new int[groups][columns * 256];
            for (int j = 0; j < rows; j++) {
                int[] t = tables[j / GROUP];
                int shift = (j % GROUP) * 8;
                for (int c = 0; c < columns; c++) {
                    int coef = coefficients[j][c] & 0xFF;
                    for (int v = 0; v < 256; v++) {
                        t[c << 8 | v] |= Gf256.mul(coef, v) << shift;
                    }
                }
            }
        }
    }
}

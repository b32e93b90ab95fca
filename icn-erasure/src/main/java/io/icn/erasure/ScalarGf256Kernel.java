package io.icn.erasure;

/**
 * Portable kernel on packed tables: for each input column and each byte value, one {@code long}
 * holds the products with up to eight output coefficients, so a single lookup yields all parity
 * bytes of an input byte (eight outputs per group; more outputs use more groups). The tables of a
 * 10-column matrix take 20 KiB. Work goes in blocks of positions, one input column at a time into
 * per-thread accumulators, then the accumulators' bytes are scattered to the outputs.
 */
final class ScalarGf256Kernel extends Gf256Kernel {
    static final ScalarGf256Kernel INSTANCE = new ScalarGf256Kernel();
    /** Positions per pass: the accumulators (8 KiB) and tables (2 KiB per input) stay in L1. */
    private static final int BLOCK = 1024;
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
        long[] acc = ACCUMULATORS.get();
        for (int g = 0; g < p.tables.length; g++) {
            long[] table = p.tables[g];
            int first = g * 8;
            int outputs = Math.min(8, p.rows - first);
            for (int from = 0; from < len; from += BLOCK) {
                int n = Math.min(BLOCK, len - from);
                accumulate(table, p.columns, in, inOff, from, n, acc);
                scatter(acc, n, outputs, out, outOff, first, from);
            }
        }
    }

    /**
     * acc[i] = XOR over c of table[c][in[c][from + i]]: column by column (two at a time), so the inner
     * loop reads input arrays sequentially and stays free of per-byte indirections.
     */
    private static void accumulate(long[] table, int columns, byte[][] in, int[] inOff, int from, int n, long[] acc) {
        byte[] src = in[0];
        int base = inOff[0] + from;
        for (int i = 0; i < n; i++) {
            acc[i] = table[src[base + i] & 0xFF];
        }
        int c = 1;
        for (; c + 1 < columns; c += 2) { // two columns per pass halve the accumulator traffic
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
        if (c < columns) {
            src = in[c];
            base = inOff[c] + from;
            int t = c << 8;
            for (int i = 0; i < n; i++) {
                acc[i] ^= table[t | (src[base + i] & 0xFF)];
            }
        }
    }

    private static void scatter(long[] acc, int n, int outputs, byte[][] out, int[] outOff, int first, int from) {
        for (int j = 0; j < outputs; j++) {
            byte[] dst = out[first + j];
            int base = outOff[first + j] + from;
            int shift = j << 3;
            for (int i = 0; i < n; i++) {
                dst[base + i] = (byte) (acc[i] >>> shift);
            }
        }
    }

    /** tables[g][c * 256 + v]: byte j of the long is coefficient[8g + j][c] * v. */
    private static final class Packed extends Prepared {
        final long[][] tables;

        Packed(byte[][] coefficients) {
            super(coefficients.length, coefficients[0].length);
            int groups = (rows + 7) / 8;
            tables = new long[groups][columns * 256];
            for (int j = 0; j < rows; j++) {
                long[] t = tables[j / 8];
                int shift = (j % 8) * 8;
                for (int c = 0; c < columns; c++) {
                    int coef = coefficients[j][c] & 0xFF;
                    for (int v = 0; v < 256; v++) {
                        t[c << 8 | v] |= (long) Gf256.mul(coef, v) << shift;
                    }
                }
            }
        }
    }
}

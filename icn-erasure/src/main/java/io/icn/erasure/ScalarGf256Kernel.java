package io.icn.erasure;

/**
 * Portable kernel on packed tables: for each input column and each byte value, one {@code long}
 * holds the products with up to eight output coefficients, so a single lookup yields all parity
 * bytes of an input byte (eight outputs per group; more outputs use more groups). The tables of a
 * 10-column matrix take 20 KiB and stay in L1.
 */
final class ScalarGf256Kernel extends Gf256Kernel {
    static final ScalarGf256Kernel INSTANCE = new ScalarGf256Kernel();

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
            multiplyGroup(p.tables[g], p.columns, Math.min(8, p.rows - g * 8), g * 8, in, inOff, out, outOff, len);
        }
    }

    private static void multiplyGroup(long[] table, int columns, int outputs, int firstOut,
                                      byte[][] in, int[] inOff, byte[][] out, int[] outOff, int len) {
        if (outputs == 4) {
            multiplyFour(table, columns, firstOut, in, inOff, out, outOff, len);
            return;
        }
        for (int i = 0; i < len; i++) {
            long acc = 0;
            for (int c = 0; c < columns; c++) {
                acc ^= table[c << 8 | (in[c][inOff[c] + i] & 0xFF)];
            }
            for (int j = 0; j < outputs; j++) {
                out[firstOut + j][outOff[firstOut + j] + i] = (byte) (acc >>> (j << 3));
            }
        }
    }

    /** The RS(k, 4) case, unrolled over the outputs so the stores need no inner loop. */
    private static void multiplyFour(long[] table, int columns, int firstOut,
                                     byte[][] in, int[] inOff, byte[][] out, int[] outOff, int len) {
        byte[] o0 = out[firstOut];
        byte[] o1 = out[firstOut + 1];
        byte[] o2 = out[firstOut + 2];
        byte[] o3 = out[firstOut + 3];
        int p0 = outOff[firstOut];
        int p1 = outOff[firstOut + 1];
        int p2 = outOff[firstOut + 2];
        int p3 = outOff[firstOut + 3];
        for (int i = 0; i < len; i++) {
            long acc = 0;
            for (int c = 0; c < columns; c++) {
                acc ^= table[c << 8 | (in[c][inOff[c] + i] & 0xFF)];
            }
            o0[p0 + i] = (byte) acc;
            o1[p1 + i] = (byte) (acc >>> 8);
            o2[p2 + i] = (byte) (acc >>> 16);
            o3[p3 + i] = (byte) (acc >>> 24);
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

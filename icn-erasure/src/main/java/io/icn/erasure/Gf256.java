package io.icn.erasure;

/**
 * Arithmetic in GF(2^8) with the field polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D) and generator 2.
 * Constant tables only; thread-safe.
 */
final class Gf256 {
    static final int POLYNOMIAL = 0x11D;

    /** exp[i] = 2^i, doubled in length so exp[log a + log b] needs no modulo. */
    private static final byte[] EXP = new byte[512];
    /** log[a] for a in 1..255; log[0] is unused. */
    private static final int[] LOG = new int[256];
    /** The full 256 x 256 product table, 64 KiB: mul(a, b) = MUL[a << 8 | b]. */
    private static final byte[] MUL = new byte[256 * 256];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = (byte) x;
            LOG[x] = i;
            x <<= 1;
            if ((x & 0x100) != 0) {
                x ^= POLYNOMIAL;
            }
        }
        for (int i = 255; i < EXP.length; i++) {
            EXP[i] = EXP[i - 255];
        }
        for (int a = 1; a < 256; a++) {
            for (int b = 1; b < 256; b++) {
                MUL[a << 8 | b] = EXP[LOG[a] + LOG[b]];
            }
        }
    }

    private Gf256() {
    }

    static int mul(int a, int b) {
        return MUL[(a & 0xFF) << 8 | (b & 0xFF)] & 0xFF;
    }

    static int div(int a, int b) {
        if ((b & 0xFF) == 0) {
            throw new ArithmeticException("division by zero in GF(2^8)");
        }
        if ((a & 0xFF) == 0) {
            return 0;
        }
        int diff = LOG[a & 0xFF] - LOG[b & 0xFF];
        return EXP[diff < 0 ? diff + 255 : diff] & 0xFF;
    }

    /** a^n, with 0^0 = 1 as the Vandermonde construction requires. */
    static int pow(int a, int n) {
        if (n == 0) {
            return 1;
        }
        if ((a & 0xFF) == 0) {
            return 0;
        }
        return EXP[(LOG[a & 0xFF] * n) % 255] & 0xFF;
    }
}

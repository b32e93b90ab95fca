package io.icn.erasure;

/**
 * Small dense matrices over GF(2^8), rows of {@code byte}. Used to build the coding matrix and the
 * decode matrices; never on the per-byte path. Not thread-safe (instances are built then frozen by
 * their owner).
 */
final class GfMatrix {
    private GfMatrix() {
    }

    /** V[r][c] = r^c, r in 0..rows-1, c in 0..cols-1. */
    static byte[][] vandermonde(int rows, int cols) {
        byte[][] v = new byte[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[r][c] = (byte) Gf256.pow(r, c);
            }
        }
        return v;
    }

    /**
     * The systematic coding matrix of Backblaze JavaReedSolomon and reed-solomon-erasure: the
     * (k+m) x k Vandermonde matrix times the inverse of its top k x k square. Its top is the
     * identity; rows k.. are the parity coefficients.
     */
    static byte[][] systematicCodingMatrix(int k, int m) {
        byte[][] v = vandermonde(k + m, k);
        byte[][] top = rows(v, 0, k);
        return multiply(v, invert(top));
    }

    static byte[][] rows(byte[][] a, int from, int to) {
        byte[][] r = new byte[to - from][];
        for (int i = from; i < to; i++) {
            r[i - from] = a[i].clone();
        }
        return r;
    }

    static byte[][] multiply(byte[][] a, byte[][] b) {
        int n = a.length;
        int inner = b.length;
        int cols = b[0].length;
        byte[][] r = new byte[n][cols];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < cols; j++) {
                int acc = 0;
                for (int t = 0; t < inner; t++) {
                    acc ^= Gf256.mul(a[i][t], b[t][j]);
                }
                r[i][j] = (byte) acc;
            }
        }
        return r;
    }

    /**
     * Gauss-Jordan inverse of a square matrix.
     *
     * @throws IllegalArgumentException if the matrix is singular (cannot happen for square
     *     sub-matrices of the systematic Vandermonde matrix)
     */
    static byte[][] invert(byte[][] square) {
        int n = square.length;
        byte[][] work = new byte[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(square[i], 0, work[i], 0, n);
            work[i][n + i] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            while (pivot < n && work[pivot][col] == 0) {
                pivot++;
            }
            if (pivot == n) {
                throw new IllegalArgumentException("matrix is singular at column " + col);
            }
            byte[] tmp = work[pivot];
            work[pivot] = work[col];
            work[col] = tmp;
            int scale = work[col][col] & 0xFF;
            if (scale != 1) {
                for (int j = 0; j < 2 * n; j++) {
                    work[col][j] = (byte) Gf256.div(work[col][j], scale);
                }
            }
            for (int r = 0; r < n; r++) {
                int factor = work[r][col] & 0xFF;
                if (r != col && factor != 0) {
                    for (int j = 0; j < 2 * n; j++) {
                        work[r][j] ^= (byte) Gf256.mul(factor, work[col][j]);
                    }
                }
            }
        }
        byte[][] inv = new byte[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(work[i], n, inv[i], 0, n);
        }
        return inv;
    }
}

package io.icn.erasure;

/**
 * The GF(2^8) matrix-times-shards arithmetic behind a codec: {@code out[j][i] = XOR over c of
 * coefficient[j][c] * in[c][i]}. Kernels differ in speed, never in bytes: every kernel passes the
 * same contract test and the Reed-Solomon test vectors.
 *
 * <p>Obtain kernels from {@link Kernels}. Kernels are stateless and thread-safe; a
 * {@link Prepared} matrix is immutable and may be shared by threads.
 */
public abstract class Gf256Kernel {

    Gf256Kernel() {
    }

    /** A short stable name: {@code scalar}, {@code vector-128}, {@code vector-256}, {@code vector-512}. */
    public abstract String name();

    /** How many bytes of each shard one step of the kernel consumes; callers align slices to it. */
    abstract int stride();

    /**
     * Precomputes lookup tables for a coefficient matrix (rows = outputs, columns = inputs).
     * Called once per coding or decode matrix, never per shard.
     */
    abstract Prepared prepare(byte[][] coefficients);

    /**
     * {@code out[j][outOff[j] + i] = XOR_c coefficient[j][c] * in[c][inOff[c] + i]} for i in
     * [0, len). Only the first {@code rows} entries of {@code out} and {@code columns} of {@code in}
     * are used; the arrays may be longer (scratch reuse). Inputs are only read.
     */
    abstract void multiply(Prepared matrix, byte[][] in, int[] inOff, byte[][] out, int[] outOff, int len);

    /**
     * Checks every access {@link #multiply} will make, once per call: each used input has
     * {@code inOff[c] + len} bytes, each output {@code outOff[j] + len}. The SIMD kernels call it on
     * entry so that their per-vector accesses are in bounds by construction; a node may then run the
     * Vector API without its per-access checks ({@code -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0},
     * see docs/erasure.md) and lose no safety.
     *
     * @throws IndexOutOfBoundsException naming the shard that is too short
     */
    static void checkBounds(Prepared matrix, byte[][] in, int[] inOff, byte[][] out, int[] outOff, int len) {
        if (len < 0 || in.length < matrix.columns || inOff.length < matrix.columns || out.length < matrix.rows
                || outOff.length < matrix.rows) {
            throw new IndexOutOfBoundsException("kernel call for a " + matrix.rows + " x " + matrix.columns
                    + " matrix with " + in.length + " inputs, " + out.length + " outputs, length " + len);
        }
        for (int c = 0; c < matrix.columns; c++) {
            java.util.Objects.checkFromIndexSize(inOff[c], len, in[c].length);
        }
        for (int j = 0; j < matrix.rows; j++) {
            java.util.Objects.checkFromIndexSize(outOff[j], len, out[j].length);
        }
    }

    @Override
    public String toString() {
        return name();
    }

    /** Lookup tables for one coefficient matrix, in the layout of the kernel that made them. */
    abstract static class Prepared {
        final int rows;
        final int columns;

        Prepared(int rows, int columns) {
            this.rows = rows;
            this.columns = columns;
        }
    }
}

package io.icn.erasure;

import java.nio.ByteBuffer;
import java.util.Objects;

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
        checkShape(matrix, in.length, inOff.length, out.length, outOff.length, len);
        for (int c = 0; c < matrix.columns; c++) {
            Objects.checkFromIndexSize(inOff[c], len, in[c].length);
        }
        for (int j = 0; j < matrix.rows; j++) {
            Objects.checkFromIndexSize(outOff[j], len, out[j].length);
        }
    }

    /**
     * Whether {@link #multiply(Prepared, ByteBuffer[], int[], ByteBuffer[], int[], int)} reads and
     * writes this buffer where it is, without a copy. The codec passes a call's buffers to that
     * method only if it takes them all; others it stages through heap blocks (or, for buffers with an
     * accessible array, uses the array).
     */
    boolean inPlace(ByteBuffer b) {
        return false;
    }

    /** How buffers without an accessible array reach this kernel, and why: for the log line. */
    String bufferAccess() {
        return "staged through heap blocks (" + name() + " kernel)";
    }

    /**
     * {@link #multiply(Prepared, byte[][], int[], byte[][], int[], int)} on buffers, every one of
     * which this kernel takes {@link #inPlace(ByteBuffer) in place}. Offsets are absolute indices
     * into the buffers (positions and limits are not used or changed).
     *
     * @throws UnsupportedOperationException if this kernel has no in-place buffer access
     */
    void multiply(Prepared matrix, ByteBuffer[] in, int[] inOff, ByteBuffer[] out, int[] outOff, int len) {
        throw new UnsupportedOperationException("the " + name() + " kernel does not access buffers in place");
    }

    /**
     * {@link #checkBounds(Prepared, byte[][], int[], byte[][], int[], int)} for buffers, against
     * their limits; and every buffer is one this kernel takes in place, every output is writable.
     *
     * @throws IndexOutOfBoundsException naming the shard that is too short
     * @throws IllegalArgumentException naming the buffer this kernel cannot take
     */
    final void checkBounds(Prepared matrix, ByteBuffer[] in, int[] inOff, ByteBuffer[] out, int[] outOff, int len) {
        checkShape(matrix, in.length, inOff.length, out.length, outOff.length, len);
        for (int c = 0; c < matrix.columns; c++) {
            checkInPlace(in[c], "input", c);
            Objects.checkFromIndexSize(inOff[c], len, in[c].limit());
        }
        for (int j = 0; j < matrix.rows; j++) {
            checkInPlace(out[j], "output", j);
            if (out[j].isReadOnly()) {
                throw new IllegalArgumentException("output " + j + " is a read-only buffer");
            }
            Objects.checkFromIndexSize(outOff[j], len, out[j].limit());
        }
    }

    private void checkInPlace(ByteBuffer b, String what, int index) {
        if (!inPlace(b)) {
            throw new IllegalArgumentException(what + " " + index + " (" + b + ") is not a buffer the " + name()
                    + " kernel accesses in place");
        }
    }

    private static void checkShape(Prepared matrix, int inputs, int inOffsets, int outputs, int outOffsets, int len) {
        if (len < 0 || inputs < matrix.columns || inOffsets < matrix.columns || outputs < matrix.rows
                || outOffsets < matrix.rows) {
            throw new IndexOutOfBoundsException("kernel call for a " + matrix.rows + " x " + matrix.columns
                    + " matrix with " + inputs + " inputs, " + outputs + " outputs, length " + len);
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

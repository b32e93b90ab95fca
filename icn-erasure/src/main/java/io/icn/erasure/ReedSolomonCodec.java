package io.icn.erasure;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Systematic Reed-Solomon over GF(2^8) (see {@link ErasureCodec} for the format and contracts).
 * Immutable and thread-safe; per-thread scratch lives in a {@link ThreadLocal} so the in-place calls
 * allocate nothing once warm.
 */
final class ReedSolomonCodec implements ErasureCodec {
    /** Bytes of each shard staged at once when a buffer without an array is not accessed in place. */
    static final int BLOCK = 32 * 1024;
    /** Slice size for the parallel encode; small enough to balance two to a few dozen threads. */
    static final int PARALLEL_SLICE = 256 * 1024;
    private static final int MAX_SHARDS = 256;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final int k;
    private final int m;
    private final Gf256Kernel kernel;
    private final byte[][] codingMatrix;
    private final Gf256Kernel.Prepared parityMatrix;
    private final int[] dataIndices;
    private final int[] parityIndices;
    private final DecodeCache decodeCache = new DecodeCache();

    private ReedSolomonCodec(int k, int m, Gf256Kernel kernel) {
        this.k = k;
        this.m = m;
        this.kernel = kernel;
        this.codingMatrix = GfMatrix.systematicCodingMatrix(k, m);
        this.parityMatrix = kernel.prepare(GfMatrix.rows(codingMatrix, k, k + m));
        this.dataIndices = range(0, k);
        this.parityIndices = range(k, k + m);
    }

    static ReedSolomonCodec create(int dataShards, int parityShards, Gf256Kernel kernel) {
        if (dataShards < 1) {
            throw new IllegalArgumentException("dataShards must be at least 1, was " + dataShards);
        }
        if (parityShards < 1) {
            throw new IllegalArgumentException("parityShards must be at least 1, was " + parityShards);
        }
        if (dataShards + parityShards > MAX_SHARDS) {
            throw new IllegalArgumentException("dataShards + parityShards must be at most 256, was "
                    + dataShards + " + " + parityShards);
        }
        if (kernel == null) {
            throw new IllegalArgumentException("kernel must not be null");
        }
        return new ReedSolomonCodec(dataShards, parityShards, kernel);
    }

    @Override
    public int dataShards() {
        return k;
    }

    @Override
    public int parityShards() {
        return m;
    }

    @Override
    public int totalShards() {
        return k + m;
    }

    @Override
    public int shardSize(long chunkLength) {
        if (chunkLength < 0) {
            throw new IllegalArgumentException("chunkLength must not be negative, was " + chunkLength);
        }
        long size = (chunkLength + k - 1) / k;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("chunkLength " + chunkLength + " gives shards over 2 GiB");
        }
        return (int) size;
    }

    @Override
    public String kernelName() {
        return kernel.name();
    }

    @Override
    public String toString() {
        return "ReedSolomon(" + k + "+" + m + ", " + kernel.name() + ")";
    }

    // ---------------------------------------------------------------- encode

    /**
     * {@link #decode(byte[][], int)} rebuilds lost data shards straight into the returned chunk strip
     * by strip, and copies the present data shards' strips in while they are still in cache: the ten
     * input strips and the rebuilt ones (448 KiB for RS(10,4)) stay in a 1 MiB L2, so the shards are
     * read from memory once. 32 KiB decoded 5-15 % faster than 64 KiB (docs/erasure.md).
     */
    static final int STRIP = 32 * 1024;

    /**
     * The data shards come from {@link Arrays#copyOfRange}, which C2 compiles to an allocation without
     * zeroing followed by the copy (a {@code new byte[]} is zeroed first and then overwritten: the
     * 50 MB chunk of the benchmarks then costs 50 MB more memory writes); for the padded last shard it
     * zeroes only the padding. Shards wholly past the chunk's end (or whose padding would pass the
     * largest array index) and the parity shards are zeroed arrays; then the parity is computed in
     * place. Measured against computing from the chunk strip by strip into zeroed shards: 3.14 against
     * 2.70 GB/s (JDK 17), 3.78 against 2.72 (JDK 25 with a fixed heap), docs/erasure.md, which also
     * says why this call stays near half the in-place one: the copy and the zeroing of 70 MB of new
     * arrays alone take about as long as the in-place encode.
     */
    @Override
    public byte[][] encode(byte[] chunk) {
        requireNonNull(chunk, "chunk");
        int size = shardSize(chunk.length);
        if (size == 0) {
            return new byte[k + m][0];
        }
        byte[][] shards = new byte[k + m][];
        for (int s = 0; s < k; s++) {
            long from = (long) s * size;
            int inside = (int) Math.max(0, Math.min(size, chunk.length - from));
            if (inside == size || (inside > 0 && from + size <= Integer.MAX_VALUE)) {
                shards[s] = Arrays.copyOfRange(chunk, (int) from, (int) (from + size));
            } else {
                shards[s] = new byte[size];
                System.arraycopy(chunk, (int) Math.min(from, chunk.length), shards[s], 0, inside);
            }
        }
        for (int j = k; j < k + m; j++) {
            shards[j] = new byte[size];
        }
        multiplyArrays(parityMatrix, shards, dataIndices, shards, parityIndices, 0, size);
        return shards;
    }

    @Override
    public void encodeParity(byte[][] shards) {
        int size = checkArrays(shards, null);
        multiplyArrays(parityMatrix, shards, dataIndices, shards, parityIndices, 0, size);
    }

    @Override
    public void encodeParity(ByteBuffer[] shards) {
        int size = checkBuffers(shards, null, true);
        multiplyBuffers(parityMatrix, shards, dataIndices, shards, parityIndices, 0, size);
    }

    @Override
    public void encodeParity(ByteBuffer[] shards, Executor executor) {
        requireNonNull(executor, "executor");
        int size = checkBuffers(shards, null, true);
        int slices = (size + PARALLEL_SLICE - 1) / PARALLEL_SLICE;
        if (slices <= 1) {
            multiplyBuffers(parityMatrix, shards, dataIndices, shards, parityIndices, 0, size);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(slices);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            int slice;
            while ((slice = next.getAndIncrement()) < slices) {
                try {
                    int from = slice * PARALLEL_SLICE;
                    int to = Math.min(size, from + PARALLEL_SLICE);
                    multiplyBuffers(parityMatrix, shards, dataIndices, shards, parityIndices, from, to);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        };
        int helpers = Math.min(slices, Runtime.getRuntime().availableProcessors()) - 1;
        for (int h = 0; h < helpers; h++) {
            try {
                executor.execute(worker);
            } catch (RejectedExecutionException rejected) {
                break; // the calling thread does the rest
            }
        }
        worker.run();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErasureException("interrupted while waiting for parallel encode slices", e);
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new ErasureException("parallel encode slice failed: " + t, t);
        }
    }

    // ---------------------------------------------------------------- decode / reconstruct

    @Override
    public byte[] decode(byte[][] shards, int originalLength) {
        requireShardCount(shards == null ? -1 : shards.length);
        boolean[] present = new boolean[k + m];
        for (int i = 0; i < shards.length; i++) {
            present[i] = shards[i] != null;
        }
        int size = checkArrays(shards, present);
        if (originalLength < 0 || (long) originalLength > (long) size * k) {
            throw new IllegalArgumentException("originalLength " + originalLength
                    + " does not fit " + k + " data shards of " + size + " bytes");
        }
        DecodePlan plan = planFor(present, true);
        byte[] chunk = new byte[originalLength];
        // Missing data shards that lie wholly inside the chunk are rebuilt straight into it; the others
        // (the padded last one) into a shard-sized array, copied in at the end.
        int outputs = plan.outputs.length;
        byte[][] out = new byte[outputs][];
        int[] outBase = new int[outputs];
        for (int j = 0; j < outputs; j++) {
            int from = plan.outputs[j] * size;
            boolean inside = (long) from + size <= originalLength;
            out[j] = inside ? chunk : new byte[size];
            outBase[j] = inside ? from : 0;
        }
        byte[][] in = new byte[k][];
        for (int c = 0; c < k; c++) {
            in[c] = shards[plan.inputs[c]];
        }
        int[] inOff = new int[k];
        int[] outOff = new int[outputs];
        for (int pos = 0; pos < size; pos += STRIP) {
            int len = Math.min(STRIP, size - pos);
            if (outputs > 0) {
                Arrays.fill(inOff, pos);
                for (int j = 0; j < outputs; j++) {
                    outOff[j] = outBase[j] + pos;
                }
                kernel.multiply(plan.matrix, in, inOff, out, outOff, len);
            }
            for (int s = 0; s < k; s++) {
                if (shards[s] != null) {
                    copyIntoChunk(shards[s], pos, len, chunk, s * size + pos);
                }
            }
        }
        for (int j = 0; j < outputs; j++) {
            if (out[j] != chunk) {
                copyIntoChunk(out[j], 0, size, chunk, plan.outputs[j] * size);
            }
        }
        return chunk;
    }

    /** Bytes [from, from + len) of a shard to the chunk at {@code at}, cut at the chunk's end. */
    private static void copyIntoChunk(byte[] shard, int from, int len, byte[] chunk, long at) {
        long n = Math.min(len, chunk.length - at);
        if (n > 0) {
            System.arraycopy(shard, from, chunk, (int) at, (int) n);
        }
    }

    @Override
    public void reconstruct(ByteBuffer[] shards, boolean[] present) {
        checkPresent(present);
        int size = checkBuffers(shards, present, false);
        DecodePlan plan = planFor(present, false);
        if (plan.outputs.length > 0) {
            multiplyBuffers(plan.matrix, shards, plan.inputs, shards, plan.outputs, 0, size);
        }
    }

    @Override
    public void reconstruct(byte[][] shards, boolean[] present) {
        checkPresent(present);
        requireShardCount(shards == null ? -1 : shards.length);
        for (int i = 0; i < shards.length; i++) {
            if (shards[i] == null) {
                throw new IllegalArgumentException("shards[" + i + "] is null; reconstruct needs a buffer"
                        + " for every shard, present or not");
            }
        }
        int size = checkArrays(shards, null);
        DecodePlan plan = planFor(present, false);
        if (plan.outputs.length > 0) {
            multiplyArrays(plan.matrix, shards, plan.inputs, shards, plan.outputs, 0, size);
        }
    }

    // ---------------------------------------------------------------- verify

    @Override
    public boolean verify(byte[][] shards) {
        int size = checkArrays(shards, null);
        Scratch s = SCRATCH.get();
        byte[][] expected = s.verifyStage(m);
        for (int from = 0; from < size; from += BLOCK) {
            int len = Math.min(BLOCK, size - from);
            for (int c = 0; c < k; c++) {
                s.in[c] = shards[c];
                s.inOff[c] = from;
            }
            for (int j = 0; j < m; j++) {
                s.out[j] = expected[j];
                s.outOff[j] = 0;
            }
            kernel.multiply(parityMatrix, s.in, s.inOff, s.out, s.outOff, len);
            for (int j = 0; j < m; j++) {
                if (Arrays.mismatch(expected[j], 0, len, shards[k + j], from, from + len) >= 0) {
                    s.release();
                    return false;
                }
            }
        }
        s.release();
        return true;
    }

    @Override
    public boolean verify(ByteBuffer[] shards) {
        int size = checkBuffers(shards, null, false);
        Scratch s = SCRATCH.get();
        byte[][] expected = s.verifyStage(m);
        for (int from = 0; from < size; from += BLOCK) {
            int len = Math.min(BLOCK, size - from);
            for (int c = 0; c < k; c++) {
                s.bindInput(c, shards[c], from, len);
            }
            for (int j = 0; j < m; j++) {
                s.out[j] = expected[j];
                s.outOff[j] = 0;
            }
            kernel.multiply(parityMatrix, s.in, s.inOff, s.out, s.outOff, len);
            for (int j = 0; j < m; j++) {
                ByteBuffer p = shards[k + j];
                int base = p.position() + from;
                if (ByteBuffer.wrap(expected[j], 0, len).mismatch(p.slice(base, len)) >= 0) {
                    s.release();
                    return false;
                }
            }
        }
        s.release();
        return true;
    }

    // ---------------------------------------------------------------- the two data paths

    private void multiplyArrays(Gf256Kernel.Prepared matrix, byte[][] src, int[] inputs,
                                byte[][] dst, int[] outputs, int from, int to) {
        Scratch s = SCRATCH.get();
        for (int c = 0; c < inputs.length; c++) {
            s.in[c] = src[inputs[c]];
            s.inOff[c] = from;
        }
        for (int j = 0; j < outputs.length; j++) {
            s.out[j] = dst[outputs[j]];
            s.outOff[j] = from;
        }
        kernel.multiply(matrix, s.in, s.inOff, s.out, s.outOff, to - from);
        s.release();
    }

    /**
     * Bytes [from, to) of each shard, relative to each buffer's position. Buffers with an accessible
     * array are used through it; when the kernel accesses all the others in place (direct buffers
     * with a SIMD kernel, see {@link Gf256Kernel#inPlace}), the whole call goes to its buffer path;
     * otherwise the shards without an array pass through per-thread staging blocks.
     */
    private void multiplyBuffers(Gf256Kernel.Prepared matrix, ByteBuffer[] src, int[] inputs,
                                 ByteBuffer[] dst, int[] outputs, int from, int to) {
        boolean allHeap = true;
        boolean allInPlace = true;
        for (int c : inputs) {
            allHeap &= src[c].hasArray();
            allInPlace &= kernel.inPlace(src[c]);
        }
        for (int j : outputs) {
            allHeap &= dst[j].hasArray();
            allInPlace &= kernel.inPlace(dst[j]);
        }
        if (!allHeap && allInPlace) {
            multiplyInPlace(matrix, src, inputs, dst, outputs, from, to);
        } else {
            multiplyStaged(matrix, src, inputs, dst, outputs, from, to, allHeap ? Math.max(1, to - from) : BLOCK);
        }
    }

    private void multiplyInPlace(Gf256Kernel.Prepared matrix, ByteBuffer[] src, int[] inputs,
                                 ByteBuffer[] dst, int[] outputs, int from, int to) {
        Scratch s = SCRATCH.get();
        for (int c = 0; c < inputs.length; c++) {
            ByteBuffer b = src[inputs[c]];
            s.inBuffers[c] = b;
            s.inOff[c] = b.position() + from;
        }
        for (int j = 0; j < outputs.length; j++) {
            ByteBuffer b = dst[outputs[j]];
            s.outBuffers[j] = b;
            s.outOff[j] = b.position() + from;
        }
        kernel.multiply(matrix, s.inBuffers, s.inOff, s.outBuffers, s.outOff, to - from);
        s.release();
    }

    private void multiplyStaged(Gf256Kernel.Prepared matrix, ByteBuffer[] src, int[] inputs,
                                ByteBuffer[] dst, int[] outputs, int from, int to, int block) {
        Scratch s = SCRATCH.get();
        for (int pos = from; pos < to; pos += block) {
            int len = Math.min(block, to - pos);
            for (int c = 0; c < inputs.length; c++) {
                s.bindInput(c, src[inputs[c]], pos, len);
            }
            for (int j = 0; j < outputs.length; j++) {
                s.bindOutput(j, dst[outputs[j]], pos);
            }
            kernel.multiply(matrix, s.in, s.inOff, s.out, s.outOff, len);
            for (int j = 0; j < outputs.length; j++) {
                ByteBuffer b = dst[outputs[j]];
                if (!b.hasArray()) {
                    b.put(b.position() + pos, s.out[j], 0, len);
                }
            }
        }
        s.release();
    }

    // ---------------------------------------------------------------- decode plans

    /**
     * The matrix that maps the first k present shards to the missing ones (all of them, or only the
     * data shards when {@code dataOnly}). Cached per erasure pattern.
     */
    private DecodePlan planFor(boolean[] present, boolean dataOnly) {
        long[] key = SCRATCH.get().key;
        Arrays.fill(key, 0);
        int count = 0;
        for (int i = 0; i < k + m; i++) {
            if (present[i]) {
                key[i >>> 6] |= 1L << (i & 63);
                count++;
            }
        }
        if (count < k) {
            throw new InsufficientShardsException(count, k);
        }
        key[4] = dataOnly ? 1 : 0;
        DecodePlan cached = decodeCache.get(key);
        if (cached != null) {
            return cached;
        }
        DecodePlan plan = buildPlan(present, dataOnly, key.clone());
        decodeCache.put(plan);
        return plan;
    }

    private DecodePlan buildPlan(boolean[] present, boolean dataOnly, long[] key) {
        int[] inputs = new int[k];
        int missing = 0;
        for (int i = 0, n = 0; i < k + m; i++) {
            if (present[i]) {
                if (n < k) {
                    inputs[n++] = i;
                }
            } else if (!dataOnly || i < k) {
                missing++;
            }
        }
        int[] outputs = new int[missing];
        for (int i = 0, n = 0; i < k + m; i++) {
            if (!present[i] && (!dataOnly || i < k)) {
                outputs[n++] = i;
            }
        }
        if (missing == 0) {
            return new DecodePlan(key, inputs, outputs, null);
        }
        byte[][] sub = new byte[k][];
        for (int r = 0; r < k; r++) {
            sub[r] = codingMatrix[inputs[r]];
        }
        byte[][] inverse = GfMatrix.invert(sub);
        byte[][] wanted = new byte[missing][];
        for (int j = 0; j < missing; j++) {
            wanted[j] = codingMatrix[outputs[j]];
        }
        return new DecodePlan(key, inputs, outputs, kernel.prepare(GfMatrix.multiply(wanted, inverse)));
    }

    private static final class DecodePlan {
        final long[] key;
        final int[] inputs;
        final int[] outputs;
        final Gf256Kernel.Prepared matrix;

        DecodePlan(long[] key, int[] inputs, int[] outputs, Gf256Kernel.Prepared matrix) {
            this.key = key;
            this.inputs = inputs;
            this.outputs = outputs;
            this.matrix = matrix;
        }
    }

    /** A small lock-free cache of decode plans keyed by the presence bitmap; lookups allocate nothing. */
    private static final class DecodeCache {
        private static final int SLOTS = 256;
        private final AtomicReferenceArray<DecodePlan> slots = new AtomicReferenceArray<>(SLOTS);

        DecodePlan get(long[] key) {
            DecodePlan p = slots.get(slot(key));
            return p != null && Arrays.equals(p.key, key) ? p : null;
        }

        void put(DecodePlan plan) {
            slots.set(slot(plan.key), plan);
        }

        private static int slot(long[] key) {
            long h = 0;
            for (long w : key) {
                h = (h ^ w) * 0x9E3779B97F4A7C15L;
            }
            return (int) (h >>> 56) & (SLOTS - 1);
        }
    }

    // ---------------------------------------------------------------- argument checks

    private void requireShardCount(int length) {
        if (length != k + m) {
            throw new IllegalArgumentException("expected " + (k + m) + " shards (" + k + " data + " + m
                    + " parity), got " + (length < 0 ? "null" : String.valueOf(length)));
        }
    }

    private void checkPresent(boolean[] present) {
        requireNonNull(present, "present");
        if (present.length != k + m) {
            throw new IllegalArgumentException("present has " + present.length + " flags, expected " + (k + m));
        }
    }

    /** Equal lengths of the non-null entries (all entries when {@code present} is null); returns the size. */
    private int checkArrays(byte[][] shards, boolean[] present) {
        requireShardCount(shards == null ? -1 : shards.length);
        int size = -1;
        for (int i = 0; i < shards.length; i++) {
            if (shards[i] == null) {
                if (present == null) {
                    throw new IllegalArgumentException("shards[" + i + "] is null");
                }
                continue;
            }
            if (size < 0) {
                size = shards[i].length;
            } else if (shards[i].length != size) {
                throw new ShardSizeMismatchException(i, shards[i].length, size);
            }
        }
        return Math.max(size, 0);
    }

    private int checkBuffers(ByteBuffer[] shards, boolean[] present, boolean parityWritten) {
        requireShardCount(shards == null ? -1 : shards.length);
        int size = -1;
        for (int i = 0; i < shards.length; i++) {
            ByteBuffer b = shards[i];
            if (b == null) {
                throw new IllegalArgumentException("shards[" + i + "] is null");
            }
            boolean written = present != null ? !present[i] : parityWritten && i >= k;
            if (written && b.isReadOnly()) {
                throw new IllegalArgumentException("shards[" + i + "] is read-only but would be written");
            }
            if (size < 0) {
                size = b.remaining();
            } else if (b.remaining() != size) {
                throw new ShardSizeMismatchException(i, b.remaining(), size);
            }
        }
        return size;
    }

    private static void requireNonNull(Object o, String name) {
        if (o == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = from; i < to; i++) {
            r[i - from] = i;
        }
        return r;
    }

    /** Per-thread arrays handed to kernels, so that no call allocates. */
    private static final class Scratch {
        final byte[][] in = new byte[MAX_SHARDS][];
        final int[] inOff = new int[MAX_SHARDS];
        final byte[][] out = new byte[MAX_SHARDS][];
        final int[] outOff = new int[MAX_SHARDS];
        final ByteBuffer[] inBuffers = new ByteBuffer[MAX_SHARDS];
        final ByteBuffer[] outBuffers = new ByteBuffer[MAX_SHARDS];
        final byte[][] inStage = new byte[MAX_SHARDS][];
        final byte[][] outStage = new byte[MAX_SHARDS][];
        final long[] key = new long[5];
        byte[][] verify = new byte[0][];

        void bindInput(int c, ByteBuffer b, int pos, int len) {
            int at = b.position() + pos;
            if (b.hasArray()) {
                in[c] = b.array();
                inOff[c] = b.arrayOffset() + at;
            } else {
                byte[] stage = inStage[c];
                if (stage == null) {
                    stage = inStage[c] = new byte[BLOCK];
                }
                b.get(at, stage, 0, len);
                in[c] = stage;
                inOff[c] = 0;
            }
        }

        void bindOutput(int j, ByteBuffer b, int pos) {
            if (b.hasArray()) {
                out[j] = b.array();
                outOff[j] = b.arrayOffset() + b.position() + pos;
            } else {
                byte[] stage = outStage[j];
                if (stage == null) {
                    stage = outStage[j] = new byte[BLOCK];
                }
                out[j] = stage;
                outOff[j] = 0;
            }
        }

        byte[][] verifyStage(int parity) {
            if (verify.length < parity) {
                verify = new byte[parity][BLOCK];
            }
            return verify;
        }

        /** Drops references to caller arrays so scratch never keeps a caller's shard alive. */
        void release() {
            Arrays.fill(in, null);
            Arrays.fill(out, null);
            Arrays.fill(inBuffers, null);
            Arrays.fill(outBuffers, null);
        }
    }
}

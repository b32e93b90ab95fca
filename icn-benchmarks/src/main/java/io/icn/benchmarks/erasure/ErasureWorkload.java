package io.icn.benchmarks.erasure;

import io.icn.erasure.Gf256Kernel;
import io.icn.erasure.Kernels;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * The one workload of the erasure benchmarks: RS(10,4) over a 50 MB chunk, ten data shards of
 * 5,000,000 bytes (decimal, so that 10^9 bytes/s reads directly as GB/s) plus four parity shards.
 *
 * <p>Every benchmark in this package does one chunk per operation and counts {@link #DATA_BYTES}
 * per operation, whatever it does: encode reads the ten data shards, a reconstruct reads ten
 * surviving shards, the memory copy copies ten shards. So {@code GB/s = ops/s * DATA_BYTES / 1e9}
 * for every row, and rows divide into meaningful ratios.
 *
 * <p>Not thread-safe; each benchmark state builds its own shards in its {@code @Setup}.
 */
final class ErasureWorkload {
    static final int DATA_SHARDS = 10;
    static final int PARITY_SHARDS = 4;
    static final int TOTAL_SHARDS = DATA_SHARDS + PARITY_SHARDS;
    /** 5,000,000 bytes per shard: a 50 MB (10^6) chunk, a multiple of every vector width. */
    static final int SHARD_SIZE = 5_000_000;
    /** Data bytes one operation processes: the throughput numerator. */
    static final long DATA_BYTES = (long) DATA_SHARDS * SHARD_SIZE;
    /** The same seed on every run and JDK, so every coder sees the same bytes. */
    static final long SEED = 0x1CE5EEDL;

    private ErasureWorkload() {
    }

    /**
     * The kernel named by a {@code kernel} parameter: {@code scalar} or {@code vector-128|256|512}.
     * Fails the trial (JMH reports it and goes on) rather than measuring a substitute.
     */
    static Gf256Kernel kernel(String name) {
        if (name.equals("scalar")) {
            return Kernels.scalar();
        }
        if (name.startsWith("vector-")) {
            int bits = Integer.parseInt(name.substring("vector-".length()));
            return Kernels.vector(bits).orElseThrow(() -> new IllegalStateException("kernel " + name
                    + " is not available on this JVM/CPU; available: " + Kernels.available()
                    + (Kernels.vectorAvailable() ? "" : " (fork lacks --add-modules jdk.incubator.vector)")));
        }
        throw new IllegalArgumentException("unknown kernel parameter " + name
                + " (expected scalar, vector-128, vector-256 or vector-512)");
    }

    /** {@code count} shards of {@link #SHARD_SIZE} bytes, heap or direct, the first {@code filled} random. */
    static ByteBuffer[] shards(String bufferKind, int count, int filled) {
        return shards(bufferKind, count, filled, SHARD_SIZE);
    }

    /** As {@link #shards(String, int, int)} with shards of {@code size} bytes. */
    static ByteBuffer[] shards(String bufferKind, int count, int filled, int size) {
        Random random = new Random(SEED);
        byte[] bytes = new byte[size];
        ByteBuffer[] shards = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            shards[i] = allocate(bufferKind, size);
            if (i < filled) {
                random.nextBytes(bytes);
                shards[i].put(0, bytes);
            }
        }
        return shards;
    }

    private static ByteBuffer allocate(String bufferKind, int size) {
        switch (bufferKind) {
            case "heap":
                return ByteBuffer.allocate(size);
            case "direct":
                return ByteBuffer.allocateDirect(size);
            default:
                throw new IllegalArgumentException("unknown buffer parameter " + bufferKind
                        + " (expected heap or direct)");
        }
    }

    /**
     * The shard indices of a {@code missing} parameter such as {@code d0+d1+p0+p1}: {@code dN} is
     * data shard N, {@code pN} parity shard N (index {@code 10 + N}).
     */
    static int[] missing(String pattern) {
        String[] parts = pattern.split("\\+");
        int[] indices = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            int n = Integer.parseInt(p.substring(1));
            if (p.charAt(0) == 'd' && n < DATA_SHARDS) {
                indices[i] = n;
            } else if (p.charAt(0) == 'p' && n < PARITY_SHARDS) {
                indices[i] = DATA_SHARDS + n;
            } else {
                throw new IllegalArgumentException("bad shard " + p + " in missing pattern " + pattern);
            }
        }
        return indices;
    }

    /** Copies of every shard's bytes, to check a coder's output against. */
    static byte[][] snapshot(ByteBuffer[] shards) {
        byte[][] copy = new byte[shards.length][SHARD_SIZE];
        for (int i = 0; i < shards.length; i++) {
            shards[i].get(0, copy[i]);
        }
        return copy;
    }

    /** Zeroes one shard's bytes, as a lost shard would be before a rebuild. */
    static void wipe(ByteBuffer shard) {
        shard.put(0, new byte[SHARD_SIZE]);
    }

    /** Throws unless shard {@code i} holds exactly {@code expected[i]}. */
    static void requireEqual(String what, ByteBuffer[] shards, byte[][] expected, int... indices) {
        for (int i : indices) {
            if (shards[i].mismatch(ByteBuffer.wrap(expected[i])) >= 0) {
                throw new IllegalStateException(what + " produced wrong bytes in shard " + i);
            }
        }
    }
}

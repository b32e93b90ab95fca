package io.icn.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link ErasureCodec} contract, on every kernel: seeded random shapes and lengths (the seed is
 * printed; rerun a failure with {@code -Dicn.test.seed=N}), every erasure pattern of up to m
 * missing shards for small codes, heap, direct, read-only and {@code byte[]} shards giving identical
 * bytes, inputs never modified, and errors that name the bad value.
 */
class ErasureCodecContractTest {

    static Stream<Gf256Kernel> kernels() {
        return Kernels.available().stream();
    }

    static long seed(String what) {
        long seed = Long.getLong("icn.test.seed", new SplittableRandom().nextLong());
        System.out.println("seed " + seed + " for " + what + " (rerun with -Dicn.test.seed=" + seed + ")");
        return seed;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void encodeThenDecodeRoundTripsAnyLength(Gf256Kernel kernel) {
        long seed = seed("round trip on " + kernel.name());
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 40; round++) {
            int k = 1 + random.nextInt(round % 5 == 0 ? 40 : 12);
            int m = 1 + random.nextInt(round % 7 == 0 ? 20 : 6);
            int len = switch (round % 4) {
                case 0 -> random.nextInt(3);
                case 1 -> random.nextInt(k * 3 + 1);
                case 3 -> random.nextInt(round % 8 == 3 ? 1_500_000 : 20_000); // shards over one 32 KiB decode strip
                default -> random.nextInt(20_000);
            };
            ErasureCodec codec = ErasureCodec.reedSolomon(k, m, kernel);
            byte[] chunk = bytes(random, len);
            byte[] original = chunk.clone();
            byte[][] shards = codec.encode(chunk);

            assertThat(chunk).as("input untouched").isEqualTo(original);
            assertThat(shards).hasNumberOfRows(k + m);
            for (byte[] s : shards) {
                assertThat(s).hasSize(codec.shardSize(len));
            }
            assertThat(codec.verify(shards)).as("seed %d round %d", seed, round).isTrue();

            byte[][] damaged = shards.clone();
            for (int i : randomSubset(random, k + m, random.nextInt(m + 1))) {
                damaged[i] = null;
            }
            byte[][] damagedCopy = damaged.clone();
            assertThat(codec.decode(damaged, len)).as("seed %d round %d", seed, round).isEqualTo(original);
            assertThat(damaged).as("decode leaves its argument alone").isEqualTo(damagedCopy);
        }
    }

    /**
     * encode(byte[]) gives the chunk's bytes split into k shards (the last zero-padded, shards wholly
     * past the end all zeros) and the parity of encodeParity on that split, for lengths that divide
     * evenly, leave a partial last shard, or leave whole shards empty.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void encodeOfChunkIsSplitThenEncodeParity(Gf256Kernel kernel) {
        long seed = seed("encode(byte[]) against split + encodeParity on " + kernel.name());
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 30; round++) {
            int k = 1 + random.nextInt(14);
            int m = 1 + random.nextInt(6);
            int shard = 1 + random.nextInt(round % 3 == 0 ? 70_000 : 300);
            int len = switch (round % 3) {
                case 0 -> k * shard;                                  // even split
                case 1 -> k * shard - 1 - random.nextInt(shard);      // partial last shard
                default -> Math.max(0, (k - 1 - random.nextInt(k)) * shard - random.nextInt(shard)); // empty tail shards
            };
            ErasureCodec codec = ErasureCodec.reedSolomon(k, m, kernel);
            byte[] chunk = bytes(random, len);
            int size = codec.shardSize(len);
            byte[][] expected = new byte[k + m][size];
            for (int s = 0; s < k; s++) {
                int from = s * size;
                if (from < len) {
                    System.arraycopy(chunk, from, expected[s], 0, Math.min(size, len - from));
                }
            }
            if (size > 0) {
                codec.encodeParity(expected);
            }
            assertThat(codec.encode(chunk)).as("RS(%d,%d) len %d seed %d round %d", k, m, len, seed, round)
                    .isDeepEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void everyErasurePatternReconstructsBitForBit(Gf256Kernel kernel) {
        long seed = seed("all patterns on " + kernel.name());
        SplittableRandom random = new SplittableRandom(seed);
        for (int[] km : new int[][] {{10, 4}, {4, 2}, {6, 3}, {1, 3}, {3, 1}}) {
            int k = km[0];
            int m = km[1];
            int n = k + m;
            ErasureCodec codec = ErasureCodec.reedSolomon(k, m, kernel);
            byte[][] shards = codec.encode(bytes(random, 1 + random.nextInt(3000)));
            for (int mask = 0; mask < 1 << n; mask++) {
                int missing = Integer.bitCount(mask);
                if (missing == 0 || missing > m) {
                    continue;
                }
                boolean[] present = new boolean[n];
                byte[][] work = new byte[n][];
                for (int i = 0; i < n; i++) {
                    present[i] = (mask & 1 << i) == 0;
                    work[i] = present[i] ? shards[i].clone() : bytes(random, shards[i].length);
                }
                codec.reconstruct(work, present);
                for (int i = 0; i < n; i++) {
                    assertThat(work[i]).as("RS(%d,%d) missing mask %s shard %d, seed %d", k, m,
                            Integer.toBinaryString(mask), i, seed).isEqualTo(shards[i]);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void heapDirectReadOnlyAndArraysGiveIdenticalBytes(Gf256Kernel kernel) {
        long seed = seed("buffer kinds on " + kernel.name());
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 12; round++) {
            int k = 1 + random.nextInt(12);
            int m = 1 + random.nextInt(6);
            int size = round == 0 ? 0 : random.nextInt(round % 3 == 0 ? 100_000 : 2000);
            ErasureCodec codec = ErasureCodec.reedSolomon(k, m, kernel);
            byte[][] arrays = new byte[k + m][];
            for (int i = 0; i < k + m; i++) {
                arrays[i] = bytes(random, size);
            }
            codec.encodeParity(arrays);

            for (int kind = 0; kind < 6; kind++) {
                ByteBuffer[] buffers = new ByteBuffer[k + m];
                for (int i = 0; i < k + m; i++) {
                    buffers[i] = buffer(random, kind, i < k ? arrays[i] : new byte[size], i < k);
                }
                int[] positions = Arrays.stream(buffers).mapToInt(ByteBuffer::position).toArray();
                codec.encodeParity(buffers);
                for (int i = 0; i < k + m; i++) {
                    assertThat(buffers[i].position()).isEqualTo(positions[i]);
                    assertThat(contents(buffers[i])).as("kind %d shard %d seed %d", kind, i, seed).isEqualTo(arrays[i]);
                }
                assertThat(codec.verify(buffers)).isTrue();

                boolean[] present = new boolean[k + m];
                Arrays.fill(present, true);
                for (int i : randomSubset(random, k + m, 1 + random.nextInt(m))) {
                    present[i] = false;
                    buffers[i] = buffer(random, kind, bytes(random, size), false);
                }
                codec.reconstruct(buffers, present);
                for (int i = 0; i < k + m; i++) {
                    assertThat(contents(buffers[i])).as("reconstructed kind %d shard %d seed %d", kind, i, seed)
                            .isEqualTo(arrays[i]);
                }
            }
        }
    }

    @Test
    void parallelEncodeMatchesSingleThreaded() throws Exception {
        long seed = seed("parallel encode");
        SplittableRandom random = new SplittableRandom(seed);
        ErasureCodec codec = ErasureCodec.reedSolomon(10, 4);
        int size = 3 * ReedSolomonCodec.PARALLEL_SLICE + 12_345;
        byte[][] arrays = new byte[14][];
        for (int i = 0; i < 14; i++) {
            arrays[i] = bytes(random, size);
        }
        codec.encodeParity(arrays);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int kind = 0; kind < 2; kind++) {
                ByteBuffer[] buffers = new ByteBuffer[14];
                for (int i = 0; i < 14; i++) {
                    buffers[i] = buffer(random, kind, i < 10 ? arrays[i] : new byte[size], false);
                }
                codec.encodeParity(buffers, pool);
                for (int i = 10; i < 14; i++) {
                    assertThat(contents(buffers[i])).isEqualTo(arrays[i]);
                }
            }
            ByteBuffer[] rejectedToo = new ByteBuffer[14];
            for (int i = 0; i < 14; i++) {
                rejectedToo[i] = ByteBuffer.wrap(i < 10 ? arrays[i] : new byte[size]);
            }
            codec.encodeParity(rejectedToo, task -> {
                throw new RejectedExecutionException("saturated");
            });
            for (int i = 10; i < 14; i++) {
                assertThat(rejectedToo[i].array()).as("caller does the work when the executor refuses")
                        .isEqualTo(arrays[i]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void verifyDetectsAnyCorruptByte() {
        SplittableRandom random = new SplittableRandom(seed("verify"));
        ErasureCodec codec = ErasureCodec.reedSolomon(10, 4);
        byte[][] shards = codec.encode(bytes(random, 100_000));
        for (int t = 0; t < 50; t++) {
            int s = random.nextInt(14);
            int i = random.nextInt(shards[s].length);
            shards[s][i] ^= (byte) (1 + random.nextInt(255));
            assertThat(codec.verify(shards)).isFalse();
            ByteBuffer[] direct = new ByteBuffer[14];
            for (int j = 0; j < 14; j++) {
                direct[j] = ByteBuffer.allocateDirect(shards[j].length).put(shards[j]).flip();
            }
            assertThat(codec.verify(direct)).isFalse();
            shards = codec.encode(codec.decode(nullOut(shards, s), 100_000));
        }
    }

    @Test
    void badArgumentsGetSpecificErrors() {
        ErasureCodec codec = ErasureCodec.reedSolomon(10, 4);
        assertThatThrownBy(() -> ErasureCodec.reedSolomon(0, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataShards").hasMessageContaining("0");
        assertThatThrownBy(() -> ErasureCodec.reedSolomon(10, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parityShards");
        assertThatThrownBy(() -> ErasureCodec.reedSolomon(200, 57)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256");
        assertThat(ErasureCodec.reedSolomon(200, 56).totalShards()).isEqualTo(256);

        byte[][] shards = codec.encode(new byte[1000]);
        assertThatThrownBy(() -> codec.encodeParity(Arrays.copyOf(shards, 13)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 14 shards");
        byte[][] uneven = shards.clone();
        uneven[3] = new byte[99];
        assertThatThrownBy(() -> codec.encodeParity(uneven)).isInstanceOf(ShardSizeMismatchException.class)
                .hasMessageContaining("shard 3 has 99 bytes, expected 100");

        byte[][] tooFew = shards.clone();
        for (int i = 0; i < 5; i++) {
            tooFew[i] = null;
        }
        assertThatThrownBy(() -> codec.decode(tooFew, 1000)).isInstanceOf(InsufficientShardsException.class)
                .hasMessageContaining("only 9 shards present, at least 10 required");
        boolean[] present = new boolean[14];
        Arrays.fill(present, 0, 9, true);
        assertThatThrownBy(() -> codec.reconstruct(shards, present)).isInstanceOf(InsufficientShardsException.class);
        assertThatThrownBy(() -> codec.decode(shards, 1001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("originalLength 1001");
        assertThatThrownBy(() -> codec.decode(shards, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.shardSize(-5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-5");

        ByteBuffer[] buffers = new ByteBuffer[14];
        for (int i = 0; i < 14; i++) {
            buffers[i] = ByteBuffer.wrap(shards[i].clone());
        }
        buffers[11] = buffers[11].asReadOnlyBuffer();
        assertThatThrownBy(() -> codec.encodeParity(buffers)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shards[11] is read-only");
        assertThat(codec.encode(new byte[0])).isDeepEqualTo(new byte[14][0]);
        assertThat(codec.decode(codec.encode(new byte[0]), 0)).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private static byte[][] nullOut(byte[][] shards, int index) {
        byte[][] copy = shards.clone();
        copy[index] = null;
        return copy;
    }

    /**
     * kind 0: heap at an offset; 1: direct; 2: read-only heap (inputs only); 3: slice of a larger
     * heap array; 4: read-only direct (inputs only); 5: any of these, shard by shard.
     */
    private static ByteBuffer buffer(SplittableRandom random, int kind, byte[] content, boolean readOnlyAllowed) {
        int pad = random.nextInt(17);
        switch (kind) {
            case 5:
                return buffer(random, random.nextInt(5), content, readOnlyAllowed);
            case 4: {
                ByteBuffer b = buffer(random, 1, content, readOnlyAllowed);
                return readOnlyAllowed ? b.asReadOnlyBuffer() : b;
            }
            case 0: {
                byte[] backing = new byte[pad + content.length + pad];
                System.arraycopy(content, 0, backing, pad, content.length);
                return ByteBuffer.wrap(backing, pad, content.length);
            }
            case 1: {
                ByteBuffer b = ByteBuffer.allocateDirect(pad + content.length + 3);
                b.position(pad);
                b.put(content);
                b.position(pad);
                b.limit(pad + content.length);
                return b;
            }
            case 2: {
                ByteBuffer b = ByteBuffer.wrap(content.clone());
                return readOnlyAllowed ? b.asReadOnlyBuffer() : b;
            }
            default: {
                byte[] backing = new byte[pad + content.length + 5];
                System.arraycopy(content, 0, backing, pad, content.length);
                return ByteBuffer.wrap(backing).position(pad).slice().limit(content.length);
            }
        }
    }

    private static byte[] contents(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(b.position(), out);
        return out;
    }

    static byte[] bytes(SplittableRandom random, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    private static int[] randomSubset(SplittableRandom random, int n, int count) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, count);
    }
}

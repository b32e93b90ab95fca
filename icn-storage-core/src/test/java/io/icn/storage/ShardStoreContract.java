package io.icn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.erasure.ErasureCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@link ShardStore} contract, run against every implementation. */
@Timeout(60)
abstract class ShardStoreContract {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);

    private final List<ShardStore> opened = new ArrayList<>();
    final Random rnd = new Random(42);

    /** A fresh empty store with this capacity and {@link #CLOCK}. */
    abstract ShardStore create(long capacityBytes);

    /** Flips a bit of a stored shard behind the store's back. */
    abstract void corrupt(ShardStore store, Cid cid, int index, long offset);

    ShardStore store(long capacity) {
        ShardStore s = create(capacity);
        opened.add(s);
        return s;
    }

    ShardStore store() {
        return store(Long.MAX_VALUE);
    }

    @AfterEach
    void closeAll() {
        for (ShardStore s : opened) {
            s.close();
        }
    }

    record Chunk(Cid cid, byte[][] shards, ChunkSpec spec) {
    }

    Chunk chunk(int length, int k, int m, long expiry) {
        byte[] data = new byte[length];
        rnd.nextBytes(data);
        ChunkSpec spec = new ChunkSpec(length, k, m, "deal-" + rnd.nextInt(1000), expiry);
        return new Chunk(Cid.ofRaw(data), ErasureCodec.reedSolomon(k, m).encode(data), spec);
    }

    static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    @Test
    void putThenReadEveryShardAndMeta() throws Exception {
        ShardStore s = store();
        Chunk c = chunk(100_003, 10, 4, 500);
        ChunkMeta meta = s.putChunk(c.cid, c.shards, c.spec);
        assertThat(meta.cid()).isEqualTo(c.cid);
        assertThat(meta.spec()).isEqualTo(c.spec);
        assertThat(meta.createdAt()).isEqualTo(CLOCK.instant());
        assertThat(meta.merkleLeafSize()).isEqualTo(MerkleProof.DEFAULT_LEAF_SIZE);
        assertThat(meta.shards()).hasSize(14);
        assertThat(s.meta(c.cid)).contains(meta);
        for (int i = 0; i < 14; i++) {
            assertThat(s.readShard(c.cid, i)).isEqualTo(c.shards[i]);
            ShardInfo info = meta.shard(i).orElseThrow();
            assertThat(info.sha256()).isEqualTo(sha256(c.shards[i]));
            assertThat(info.merkleRoot()).isEqualTo(MerkleProof.root(c.shards[i], meta.merkleLeafSize()));
            assertThat(s.containsShard(c.cid, i)).isTrue();
        }
        assertThat(s.contains(c.cid)).isTrue();
        assertThat(s.list()).containsExactly(c.cid);
    }

    @Test
    void shardViewsAreReadOnlyAndSurviveDelete() {
        ShardStore s = store();
        Chunk c = chunk(30_000, 4, 2, 10);
        s.putChunk(c.cid, c.shards, c.spec);
        for (int round = 0; round < 2; round++) { // a miss, then (with a cache) a hit
            java.nio.ByteBuffer v = s.readShardView(c.cid, 1);
            assertThat(v.isReadOnly()).isTrue();
            assertThat(v.position()).isZero();
            assertThat(v.remaining()).isEqualTo(c.shards[1].length);
            byte[] got = new byte[v.remaining()];
            v.duplicate().get(got);
            assertThat(got).isEqualTo(c.shards[1]);
            assertThatThrownBy(() -> v.put(0, (byte) 1)).isInstanceOf(java.nio.ReadOnlyBufferException.class);
        }
        byte[] copy = s.readShard(c.cid, 1);
        copy[0] ^= 1; // a caller's copy never reaches the store or its cache
        assertThat(s.readShard(c.cid, 1)).isEqualTo(c.shards[1]);
        java.nio.ByteBuffer kept = s.readShardView(c.cid, 2);
        s.delete(c.cid);
        byte[] got = new byte[kept.remaining()];
        kept.get(got);
        assertThat(got).isEqualTo(c.shards[2]);
        assertThatThrownBy(() -> s.readShardView(c.cid, 2)).isInstanceOf(ShardNotFoundException.class);
    }

    @Test
    void rangesAndRegions() throws Exception {
        ShardStore s = store();
        Chunk c = chunk(70_000, 4, 2, 10);
        s.putChunk(c.cid, c.shards, c.spec);
        byte[] shard = c.shards[3];
        assertThat(s.readRange(c.cid, 3, 100, 1000)).isEqualTo(java.util.Arrays.copyOfRange(shard, 100, 1100));
        assertThat(s.readRange(c.cid, 3, shard.length - 1, 1)).containsExactly(shard[shard.length - 1]);
        assertThatThrownBy(() -> s.readRange(c.cid, 3, shard.length - 1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.readRange(c.cid, 3, -1, 2)).isInstanceOf(IllegalArgumentException.class);
        try (ShardRegion r = s.openRegion(c.cid, 3, 500, 5000)) {
            assertThat(r.length()).isEqualTo(5000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(r.transferTo(Channels.newChannel(out))).isEqualTo(5000);
            assertThat(out.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(shard, 500, 5500));
            ReadableByteChannel ch = r.channel();
            ByteBuffer all = ByteBuffer.allocate(6000);
            while (ch.read(all) >= 0) {
                // drain
            }
            assertThat(all.position()).isEqualTo(5000);
            ByteBuffer view = r.asByteBuffer();
            byte[] viewed = new byte[view.remaining()];
            view.get(viewed);
            assertThat(viewed).isEqualTo(out.toByteArray());
            r.close();
            r.close();
            assertThatThrownBy(() -> r.transferTo(Channels.newChannel(out))).isInstanceOf(StoreClosedException.class);
        }
        try (ShardRegion whole = s.openRegion(c.cid, 0)) {
            assertThat(whole.length()).isEqualTo(c.spec.shardLength());
        }
    }

    @Test
    void absentChunksAndShards() {
        ShardStore s = store();
        Chunk c = chunk(1000, 4, 2, 10);
        assertThatThrownBy(() -> s.readShard(c.cid, 0)).isInstanceOf(ShardNotFoundException.class);
        assertThat(s.meta(c.cid)).isEmpty();
        assertThat(s.delete(c.cid)).isFalse();
        s.putShard(c.cid, 2, c.shards[2], c.spec);
        assertThatThrownBy(() -> s.readShard(c.cid, 1)).isInstanceOf(ShardNotFoundException.class)
                .satisfies(e -> assertThat(((ShardNotFoundException) e).shardIndex()).isEqualTo(1));
        assertThatThrownBy(() -> s.openRegion(c.cid, 5, 0, 1)).isInstanceOf(ShardNotFoundException.class);
    }

    @Test
    void partialHoldersAddShardsOneByOne() {
        ShardStore s = store();
        Chunk c = chunk(10_000, 10, 4, 10);
        s.putShard(c.cid, 3, c.shards[3], c.spec);
        ChunkMeta m = s.putShard(c.cid, 11, c.shards[11], c.spec);
        assertThat(m.shards()).extracting(ShardInfo::index).containsExactly(3, 11);
        assertThat(s.usage().shardCount()).isEqualTo(2);
        assertThat(s.bytesStored(c.cid)).isEqualTo(2L * c.spec.shardLength());
        assertThatThrownBy(() -> s.putShard(c.cid, 4, c.shards[4],
                new ChunkSpec(10_000, 10, 4, "other", 10))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.putShard(c.cid, 14, c.shards[4], c.spec)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.putShard(c.cid, 4, new byte[3], c.spec)).isInstanceOf(IllegalArgumentException.class);
        // filling the rest with putChunk adds only what is missing
        ChunkMeta full = s.putChunk(c.cid, c.shards, c.spec);
        assertThat(full.shards()).hasSize(14);
        assertThat(s.usage().shardCount()).isEqualTo(14);
        assertThat(s.readShard(c.cid, 3)).isEqualTo(c.shards[3]);
    }

    @Test
    void rePutIsIdempotent() {
        ShardStore s = store();
        Chunk c = chunk(5000, 4, 2, 10);
        ChunkMeta first = s.putChunk(c.cid, c.shards, c.spec);
        ChunkMeta again = s.putChunk(c.cid, c.shards, c.spec);
        assertThat(again).isEqualTo(first);
        assertThat(s.usage()).isEqualTo(new StorageUsage(1, 6, 6L * c.spec.shardLength(), Long.MAX_VALUE));
    }

    @Test
    void rejectsMalformedPuts() {
        ShardStore s = store();
        Chunk c = chunk(5000, 4, 2, 10);
        assertThatThrownBy(() -> s.putChunk(c.cid, java.util.Arrays.copyOf(c.shards, 5), c.spec))
                .isInstanceOf(IllegalArgumentException.class);
        byte[][] bad = c.shards.clone();
        bad[2] = new byte[1];
        assertThatThrownBy(() -> s.putChunk(c.cid, bad, c.spec)).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.contains(c.cid)).isFalse();
        assertThat(s.usage().bytesStored()).isZero();
    }

    /** {@code encodeAndPut} stores exactly the shards {@code putChunk} of the encoding would, for every length. */
    @Test
    void encodeAndPutStoresTheEncodedShards() {
        ShardStore s = store();
        for (int length : new int[] {1, 9, 10, 11, 4096, 100_003}) {
            for (int[] km : new int[][] {{10, 4}, {4, 2}, {3, 1}}) {
                byte[] data = new byte[length];
                rnd.nextBytes(data);
                Cid cid = Cid.ofRaw(data);
                ChunkSpec spec = new ChunkSpec(length, km[0], km[1], "", 7);
                byte[][] expected = ErasureCodec.reedSolomon(km[0], km[1]).encode(data);
                byte[] before = data.clone();
                ChunkMeta meta = s.encodeAndPut(cid, data, spec);
                assertThat(data).as("the chunk is not modified").isEqualTo(before);
                assertThat(meta.shards()).hasSize(km[0] + km[1]);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(s.readShard(cid, i)).as("length %d, RS(%d,%d), shard %d", length, km[0], km[1], i)
                            .isEqualTo(expected[i]);
                }
                assertThat(s.maintenance().scrub(e -> { }).corrupt()).isEmpty();
            }
        }
    }

    /**
     * {@code encodeAndPut} of a buffer stores what the array version would, whether the buffer is a slice inside a
     * larger array (as a gossip message's data in its frame), a whole array, read-only or direct; the buffer's
     * bytes and position are left as they were. A slice of another length is refused naming both lengths, and a
     * chunk held in part gets only its missing shards.
     */
    @Test
    void encodeAndPutOfABufferStoresTheEncodedShards() {
        ShardStore s = store();
        for (int length : new int[] {1, 11, 4096, 100_003}) {
            for (int kind = 0; kind < 4; kind++) {
                byte[] data = new byte[length];
                rnd.nextBytes(data);
                int before = rnd.nextInt(50);
                byte[] frame = new byte[before + length + rnd.nextInt(50)];
                rnd.nextBytes(frame);
                System.arraycopy(data, 0, frame, before, length);
                java.nio.ByteBuffer chunk = switch (kind) {
                    case 0 -> java.nio.ByteBuffer.wrap(frame, before, length);
                    case 1 -> java.nio.ByteBuffer.wrap(frame, before, length).slice();
                    case 2 -> java.nio.ByteBuffer.wrap(frame, before, length).asReadOnlyBuffer();
                    default -> java.nio.ByteBuffer.allocateDirect(length).put(data).flip();
                };
                int position = chunk.position();
                byte[] frameBefore = frame.clone();
                Cid cid = Cid.ofRaw(chunk);
                assertThat(cid).isEqualTo(Cid.ofRaw(data));
                ChunkSpec spec = new ChunkSpec(length, 10, 4, "", 7);
                ChunkMeta meta = s.encodeAndPut(cid, chunk, spec);
                assertThat(chunk.position()).as("length %d kind %d: the position stays", length, kind).isEqualTo(position);
                assertThat(frame).as("the buffer's bytes are not modified").isEqualTo(frameBefore);
                assertThat(meta.shards()).hasSize(14);
                byte[][] expected = ErasureCodec.reedSolomon(10, 4).encode(data);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(s.readShard(cid, i)).as("length %d kind %d shard %d", length, kind, i).isEqualTo(expected[i]);
                }
                s.delete(cid);
            }
        }
        byte[] data = new byte[5000];
        rnd.nextBytes(data);
        Cid cid = Cid.ofRaw(data);
        ChunkSpec spec = new ChunkSpec(data.length, 4, 2, "", 7);
        assertThatThrownBy(() -> s.encodeAndPut(cid, java.nio.ByteBuffer.wrap(data, 1, 4999), spec))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4999").hasMessageContaining("5000");
        byte[][] shards = ErasureCodec.reedSolomon(4, 2).encode(data);
        s.putShard(cid, 1, shards[1], spec);
        byte[] frame = new byte[data.length + 3];
        System.arraycopy(data, 0, frame, 3, data.length);
        s.encodeAndPut(cid, java.nio.ByteBuffer.wrap(frame, 3, data.length), spec);
        for (int i = 0; i < 6; i++) {
            assertThat(s.readShard(cid, i)).isEqualTo(shards[i]);
        }
    }

    /** Consecutive puts of one shape reuse the file store's parity arrays: stale parity must never leak through. */
    @Test
    void encodeAndPutOfManyChunksOfOneShapeKeepsEachParity() {
        ShardStore s = store();
        List<byte[]> chunks = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            byte[] data = new byte[20_000];
            rnd.nextBytes(data);
            chunks.add(data);
            s.encodeAndPut(Cid.ofRaw(data), data, new ChunkSpec(data.length, 10, 4, "", 7));
        }
        ErasureCodec codec = ErasureCodec.reedSolomon(10, 4);
        for (byte[] data : chunks) {
            byte[][] expected = codec.encode(data);
            for (int i = 10; i < 14; i++) {
                assertThat(s.readShard(Cid.ofRaw(data), i)).isEqualTo(expected[i]);
            }
        }
    }

    @Test
    void encodeAndPutRejectsAChunkOfAnotherLengthAndAddsOnlyMissingShards() {
        ShardStore s = store();
        byte[] data = new byte[5000];
        rnd.nextBytes(data);
        Cid cid = Cid.ofRaw(data);
        ChunkSpec spec = new ChunkSpec(data.length, 4, 2, "", 7);
        assertThatThrownBy(() -> s.encodeAndPut(cid, java.util.Arrays.copyOf(data, 4999), spec))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4999")
                .hasMessageContaining("5000");
        assertThat(s.contains(cid)).isFalse();
        byte[][] shards = ErasureCodec.reedSolomon(4, 2).encode(data);
        s.putShard(cid, 3, shards[3], spec);
        ChunkMeta meta = s.encodeAndPut(cid, data, spec);
        assertThat(meta.shards()).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(s.readShard(cid, i)).isEqualTo(shards[i]);
        }
        assertThat(s.usage()).isEqualTo(new StorageUsage(1, 6, 6L * spec.shardLength(), Long.MAX_VALUE));
    }

    @Test
    void encodeAndPutBeyondCapacityLeavesNothingAndTheNextPutIsRight() {
        byte[] a = new byte[4000];
        rnd.nextBytes(a);
        ChunkSpec spec = new ChunkSpec(a.length, 4, 2, "", 7);
        ShardStore s = store(6L * spec.shardLength() + 10);
        s.encodeAndPut(Cid.ofRaw(a), a, spec);
        byte[] b = new byte[4000];
        rnd.nextBytes(b);
        assertThatThrownBy(() -> s.encodeAndPut(Cid.ofRaw(b), b, spec)).isInstanceOf(StorageFullException.class);
        assertThat(s.contains(Cid.ofRaw(b))).isFalse();
        s.delete(Cid.ofRaw(a));
        s.encodeAndPut(Cid.ofRaw(b), b, spec);
        byte[][] expected = ErasureCodec.reedSolomon(4, 2).encode(b);
        for (int i = 0; i < 6; i++) {
            assertThat(s.readShard(Cid.ofRaw(b), i)).isEqualTo(expected[i]);
        }
    }

    /** Racing puts of one chunk: one writes it, the others find it stored; nobody sees another's parity. */
    @Test
    void concurrentEncodeAndPutsOfOneChunkAndOfOthers() throws Exception {
        ShardStore s = store();
        byte[] same = new byte[30_000];
        rnd.nextBytes(same);
        List<byte[]> others = new ArrayList<>();
        for (int n = 0; n < 8; n++) {
            byte[] d = new byte[30_000];
            rnd.nextBytes(d);
            others.add(d);
        }
        ChunkSpec spec = new ChunkSpec(30_000, 10, 4, "", 7);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ChunkMeta>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                byte[] mine = others.get(t);
                results.add(pool.submit(() -> s.encodeAndPut(Cid.ofRaw(same), same, spec)));
                results.add(pool.submit(() -> s.encodeAndPut(Cid.ofRaw(mine), mine, spec)));
            }
            for (Future<ChunkMeta> f : results) {
                assertThat(f.get().shards()).hasSize(14);
            }
        } finally {
            pool.shutdownNow();
        }
        ErasureCodec codec = ErasureCodec.reedSolomon(10, 4);
        others.add(same);
        for (byte[] d : others) {
            byte[][] expected = codec.encode(d);
            for (int i = 0; i < 14; i++) {
                assertThat(s.readShard(Cid.ofRaw(d), i)).isEqualTo(expected[i]);
            }
        }
        assertThat(s.usage().chunkCount()).isEqualTo(9);
    }

    @Test
    void deleteRemovesEverythingAndUsageFollows() {
        ShardStore s = store();
        Chunk a = chunk(4000, 4, 2, 10);
        Chunk b = chunk(8000, 4, 2, 20);
        s.putChunk(a.cid, a.shards, a.spec);
        s.putChunk(b.cid, b.shards, b.spec);
        long bytes = 6L * a.spec.shardLength() + 6L * b.spec.shardLength();
        assertThat(s.usage()).isEqualTo(new StorageUsage(2, 12, bytes, Long.MAX_VALUE));
        assertThat(s.delete(a.cid)).isTrue();
        assertThat(s.delete(a.cid)).isFalse();
        assertThat(s.contains(a.cid)).isFalse();
        assertThat(s.list()).containsExactly(b.cid);
        assertThat(s.usage()).isEqualTo(new StorageUsage(1, 6, 6L * b.spec.shardLength(), Long.MAX_VALUE));
        assertThat(s.bytesStored(a.cid)).isZero();
        assertThatThrownBy(() -> s.readShard(a.cid, 0)).isInstanceOf(ShardNotFoundException.class);
    }

    @Test
    void capacityIsEnforcedAndLeavesNothingBehind() {
        Chunk a = chunk(4000, 4, 2, 10);
        ShardStore s = store(6L * a.spec.shardLength() + 10);
        s.putChunk(a.cid, a.shards, a.spec);
        Chunk b = chunk(4000, 4, 2, 10);
        assertThatThrownBy(() -> s.putChunk(b.cid, b.shards, b.spec)).isInstanceOf(StorageFullException.class)
                .satisfies(e -> assertThat(((StorageFullException) e).availableBytes()).isEqualTo(10));
        assertThat(s.contains(b.cid)).isFalse();
        assertThat(s.usage().bytesStored()).isEqualTo(6L * a.spec.shardLength());
        assertThat(s.usage().nearlyFull()).isTrue();
        assertThat(s.readShard(a.cid, 5)).isEqualTo(a.shards[5]);
        s.delete(a.cid);
        s.putChunk(b.cid, b.shards, b.spec);
        assertThat(s.contains(b.cid)).isTrue();
    }

    @Test
    void expiryIndexAnswersInOrder() {
        ShardStore s = store();
        List<Cid> byExpiry = new ArrayList<>();
        for (long e : new long[] {50, 10, 30, 10_000, 20}) {
            Chunk c = chunk(100, 2, 1, e);
            s.putChunk(c.cid, c.shards, c.spec);
            if (e < 40) {
                byExpiry.add(c.cid);
            }
        }
        assertThat(s.expiredBefore(10)).isEmpty();
        assertThat(s.expiredBefore(40)).hasSize(3).containsExactlyInAnyOrderElementsOf(byExpiry);
        List<Cid> ordered = s.expiredBefore(40);
        assertThat(s.meta(ordered.get(0)).orElseThrow().expiryBlock()).isEqualTo(10);
        assertThat(s.meta(ordered.get(2)).orElseThrow().expiryBlock()).isEqualTo(30);
        for (Cid c : ordered) {
            s.delete(c);
        }
        assertThat(s.expiredBefore(10_001)).hasSize(2);
    }

    @Test
    void setExpiryMovesAChunkInTheExpiryIndex() {
        ShardStore s = store();
        Chunk c = chunk(100, 2, 1, 10);
        s.putChunk(c.cid, c.shards, c.spec);
        assertThat(s.expiredBefore(11)).containsExactly(c.cid);
        ChunkMeta moved = s.setExpiry(c.cid, 500);
        assertThat(moved.expiryBlock()).isEqualTo(500);
        assertThat(s.meta(c.cid).orElseThrow().expiryBlock()).isEqualTo(500);
        assertThat(s.expiredBefore(11)).isEmpty();
        assertThat(s.expiredBefore(501)).containsExactly(c.cid);
        assertThat(s.readShard(c.cid, 0)).isEqualTo(c.shards[0]);
        Cid absent = chunk(10, 2, 1, 1).cid;
        assertThatThrownBy(() -> s.setExpiry(absent, 5)).isInstanceOf(ShardNotFoundException.class)
                .hasMessageContaining(absent.toString());
        assertThatThrownBy(() -> s.setExpiry(c.cid, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void auditProofs() throws Exception {
        ShardStore s = store();
        Chunk c = chunk(50_000, 4, 2, 10);
        ChunkMeta meta = s.putChunk(c.cid, c.shards, c.spec);
        byte[] nonce = {9, 8, 7};
        byte[] expected = sha256(java.util.Arrays.copyOfRange(c.shards[4], 1000, 1064), nonce);
        assertThat(s.maintenance().proveHash(c.cid, 4, 1000, 64, nonce)).isEqualTo(expected);
        for (long off : new long[] {0, 1023, 1024, 5000, c.spec.shardLength() - 7}) {
            MerkleProof p = s.maintenance().proveMerkle(c.cid, 4, off, 7);
            assertThat(p.verify(meta.shard(4).orElseThrow().merkleRoot())).isTrue();
            assertThat(p.challengedBytes()).isEqualTo(java.util.Arrays.copyOfRange(c.shards[4], (int) off, (int) off + 7));
            assertThat(p.verify(meta.shard(3).orElseThrow().merkleRoot())).isFalse();
        }
        assertThatThrownBy(() -> s.maintenance().proveHash(c.cid, 4, c.spec.shardLength(), 1, nonce))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void locateFindsEveryShardByItsSha256AndByItsMerkleRoot() {
        ShardStore s = store();
        Chunk before = chunk(50_000, 4, 2, 10);
        s.putChunk(before.cid, before.shards, before.spec);
        assertThat(s.maintenance().locate(new byte[32])).isEmpty(); // the first lookup, before the next writes
        Chunk after = chunk(60_000, 10, 4, 20);
        s.encodeAndPut(after.cid, concat(after), after.spec);
        Chunk partial = chunk(30_000, 4, 2, 30);
        s.putShard(partial.cid, 5, partial.shards[5], partial.spec);
        for (Chunk c : List.of(before, after)) {
            for (ShardInfo info : s.meta(c.cid).orElseThrow().shards()) {
                assertThat(info.merkleRoot()).isNotEqualTo(info.sha256()); // several blocks: two keys per shard
                ShardLocation at = new ShardLocation(c.cid, info.index());
                assertThat(s.maintenance().locate(info.sha256())).contains(at);
                assertThat(s.maintenance().locate(info.merkleRoot())).contains(at);
            }
        }
        ShardInfo five = s.meta(partial.cid).orElseThrow().shard(5).orElseThrow();
        assertThat(s.maintenance().locate(five.merkleRoot())).contains(new ShardLocation(partial.cid, 5));
        assertThat(s.maintenance().locate(s.meta(before.cid).orElseThrow().shard(0).orElseThrow().sha256()))
                .contains(new ShardLocation(before.cid, 0));
        byte[] other = before.shards[0].clone();
        other[0] ^= 1;
        assertThat(s.maintenance().locate(MerkleProof.root(other, MerkleProof.DEFAULT_LEAF_SIZE))).isEmpty();

        byte[] root = s.meta(after.cid).orElseThrow().shard(13).orElseThrow().merkleRoot();
        s.setExpiry(after.cid, 99);
        assertThat(s.maintenance().locate(root)).contains(new ShardLocation(after.cid, 13));
        assertThat(s.delete(after.cid)).isTrue();
        assertThat(s.maintenance().locate(root)).isEmpty();
        assertThat(s.maintenance().locate(five.sha256())).contains(new ShardLocation(partial.cid, 5));
        assertThatThrownBy(() -> s.maintenance().locate(new byte[31])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("31");
    }

    @Test
    void locateAnswersAQuarantinedShardUntilItsRepairAndPrefersAHealthyCopy() {
        ShardStore s = store();
        Chunk c = chunk(40_000, 4, 2, 10);
        s.putChunk(c.cid, c.shards, c.spec);
        byte[] sha = s.meta(c.cid).orElseThrow().shard(1).orElseThrow().sha256();
        assertThat(s.maintenance().locate(sha)).contains(new ShardLocation(c.cid, 1));
        for (int i = 0; i < 3; i++) {
            corrupt(s, c.cid, i, 3);
        }
        s.maintenance().scrub(e -> { });
        assertThat(s.containsShard(c.cid, 1)).isFalse();
        assertThat(s.maintenance().locate(sha)).contains(new ShardLocation(c.cid, 1)); // quarantined, awaiting repair
        s.putShard(c.cid, 1, c.shards[1], c.spec);
        assertThat(s.maintenance().locate(sha)).contains(new ShardLocation(c.cid, 1));
        assertThat(s.containsShard(c.cid, 1)).isTrue();

        // equal shards in two chunks: a 1-byte chunk's padded data shards are all zero
        Chunk tiny = chunk(1, 4, 2, 10);
        Chunk tiny2 = chunk(1, 4, 2, 10);
        s.putChunk(tiny.cid, tiny.shards, tiny.spec);
        s.putChunk(tiny2.cid, tiny2.shards, tiny2.spec);
        byte[] zero = s.meta(tiny.cid).orElseThrow().shard(3).orElseThrow().sha256();
        ShardLocation first = s.maintenance().locate(zero).orElseThrow();
        assertThat(first.index()).isBetween(1, 3);
        s.delete(first.cid());
        ShardLocation second = s.maintenance().locate(zero).orElseThrow();
        assertThat(second.cid()).isNotEqualTo(first.cid()).isIn(tiny.cid, tiny2.cid);
        s.delete(second.cid());
        assertThat(s.maintenance().locate(zero)).isEmpty();
    }

    private static byte[] concat(Chunk c) {
        byte[] out = new byte[(int) c.spec.originalLength()];
        int at = 0;
        for (int i = 0; i < c.spec.dataShards() && at < out.length; i++) {
            int n = Math.min(c.shards[i].length, out.length - at);
            System.arraycopy(c.shards[i], 0, out, at, n);
            at += n;
        }
        return out;
    }

    @Test
    void scrubFindsCorruptionAndRepairRestoresIt() {
        ShardStore s = store();
        Chunk c = chunk(40_000, 4, 2, 10);
        s.putChunk(c.cid, c.shards, c.spec);
        corrupt(s, c.cid, 1, 17);
        corrupt(s, c.cid, 5, 0);
        List<CorruptShardException> seen = new ArrayList<>();
        ScrubReport r = s.maintenance().scrub(seen::add);
        assertThat(seen).extracting(CorruptShardException::shardIndex).containsExactlyInAnyOrder(1, 5);
        assertThat(r.corrupt()).hasSize(2);
        assertThat(r.repairedShards()).isEqualTo(2);
        for (int i = 0; i < 6; i++) {
            assertThat(s.readShard(c.cid, i)).isEqualTo(c.shards[i]);
        }
        assertThat(s.usage().shardCount()).isEqualTo(6);
        assertThat(s.maintenance().scrub(e -> { }).corrupt()).isEmpty();
    }

    @Test
    void corruptShardsAreReportedOnceTheRepairAttemptHasEnded() {
        ShardStore s = store();
        Chunk repairable = chunk(40_000, 4, 2, 10);
        Chunk lost = chunk(40_000, 4, 2, 10);
        s.putChunk(repairable.cid, repairable.shards, repairable.spec);
        s.putChunk(lost.cid, lost.shards, lost.spec);
        corrupt(s, repairable.cid, 2, 5);
        for (int i = 0; i < 3; i++) {
            corrupt(s, lost.cid, i, 5);
        }
        List<String> seen = new ArrayList<>();
        s.maintenance().scrub(c -> seen.add(c.cid().equals(repairable.cid) + ":" + c.shardIndex() + ":"
                + s.containsShard(c.cid(), c.shardIndex())));
        // The listener sees the repaired shard healthy again and the unrepairable ones still quarantined.
        assertThat(seen).containsExactlyInAnyOrder("true:2:true", "false:0:false", "false:1:false", "false:2:false");
    }

    @Test
    void tooFewSurvivorsIsUnrepairable() {
        ShardStore s = store();
        Chunk c = chunk(40_000, 4, 2, 10);
        s.putChunk(c.cid, c.shards, c.spec);
        for (int i = 0; i < 3; i++) {
            corrupt(s, c.cid, i, 3);
        }
        ScrubReport r = s.maintenance().scrub(e -> { });
        assertThat(r.unrepairable()).containsExactly(c.cid);
        assertThat(s.meta(c.cid).orElseThrow().quarantined()).hasSize(3);
        assertThatThrownBy(() -> s.maintenance().repair(c.cid)).isInstanceOf(UnrepairableChunkException.class);
        assertThat(s.usage().shardCount()).isEqualTo(3);
    }

    @Test
    void closedStoreRefusesUse() {
        ShardStore s = create(Long.MAX_VALUE);
        s.close();
        s.close();
        Chunk c = chunk(100, 2, 1, 1);
        assertThatThrownBy(() -> s.putChunk(c.cid, c.shards, c.spec)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(s::usage).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> s.maintenance().locate(new byte[32])).isInstanceOf(StoreClosedException.class);
    }

    @Test
    void concurrentPutsReadsDeletesAndScrubsLoseNoUsage() throws Exception {
        ShardStore s = store();
        int threads = 8;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        Set<Cid> kept = ConcurrentHashMap.newKeySet();
        ConcurrentHashMap<Cid, Long> sizes = new ConcurrentHashMap<>();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                fs.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < perThread; i++) {
                        byte[] data = new byte[500 + r.nextInt(5000)];
                        r.nextBytes(data);
                        ChunkSpec spec = new ChunkSpec(data.length, 4, 2, "", 100);
                        Cid cid = Cid.ofRaw(data);
                        byte[][] shards = ErasureCodec.reedSolomon(4, 2).encode(data);
                        s.putChunk(cid, shards, spec);
                        assertThat(s.readShard(cid, r.nextInt(6))).isNotNull();
                        if (r.nextInt(3) == 0) {
                            assertThat(s.delete(cid)).isTrue();
                        } else {
                            kept.add(cid);
                            sizes.put(cid, 6L * spec.shardLength());
                        }
                    }
                    return null;
                }));
            }
            fs.add(pool.submit(() -> {
                for (int i = 0; i < 5; i++) {
                    assertThat(s.maintenance().scrub(e -> { }).corrupt()).isEmpty();
                }
                return null;
            }));
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long bytes = sizes.values().stream().mapToLong(Long::longValue).sum();
        assertThat(s.usage()).isEqualTo(new StorageUsage(kept.size(), 6L * kept.size(), bytes, Long.MAX_VALUE));
        assertThat(s.list()).isEqualTo(kept);
    }
}

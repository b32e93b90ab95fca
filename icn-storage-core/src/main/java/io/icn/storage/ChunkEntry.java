package io.icn.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The index's compact, immutable record of one chunk: one state byte and 64 hash bytes per shard slot
 * instead of an object per shard, so that two million shards fit comfortably in memory. Every change
 * produces a new instance.
 */
final class ChunkEntry {

    static final byte ABSENT = 0;
    static final byte HEALTHY = 1;
    static final byte QUARANTINED = 2;

    final Cid cid;
    final ChunkSpec spec;
    final int leafSize;
    final long createdMillis;
    private final byte[] state;
    /** {@code sha256 || merkleRoot} per slot, meaningful where state is not ABSENT. */
    private final byte[] hashes;

    private ChunkEntry(Cid cid, ChunkSpec spec, int leafSize, long createdMillis, byte[] state, byte[] hashes) {
        this.cid = cid;
        this.spec = spec;
        this.leafSize = leafSize;
        this.createdMillis = createdMillis;
        this.state = state;
        this.hashes = hashes;
    }

    static ChunkEntry empty(Cid cid, ChunkSpec spec, int leafSize, long createdMillis) {
        int n = spec.totalShards();
        return new ChunkEntry(cid, spec, leafSize, createdMillis, new byte[n], new byte[n * 64]);
    }

    int slots() {
        return state.length;
    }

    byte state(int index) {
        return state[index];
    }

    boolean healthy(int index) {
        return index >= 0 && index < state.length && state[index] == HEALTHY;
    }

    int healthyCount() {
        int c = 0;
        for (byte s : state) {
            if (s == HEALTHY) {
                c++;
            }
        }
        return c;
    }

    long bytes() {
        return (long) healthyCount() * spec.shardLength();
    }

    boolean isEmpty() {
        for (byte s : state) {
            if (s != ABSENT) {
                return false;
            }
        }
        return true;
    }

    byte[] sha256(int index) {
        return Arrays.copyOfRange(hashes, index * 64, index * 64 + 32);
    }

    byte[] merkleRoot(int index) {
        return Arrays.copyOfRange(hashes, index * 64 + 32, index * 64 + 64);
    }

    boolean sha256Equals(int index, byte[] digest) {
        return Arrays.equals(hashes, index * 64, index * 64 + 32, digest, 0, 32);
    }

    /** The first four bytes, big-endian, of slot {@code index}'s hash at {@code offset} (0: SHA-256, 32: Merkle root). */
    int hashBits(int index, int offset) {
        int at = index * 64 + offset;
        return ((hashes[at] & 0xff) << 24) | ((hashes[at + 1] & 0xff) << 16) | ((hashes[at + 2] & 0xff) << 8)
                | (hashes[at + 3] & 0xff);
    }

    /** Whether slot {@code index}'s hash at {@code offset} (0: SHA-256, 32: Merkle root) is {@code hash}. */
    boolean hashEquals(int index, int offset, byte[] hash) {
        int at = index * 64 + offset;
        return Arrays.equals(hashes, at, at + 32, hash, 0, 32);
    }

    /** Whether slot {@code index}'s Merkle root is its SHA-256 (a shard of one block). */
    boolean merkleRootIsSha256(int index) {
        return Arrays.equals(hashes, index * 64, index * 64 + 32, hashes, index * 64 + 32, index * 64 + 64);
    }

    ChunkEntry withHealthy(int index, byte[] sha256, byte[] merkleRoot) {
        byte[] s = state.clone();
        byte[] h = hashes.clone();
        s[index] = HEALTHY;
        System.arraycopy(sha256, 0, h, index * 64, 32);
        System.arraycopy(merkleRoot, 0, h, index * 64 + 32, 32);
        return new ChunkEntry(cid, spec, leafSize, createdMillis, s, h);
    }

    ChunkEntry withState(int index, byte newState) {
        byte[] s = state.clone();
        s[index] = newState;
        return new ChunkEntry(cid, spec, leafSize, createdMillis, s, hashes);
    }

    ChunkEntry withSpec(ChunkSpec newSpec) {
        return new ChunkEntry(cid, newSpec, leafSize, createdMillis, state, hashes);
    }

    /** The indexes of the quarantined shards, ascending (those a repair regenerates). */
    List<Integer> quarantinedIndexes() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < state.length; i++) {
            if (state[i] == QUARANTINED) {
                out.add(i);
            }
        }
        return out;
    }

    ShardInfo shardInfo(int index) {
        return new ShardInfo(index, spec.shardLength(), sha256(index), merkleRoot(index));
    }

    ChunkMeta toMeta() {
        List<ShardInfo> healthy = new ArrayList<>();
        List<ShardInfo> quarantined = new ArrayList<>();
        for (int i = 0; i < state.length; i++) {
            if (state[i] == HEALTHY) {
                healthy.add(shardInfo(i));
            } else if (state[i] == QUARANTINED) {
                quarantined.add(shardInfo(i));
            }
        }
        return new ChunkMeta(cid, spec, leafSize, Instant.ofEpochMilli(createdMillis), healthy, quarantined);
    }

    // ---- binary form (index checkpoint, journal, per-chunk manifest) ---------------------------------

    int encodedSize() {
        int n = state.length;
        int withHash = n - count(ABSENT);
        return Cid.BYTE_LENGTH + 8 + 2 + 2 + 2 + spec.dealId().getBytes(StandardCharsets.UTF_8).length + 8 + 4 + 8
                + n + withHash * 64;
    }

    private int count(byte s) {
        int c = 0;
        for (byte b : state) {
            if (b == s) {
                c++;
            }
        }
        return c;
    }

    void encode(ByteBuffer out) {
        byte[] cidBytes = new byte[Cid.BYTE_LENGTH];
        cid.writeTo(cidBytes, 0);
        out.put(cidBytes);
        out.putLong(spec.originalLength());
        out.putShort((short) spec.dataShards());
        out.putShort((short) spec.parityShards());
        byte[] deal = spec.dealId().getBytes(StandardCharsets.UTF_8);
        out.putShort((short) deal.length);
        out.put(deal);
        out.putLong(spec.expiryBlock());
        out.putInt(leafSize);
        out.putLong(createdMillis);
        out.put(state);
        for (int i = 0; i < state.length; i++) {
            if (state[i] != ABSENT) {
                out.put(hashes, i * 64, 64);
            }
        }
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(encodedSize());
        encode(b);
        return b.array();
    }

    /** Reads one entry; throws {@link IllegalArgumentException} or {@link java.nio.BufferUnderflowException} if malformed. */
    static ChunkEntry decode(ByteBuffer in) {
        byte[] cidBytes = new byte[Cid.BYTE_LENGTH];
        in.get(cidBytes);
        Cid cid = Cid.fromBytes(cidBytes);
        long originalLength = in.getLong();
        int k = in.getShort() & 0xffff;
        int m = in.getShort() & 0xffff;
        int dealLen = in.getShort() & 0xffff;
        byte[] deal = new byte[dealLen];
        in.get(deal);
        long expiry = in.getLong();
        int leafSize = in.getInt();
        long created = in.getLong();
        ChunkSpec spec = new ChunkSpec(originalLength, k, m, new String(deal, StandardCharsets.UTF_8), expiry);
        if (leafSize < 1) {
            throw new IllegalArgumentException("leaf size " + leafSize);
        }
        int n = spec.totalShards();
        byte[] state = new byte[n];
        in.get(state);
        byte[] hashes = new byte[n * 64];
        for (int i = 0; i < n; i++) {
            if (state[i] > QUARANTINED || state[i] < ABSENT) {
                throw new IllegalArgumentException("shard state " + state[i]);
            }
            if (state[i] != ABSENT) {
                in.get(hashes, i * 64, 64);
            }
        }
        return new ChunkEntry(cid, spec, leafSize, created, state, hashes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkEntry e && e.cid.equals(cid) && e.spec.equals(spec) && e.leafSize == leafSize
                && e.createdMillis == createdMillis && Arrays.equals(e.state, state) && Arrays.equals(e.hashes, hashes);
    }

    @Override
    public int hashCode() {
        return cid.hashCode();
    }

    @Override
    public String toString() {
        return "ChunkEntry[" + cid + ", " + spec + ", states=" + Arrays.toString(state) + "]";
    }
}

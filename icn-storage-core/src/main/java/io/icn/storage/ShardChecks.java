package io.icn.storage;

import io.icn.erasure.ErasureCodec;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Objects;

/** Argument checks, hashing and erasure repair shared by both store implementations. Stateless. */
final class ShardChecks {

    private ShardChecks() {
    }

    static void checkPutChunk(Cid cid, byte[][] shards, ChunkSpec spec) {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(shards, "shards");
        if (shards.length != spec.totalShards()) {
            throw new IllegalArgumentException("expected " + spec.totalShards() + " shards for " + spec + ", got "
                    + shards.length);
        }
        for (int i = 0; i < shards.length; i++) {
            checkShard(i, shards[i], spec);
        }
    }

    static void checkChunk(Cid cid, byte[] chunk, ChunkSpec spec) {
        checkChunk(cid, ByteBuffer.wrap(Objects.requireNonNull(chunk, "chunk")), spec);
    }

    /** As {@link #checkChunk(Cid, byte[], ChunkSpec)} for the chunk in {@code chunk}'s remaining bytes. */
    static void checkChunk(Cid cid, ByteBuffer chunk, ChunkSpec spec) {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(chunk, "chunk");
        if (chunk.remaining() != spec.originalLength()) {
            throw new IllegalArgumentException("the chunk is " + chunk.remaining() + " bytes but " + spec + " states "
                    + spec.originalLength());
        }
    }

    /**
     * The remaining bytes of {@code chunk} as an array: the buffer's own array when they are exactly that array,
     * else a copy.
     */
    static byte[] array(ByteBuffer chunk) {
        if (chunk.hasArray() && chunk.arrayOffset() + chunk.position() == 0 && chunk.remaining() == chunk.array().length) {
            return chunk.array();
        }
        byte[] copy = new byte[chunk.remaining()];
        chunk.duplicate().get(copy);
        return copy;
    }

    /**
     * The {@code k+m} shards of the chunk in {@code chunk}'s remaining bytes as buffers of
     * {@code spec.shardLength()} bytes: the data shards are views of {@code chunk}'s bytes (the last one a
     * zero-padded copy when the chunk does not fill it), the parity shards views of {@code parity} (m arrays of
     * the shard length) for {@link ErasureCodec#encodeParity} to overwrite. {@code chunk}'s position does not move.
     */
    static ByteBuffer[] split(ByteBuffer chunk, ChunkSpec spec, byte[][] parity) {
        int len = spec.shardLength();
        int start = chunk.position();
        int length = chunk.remaining();
        ByteBuffer[] shards = new ByteBuffer[spec.totalShards()];
        for (int i = 0; i < spec.dataShards(); i++) {
            long from = (long) i * len;
            if (from + len <= length) {
                shards[i] = chunk.duplicate().position(start + (int) from).limit(start + (int) from + len).slice();
            } else {
                byte[] padded = new byte[len];
                if (from < length) {
                    chunk.duplicate().position(start + (int) from).get(padded, 0, length - (int) from);
                }
                shards[i] = ByteBuffer.wrap(padded);
            }
        }
        for (int i = spec.dataShards(); i < shards.length; i++) {
            shards[i] = ByteBuffer.wrap(parity[i - spec.dataShards()]);
        }
        return shards;
    }

    /** Independent positions and limits over the same bytes. */
    static ByteBuffer[] duplicates(ByteBuffer[] buffers) {
        ByteBuffer[] d = new ByteBuffer[buffers.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = buffers[i].duplicate();
        }
        return d;
    }

    static void checkShard(int index, byte[] shard, ChunkSpec spec) {
        if (index < 0 || index >= spec.totalShards()) {
            throw new IllegalArgumentException("shard index " + index + " outside 0.." + (spec.totalShards() - 1));
        }
        if (shard == null || shard.length != spec.shardLength()) {
            throw new IllegalArgumentException("shard " + index + " must be " + spec.shardLength() + " bytes, got "
                    + (shard == null ? "null" : shard.length));
        }
    }

    static void checkSameSpec(Cid cid, ChunkEntry existing, ChunkSpec spec) {
        if (existing != null && !existing.spec.equals(spec)) {
            throw new IllegalArgumentException(cid + " is stored as " + existing.spec + ", not " + spec);
        }
    }

    static void checkRange(ChunkEntry e, long offset, long length) {
        long shardLength = e.spec.shardLength();
        if (offset < 0 || length < 0 || offset > shardLength || length > shardLength - offset) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside shard of "
                    + shardLength + " bytes");
        }
    }

    static ChunkEntry requireShard(ChunkEntry e, Cid cid, int index) {
        Objects.requireNonNull(cid, "cid");
        if (e == null) {
            throw new ShardNotFoundException(cid, -1);
        }
        if (!e.healthy(index)) {
            throw new ShardNotFoundException(cid, index);
        }
        return e;
    }

    static byte[] sha256(byte[] data) {
        return Merkle.sha256(data);
    }

    static byte[] proveHash(ByteBuffer range, byte[] nonce) {
        Objects.requireNonNull(nonce, "nonce");
        MessageDigest md = Merkle.newSha256();
        md.update(range);
        md.update(nonce);
        return md.digest();
    }

    /**
     * Regenerates every slot not flagged in {@code healthy} into {@code shards} (all entries non-null,
     * equal length) with {@code codec}, the store's codec for the chunk's spec.
     */
    static void regenerate(ErasureCodec codec, ChunkEntry e, byte[][] shards, boolean[] healthy) {
        int have = 0;
        for (boolean h : healthy) {
            if (h) {
                have++;
            }
        }
        if (have < e.spec.dataShards() || e.spec.parityShards() == 0) {
            throw new UnrepairableChunkException(e.cid, have, e.spec.dataShards());
        }
        codec.reconstruct(shards, healthy);
    }
}

package io.icn.transport.quic;

import io.icn.storage.Cid;
import java.util.Objects;

/**
 * Bytes of one shard received from a node.
 *
 * <p>{@code bytes} is handed over, not copied: the record is the array's only holder when a client
 * returns it, and the caller may keep or modify it. {@code sha256} is the hash of the <em>whole</em>
 * shard as the node recorded it; when {@link #verified()} is true the client checked that the bytes
 * (the whole shard) match it and, if the caller gave one, the expected hash. Ranges of a shard cannot be
 * checked against a whole-shard hash, so they arrive with {@code verified == false}.
 *
 * @param cid the chunk
 * @param shardIndex the shard
 * @param shardLength length of the whole shard
 * @param offset where {@code bytes} start within the shard
 * @param bytes the bytes received
 * @param sha256 SHA-256 of the whole shard (32 bytes) as the node recorded it
 * @param verified whether {@code bytes} were checked against {@code sha256}
 */
public record ShardData(Cid cid, int shardIndex, long shardLength, long offset, byte[] bytes, byte[] sha256,
        boolean verified) {

    public ShardData {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(sha256, "sha256");
        if (shardIndex < 0 || shardIndex > 255) {
            throw new IllegalArgumentException("shardIndex must be 0..255: " + shardIndex);
        }
        if (sha256.length != 32) {
            throw new IllegalArgumentException("sha256 must be 32 bytes: " + sha256.length);
        }
        if (offset < 0 || offset + bytes.length > shardLength) {
            throw new IllegalArgumentException("bytes [" + offset + ", +" + bytes.length + ") exceed the "
                    + shardLength + "-byte shard");
        }
    }

    /** Whether this is the whole shard rather than a range of it. */
    public boolean wholeShard() {
        return offset == 0 && bytes.length == shardLength;
    }
}

package io.icn.transport.quic;

import io.icn.storage.Cid;
import java.util.Objects;

/**
 * What a fetch into a caller's buffer, channel or file delivered: the bytes themselves are where the caller
 * asked for them, never in a heap array of the client's.
 *
 * <p>{@code sha256} is the hash of the <em>whole</em> shard as the node recorded it; when {@link #verified()}
 * is true the client hashed the bytes as they arrived (the whole shard) and they match it and, if the caller
 * gave one, the expected hash. Ranges arrive with {@code verified == false}. Immutable.
 *
 * @param cid the chunk
 * @param shardIndex the shard
 * @param shardLength length of the whole shard
 * @param offset where the delivered bytes start within the shard
 * @param length how many bytes were delivered
 * @param sha256 SHA-256 of the whole shard (32 bytes) as the node recorded it
 * @param verified whether the bytes were checked against {@code sha256}
 */
public record ShardReceipt(Cid cid, int shardIndex, long shardLength, long offset, long length, byte[] sha256,
        boolean verified) {

    public ShardReceipt {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(sha256, "sha256");
        if (offset < 0 || length < 0 || offset + length > shardLength) {
            throw new IllegalArgumentException("bytes [" + offset + ", +" + length + ") exceed the " + shardLength
                    + "-byte shard");
        }
    }
}

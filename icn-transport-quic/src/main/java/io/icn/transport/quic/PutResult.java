package io.icn.transport.quic;

import io.icn.storage.Cid;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a node reports once a PUT chunk is durably stored and pinned: the answer a {@link ChunkSink} gives
 * and {@link ShardClient#putChunk} returns. Immutable.
 *
 * @param cid the chunk's CID
 * @param alreadyStored whether the node held the chunk before this PUT (its shards were kept; only the deal is new)
 * @param dealId the deal that pins the chunk, as the node's chain names it (at most 1024 UTF-8 bytes)
 * @param expiryBlock the block at which the chunk's pinning ends
 * @param shardsStored how many of the chunk's shards the node holds now (0..65535)
 */
public record PutResult(Cid cid, boolean alreadyStored, String dealId, long expiryBlock, int shardsStored) {

    /** Longest deal id, in UTF-8 bytes, that fits a PUT answer. */
    public static final int MAX_DEAL_ID_BYTES = 1024;

    public PutResult {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(dealId, "dealId");
        if (dealId.getBytes(StandardCharsets.UTF_8).length > MAX_DEAL_ID_BYTES) {
            throw new IllegalArgumentException("dealId longer than " + MAX_DEAL_ID_BYTES + " UTF-8 bytes: " + dealId);
        }
        if (expiryBlock < 0) {
            throw new IllegalArgumentException("expiryBlock must be >= 0: " + expiryBlock);
        }
        if (shardsStored < 0 || shardsStored > 0xFFFF) {
            throw new IllegalArgumentException("shardsStored must be 0..65535: " + shardsStored);
        }
    }
}

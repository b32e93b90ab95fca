package io.icn.chain;

import java.util.List;
import java.util.Objects;

/**
 * A chunk the node has stored and wants pinned: its CID and the chain's hashes of its shards, in shard order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param cid the chunk's CID, as text
 * @param shards the shard hashes under the chain's {@link ProofScheme}, in shard order (a hash may repeat)
 * @param shardSize the length of every shard
 * @param dealBlocks how long the deal should last, in blocks from now (a policy that makes the deal uses it; one
 *     that waits for a director's deal ignores it)
 */
public record PinRequest(String cid, List<ShardHash> shards, int shardSize, long dealBlocks) {
    public PinRequest {
        Objects.requireNonNull(cid, "cid");
        shards = List.copyOf(shards);
        if (shards.size() < PinningDeal.MIN_SHARDS) {
            throw new IllegalArgumentException("a chunk to pin needs at least " + PinningDeal.MIN_SHARDS + " shards, got "
                    + shards.size());
        }
        if (shardSize <= 0) {
            throw new IllegalArgumentException("shardSize must be positive: " + shardSize);
        }
        if (dealBlocks <= 0) {
            throw new IllegalArgumentException("deal length must be positive: " + dealBlocks + " blocks");
        }
    }
}

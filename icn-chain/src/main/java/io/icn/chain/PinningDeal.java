package io.icn.chain;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A pinning deal as the chain records it (the pallet's {@code PinningDeal}): which shards to keep, from
 * when, until when, for what reward.
 *
 * <p>{@code shardSize} is an addition to the pallet's struct: the embedded chain records it, to pick a challenge
 * anywhere in a shard and to check a Merkle proof against the shard's tree shape (see docs/chain.md). The pallet's
 * {@code PinningDeal} does not carry it (shard hashes and Merkle roots only), so a deal read from a Substrate chain
 * has it <b>absent</b>: a caller that needs a shard's length must then take it from elsewhere (the chunk's manifest)
 * and rely on the shard hashes, which bind the length, to check it.
 * Immutable and thread-safe.
 *
 * @param id the deal's identifier
 * @param creator the account that paid for the deal
 * @param shards the shard hashes in shard order, at least {@link #MIN_SHARDS}; a hash may repeat (a chunk shorter
 *     than its data shards, or of repeated content, has identical shards), and then stands for one shard to keep and
 *     audit: {@link #distinctShards()}
 * @param shardSize the size in bytes of every shard of the deal, {@code > 0}; empty if the chain does not record it
 * @param createdAt block at which the deal was created
 * @param expiresAt block at which the deal expires, {@code > createdAt}
 * @param totalReward the reward pool paid by the creator
 * @param status the deal's status
 */
public record PinningDeal(DealId id, AccountId creator, List<ShardHash> shards, OptionalInt shardSize, long createdAt,
        long expiresAt, Balance totalReward, DealStatus status) {

    /** A deal names at least this many shards (the data shards of Reed-Solomon 10+4). */
    public static final int MIN_SHARDS = 10;

    public PinningDeal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(creator, "creator");
        Objects.requireNonNull(totalReward, "totalReward");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(shardSize, "shardSize");
        shards = List.copyOf(shards);
        if (shards.size() < MIN_SHARDS) {
            throw new IllegalArgumentException("a deal needs at least " + MIN_SHARDS + " shards, got " + shards.size());
        }
        if (shardSize.isPresent() && shardSize.getAsInt() <= 0) {
            throw new IllegalArgumentException("shardSize must be positive: " + shardSize.getAsInt());
        }
        if (createdAt < 0) {
            throw new IllegalArgumentException("createdAt must not be negative: " + createdAt);
        }
        if (expiresAt <= createdAt) {
            throw new IllegalArgumentException("expiresAt " + expiresAt + " must be after createdAt " + createdAt);
        }
    }

    /** A deal whose chain records its shard size (the embedded chain). */
    public PinningDeal(DealId id, AccountId creator, List<ShardHash> shards, int shardSize, long createdAt,
            long expiresAt, Balance totalReward, DealStatus status) {
        this(id, creator, shards, OptionalInt.of(shardSize), createdAt, expiresAt, totalReward, status);
    }

    /** Whether the deal still obliges its pinners to keep the shards at {@code block}. */
    public boolean isActiveAt(long block) {
        return status == DealStatus.ACTIVE && block < expiresAt;
    }

    /** This deal with another status. */
    public PinningDeal withStatus(DealStatus newStatus) {
        return new PinningDeal(id, creator, shards, shardSize, createdAt, expiresAt, totalReward, newStatus);
    }

    /**
     * The deal's shard hashes, each once, in the order of their first position: what a pinner keeps and the chain
     * audits. The same list as {@link #shards()} unless a hash repeats.
     */
    public List<ShardHash> distinctShards() {
        return hasDuplicate(shards) ? List.copyOf(new LinkedHashSet<>(shards)) : shards;
    }

    /**
     * Pairwise for the usual 14 shards: no set allocated per deal, which mattered when a node loads 140,000 deals
     * at start.
     */
    private static boolean hasDuplicate(List<ShardHash> shards) {
        int n = shards.size();
        if (n > 32) {
            return new HashSet<>(shards).size() != n;
        }
        for (int i = 1; i < n; i++) {
            ShardHash s = shards.get(i);
            for (int j = 0; j < i; j++) {
                if (s.equals(shards.get(j))) {
                    return true;
                }
            }
        }
        return false;
    }
}

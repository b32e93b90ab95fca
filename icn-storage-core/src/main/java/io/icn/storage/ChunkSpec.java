package io.icn.storage;

/**
 * What a caller states about a chunk when storing it: how it was erasure-coded and under which deal.
 * The store adds what it measures itself (hashes, Merkle roots, creation time) to form a
 * {@link ChunkMeta}.
 *
 * <p>Immutable; thread-safe.
 *
 * @param originalLength the chunk length before erasure coding, {@code >= 0}
 * @param dataShards {@code k}, {@code >= 1}
 * @param parityShards {@code m}, {@code >= 0}; {@code k + m <= 256}
 * @param dealId the pinning deal, at most 256 characters; empty when there is none
 * @param expiryBlock the block at which the deal ends, {@code >= 0}; {@link Long#MAX_VALUE} for never
 */
public record ChunkSpec(long originalLength, int dataShards, int parityShards, String dealId, long expiryBlock) {

    /** The longest deal id accepted. */
    public static final int MAX_DEAL_ID_LENGTH = 256;

    public ChunkSpec {
        if (originalLength < 0) {
            throw new IllegalArgumentException("originalLength must be >= 0: " + originalLength);
        }
        if (dataShards < 1) {
            throw new IllegalArgumentException("dataShards must be >= 1: " + dataShards);
        }
        if (parityShards < 0 || dataShards + parityShards > 256) {
            throw new IllegalArgumentException("parityShards must be >= 0 with k+m <= 256: " + parityShards);
        }
        if (dealId == null || dealId.length() > MAX_DEAL_ID_LENGTH) {
            throw new IllegalArgumentException("dealId must be non-null and at most " + MAX_DEAL_ID_LENGTH
                    + " characters");
        }
        if (expiryBlock < 0) {
            throw new IllegalArgumentException("expiryBlock must be >= 0: " + expiryBlock);
        }
        if (ceilDiv(originalLength, dataShards) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shards of a " + originalLength + "-byte chunk would exceed 2 GiB");
        }
    }

    /** The usual ICN layout, Reed-Solomon 10+4. */
    public static ChunkSpec rs10x4(long originalLength, String dealId, long expiryBlock) {
        return new ChunkSpec(originalLength, 10, 4, dealId, expiryBlock);
    }

    /** {@code k + m}. */
    public int totalShards() {
        return dataShards + parityShards;
    }

    /** The length every shard of the chunk has: {@code ceil(originalLength / k)}. */
    public int shardLength() {
        return (int) ceilDiv(originalLength, dataShards);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** The same spec under another expiry block. */
    public ChunkSpec withExpiryBlock(long block) {
        return new ChunkSpec(originalLength, dataShards, parityShards, dealId, block);
    }
}

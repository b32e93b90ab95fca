package io.icn.chain;

/** The pallet's {@code DealStatus}. */
public enum DealStatus {
    /** Rewards are paid; the shards must be kept. */
    ACTIVE,
    /** Past {@code expires_at}; no more rewards, the shards may be deleted unless another deal holds them. */
    EXPIRED,
    /** Cancelled by its creator; treated as expired by the node. */
    CANCELLED
}

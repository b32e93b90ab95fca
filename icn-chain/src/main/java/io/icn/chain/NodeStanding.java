package io.icn.chain;

import java.util.Objects;

/**
 * A super-node's standing on chain: its declared region, the stake it has bonded (what audits slash),
 * its free balance (where rewards go) and its pinning reputation (what shard assignment ranks by).
 * Immutable and thread-safe.
 *
 * @param account the node's account
 * @param region the region the node declared
 * @param stake bonded stake
 * @param freeBalance spendable balance
 * @param reputation pinning reputation, {@code >= 0}
 */
public record NodeStanding(AccountId account, Region region, Balance stake, Balance freeBalance, long reputation) {

    public NodeStanding {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(stake, "stake");
        Objects.requireNonNull(freeBalance, "freeBalance");
        if (reputation < 0) {
            throw new IllegalArgumentException("reputation must not be negative: " + reputation);
        }
    }
}

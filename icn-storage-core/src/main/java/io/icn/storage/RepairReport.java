package io.icn.storage;

import java.util.List;

/**
 * The outcome of {@link ShardStore.Maintenance#repair(Cid)}.
 *
 * <p>Immutable; thread-safe.
 *
 * @param cid the chunk
 * @param corruptFound shards found corrupt during repair's own verification (and quarantined)
 * @param regenerated shard indexes regenerated, re-verified against their recorded SHA-256 and stored
 */
public record RepairReport(Cid cid, List<Integer> corruptFound, List<Integer> regenerated) {

    public RepairReport {
        java.util.Objects.requireNonNull(cid, "cid");
        corruptFound = List.copyOf(corruptFound);
        regenerated = List.copyOf(regenerated);
    }
}

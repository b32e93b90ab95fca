package io.icn.node;

import java.util.List;

/**
 * What one storage cleanup pass did, or in a dry run would have done. Immutable and thread-safe.
 *
 * @param block the chain block the pass judged expiry against
 * @param dryRun whether the pass only listed
 * @param examined CIDs the expiry index returned
 * @param deleted CIDs deleted (dry run: that would be deleted): no active deal references them
 * @param retained CIDs kept because an active deal still references them (their recorded expiry was
 *     moved to that deal's, except in a dry run)
 * @param skipped CIDs left for a later pass: manifest unreadable, chain unavailable, or delete failed
 * @param bytesFreed bytes freed (0 in a dry run)
 * @param complete false if the pass stopped early because the chain became unavailable
 */
public record CleanupReport(long block, boolean dryRun, int examined, List<String> deleted, List<String> retained,
        List<String> skipped, long bytesFreed, boolean complete) {

    public CleanupReport {
        deleted = List.copyOf(deleted);
        retained = List.copyOf(retained);
        skipped = List.copyOf(skipped);
        if (examined < 0 || bytesFreed < 0) {
            throw new IllegalArgumentException("examined " + examined + " and bytesFreed " + bytesFreed
                    + " must not be negative");
        }
        if (dryRun && bytesFreed != 0) {
            throw new IllegalArgumentException("a dry run frees nothing, got " + bytesFreed + " bytes");
        }
    }
}

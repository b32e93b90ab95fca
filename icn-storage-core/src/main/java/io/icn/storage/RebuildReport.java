package io.icn.storage;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link ShardStore.Maintenance#rebuildIndex(RebuildListener)}.
 *
 * <p>Immutable; thread-safe.
 *
 * @param chunks chunks found and indexed
 * @param shards healthy shards indexed
 * @param bytes bytes of healthy shards
 * @param quarantined shard files that failed verification and were moved to quarantine
 * @param unreadable directories that could not be indexed (no readable manifest) and were moved to quarantine
 * @param skipped entries of the root the rebuild left where they are, with why: a file system's own
 *     {@code lost+found}, directories that are no chunk and that the store's user does not own or may not
 *     write, and any directory whose examination or move failed. A skipped chunk directory is not indexed.
 */
public record RebuildReport(long chunks, long shards, long bytes, long quarantined, List<String> unreadable,
        List<Skipped> skipped) {

    public RebuildReport {
        unreadable = List.copyOf(unreadable);
        skipped = List.copyOf(skipped);
    }

    /**
     * An entry of the store's root that the rebuild did not touch. Immutable; thread-safe.
     *
     * @param name the entry's file name in the root
     * @param reason why it was left, and what to do about it
     */
    public record Skipped(String name, String reason) {

        public Skipped {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
        }
    }
}

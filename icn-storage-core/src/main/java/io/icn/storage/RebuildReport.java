package io.icn.storage;

import java.util.List;

/**
 * The outcome of {@link ShardStore#rebuildIndex(RebuildListener)}.
 *
 * @param chunks chunks found and indexed
 * @param shards healthy shards indexed
 * @param bytes bytes of healthy shards
 * @param quarantined shard files that failed verification and were moved to quarantine
 * @param unreadable directories that could not be indexed (no readable manifest) and were moved to quarantine
 */
public record RebuildReport(long chunks, long shards, long bytes, long quarantined, List<String> unreadable) {

    public RebuildReport {
        unreadable = List.copyOf(unreadable);
    }
}

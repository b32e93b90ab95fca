package io.icn.transport.quic;

import io.icn.storage.ChunkMeta;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The result of {@link ShardClient#fetchShards}: every wanted shard, fetched (verified against the SHA-256
 * its holder recorded and the request's verifier) or rebuilt with Reed-Solomon.
 *
 * <p>Immutable collections; the shard arrays are handed over, not copied: the caller may keep or modify them.
 *
 * @param manifest the manifest that gave the chunk's spec (the first a node sent whose shards were accepted);
 *     its shard list is that node's
 * @param shards every wanted shard, by index
 * @param rebuilt the wanted shards that were rebuilt rather than fetched
 * @param failures what failed on the way, in order: manifests not had, and every shard fetch that failed or whose
 *     bytes were refused ({@link ShardIntegrityException}: not the hash recorded or expected, or refused by the
 *     request's verifier), after which the shard was asked of another holder or rebuilt
 */
public record FetchedShards(ChunkMeta manifest, SortedMap<Integer, byte[]> shards, SortedSet<Integer> rebuilt,
        List<Throwable> failures) {

    public FetchedShards {
        Objects.requireNonNull(manifest, "manifest");
        shards = Collections.unmodifiableSortedMap(new TreeMap<>(shards));
        rebuilt = Collections.unmodifiableSortedSet(new TreeSet<>(rebuilt));
        failures = List.copyOf(failures);
        if (!shards.keySet().containsAll(rebuilt)) {
            throw new IllegalArgumentException("rebuilt shards " + rebuilt + " are not all among " + shards.keySet());
        }
    }
}

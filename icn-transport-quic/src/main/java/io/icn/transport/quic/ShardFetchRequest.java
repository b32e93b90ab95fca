package io.icn.transport.quic;

import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.icn.storage.ShardInfo;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@link ShardClient#fetchShards} fetches: the wanted shards of one chunk, the shards the caller
 * already holds (used, with fetched ones, to rebuild a wanted shard no node can serve), which nodes' recorded
 * shards to trust, how to check the bytes received, and how many fetches to run at once.
 *
 * <p>Immutable and thread-safe: each {@code with}-style method returns a new request. The arrays of
 * {@link #held(Map)} are handed over, not copied: leave them unmodified until the fetch completes.
 */
public final class ShardFetchRequest {

    /** Decides whether a node's recorded shard (from its manifest) makes the node a holder of that shard. */
    @FunctionalInterface
    public interface HolderFilter {
        /**
         * Called on an event loop for every shard a node's manifest lists: quick and non-blocking.
         *
         * @param node the node that answered
         * @param manifest its manifest of the chunk
         * @param shard one of the shards it lists
         * @return true to fetch that shard from it (with {@code shard.sha256()} as the expected hash)
         */
        boolean accepts(InetSocketAddress node, ChunkMeta manifest, ShardInfo shard);
    }

    /** Checks a shard's bytes beyond the transport's SHA-256 check, e.g. against a hash the caller trusts. */
    @FunctionalInterface
    public interface ShardVerifier {
        /**
         * Called on the client's decode executor for every shard received whole and for every shard rebuilt;
         * may hash the bytes, must not modify them.
         *
         * @return false to refuse them: a fetched shard is then asked of the next holder, a rebuilt one fails
         *     the fetch
         */
        boolean accepts(int shardIndex, byte[] shard);
    }

    private final Cid cid;
    private final SortedSet<Integer> indexes;
    private final SortedMap<Integer, byte[]> held;
    private final HolderFilter holderFilter;
    private final ShardVerifier verifier;
    private final int maxInFlight;

    private ShardFetchRequest(Cid cid, SortedSet<Integer> indexes, SortedMap<Integer, byte[]> held,
            HolderFilter holderFilter, ShardVerifier verifier, int maxInFlight) {
        this.cid = cid;
        this.indexes = indexes;
        this.held = held;
        this.holderFilter = holderFilter;
        this.verifier = verifier;
        this.maxInFlight = maxInFlight;
    }

    /**
     * Shards {@code indexes} of chunk {@code cid}; by default the nodes' manifests must agree on each shard's
     * SHA-256 (as in {@link ShardClient#fetchChunk}), nothing is held, no further check is made, and every
     * wanted shard is fetched at once.
     *
     * @throws IllegalArgumentException if {@code indexes} is empty or has an index outside 0..255
     */
    public static ShardFetchRequest of(Cid cid, Collection<Integer> indexes) {
        Objects.requireNonNull(cid, "cid");
        SortedSet<Integer> set = new TreeSet<>();
        for (Integer i : Objects.requireNonNull(indexes, "indexes")) {
            set.add(checkIndex(Objects.requireNonNull(i, "index")));
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("no shard of " + cid + " is wanted");
        }
        return new ShardFetchRequest(cid, Collections.unmodifiableSortedSet(set),
                Collections.unmodifiableSortedMap(new TreeMap<>()), null, null, Integer.MAX_VALUE);
    }

    /**
     * Shards of the chunk the caller holds, by index: counted towards the {@code k} shards a rebuild needs, and
     * returned as they are if wanted. Each must have the chunk's shard length (others are ignored).
     *
     * @throws IllegalArgumentException if an index is outside 0..255
     */
    public ShardFetchRequest held(Map<Integer, byte[]> shards) {
        SortedMap<Integer, byte[]> map = new TreeMap<>();
        Objects.requireNonNull(shards, "shards").forEach((i, b) -> map.put(checkIndex(Objects.requireNonNull(i,
                "index")), Objects.requireNonNull(b, "shard " + i)));
        return new ShardFetchRequest(cid, indexes, Collections.unmodifiableSortedMap(map), holderFilter, verifier,
                maxInFlight);
    }

    /**
     * Which nodes' recorded shards to fetch, instead of requiring the nodes to agree: a node's shard is fetched
     * from it only if the filter accepts it (a refusal is the caller's choice, not reported as a failure), with the
     * SHA-256 that node recorded as the expected hash, and the first manifest with an accepted shard gives the chunk's
     * spec (a node whose spec has another length, {@code k} or {@code m} is not asked; the deal and expiry
     * recorded may differ).
     */
    public ShardFetchRequest holderFilter(HolderFilter filter) {
        return new ShardFetchRequest(cid, indexes, held, Objects.requireNonNull(filter, "filter"), verifier,
                maxInFlight);
    }

    /** A check of every shard received or rebuilt, beyond its SHA-256; see {@link ShardVerifier}. */
    public ShardFetchRequest verifier(ShardVerifier verifier) {
        return new ShardFetchRequest(cid, indexes, held, holderFilter, Objects.requireNonNull(verifier, "verifier"),
                maxInFlight);
    }

    /** Shard fetches running at once for this request, at least 1; default unbounded. */
    public ShardFetchRequest maxInFlight(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1: " + max);
        }
        return new ShardFetchRequest(cid, indexes, held, holderFilter, verifier, max);
    }

    public Cid cid() {
        return cid;
    }

    /** The wanted shard indexes, ascending. */
    public SortedSet<Integer> indexes() {
        return indexes;
    }

    /** The shards the caller holds, by index. */
    public SortedMap<Integer, byte[]> heldShards() {
        return held;
    }

    /** The holder filter, or {@code null} when the nodes must agree. */
    HolderFilter holderFilterOrNull() {
        return holderFilter;
    }

    /** The verifier, or {@code null} when none. */
    ShardVerifier verifierOrNull() {
        return verifier;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    private static int checkIndex(int index) {
        if (index < 0 || index > 255) {
            throw new IllegalArgumentException("shard index must be 0..255: " + index);
        }
        return index;
    }

    @Override
    public String toString() {
        return "shards " + indexes + " of " + cid;
    }
}

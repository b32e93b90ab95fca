package io.icn.transport.quic;

import io.icn.erasure.ErasureException;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.ShardInfo;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One fetch of a chunk's shards from the nodes that hold them: the whole chunk ({@link ShardClient#fetchChunk})
 * or given shards by index ({@link ShardClient#fetchShards}). It discovers which node holds which shard, keeps
 * as many shard fetches running as are still needed, prefers the least-loaded holder, moves on to another
 * holder of the same shard when a fetch fails or its bytes are refused, and decodes with Reed-Solomon once
 * {@code k} verified shards are in.
 *
 * <p>For the whole chunk it fetches the {@code k} cheapest shards (data shards first: no decoding work), plus
 * one per fetch slower than the hedge delay. For given shards it fetches each wanted one; when a wanted shard
 * has no holder left to try, it fetches any shards until {@code k} are in (counting those the caller holds) and
 * rebuilds the missing wanted ones.
 *
 * <p>Thread-safe: every state change happens under this object's monitor; callbacks arrive from event
 * loops and timers. Decoding, rebuilding and the request's verifier run on the client's decode executor.
 */
final class ChunkFetcher {
    /** Longest chunk one array holds. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final QuicShardClient client;
    private final List<InetSocketAddress> nodes;
    private final Cid cid;
    /** The wanted shards, or {@code null} for the whole chunk. */
    private final SortedSet<Integer> wanted;
    private final Map<Integer, byte[]> held;
    private final ShardFetchRequest.HolderFilter holderFilter;
    private final ShardFetchRequest.ShardVerifier verifier;
    private final int maxInFlight;
    /** A {@code byte[]} (whole chunk) or {@link FetchedShards} (given shards). */
    private final CompletableFuture<Object> result = new CompletableFuture<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final Map<Integer, CompletableFuture<?>> inflight = new HashMap<>();
    private final Set<Integer> hedged = new HashSet<>();
    private final Map<InetSocketAddress, Integer> load = new HashMap<>();
    /**
     * The hedge timers still pending, cancelled once the result is complete: each holds this fetcher, and so the
     * chunk's array, for the whole hedge delay, which kept a client fetching chunk after chunk holding seconds' worth
     * of them (a gigabyte at ten 50 MB chunks a second, and collections of seconds promoting them).
     */
    private final List<Future<?>> timers = new ArrayList<>();
    private ChunkMeta meta;
    /** The SHA-256 the nodes agree on per shard (when no holder filter decides). */
    private byte[][] hashes;
    /** Per shard: its holders and the SHA-256 expected from each. */
    private List<Map<InetSocketAddress, byte[]>> holders;
    private List<Set<InetSocketAddress>> tried;
    private byte[][] shards;
    /**
     * The whole chunk's result, allocated once the chunk's shape is known: each data shard that lies wholly inside
     * the chunk is fetched straight into its place there (no shard array, no copy), the others into {@link #shards}.
     * Null for given shards, and for a chunk too large for an array (decoding then says so).
     */
    private byte[] chunk;
    /** Per shard: whether it is in {@link #chunk} (fetched there and verified) rather than in {@link #shards}. */
    private boolean[] inChunk;
    private int have;
    private int discoveryPending;
    private boolean hedgeTimePassed;
    /** Given shards: some wanted shard cannot be fetched, so any {@code k} are being gathered to rebuild it. */
    private boolean rebuilding;
    private boolean decoding; // the goal is reached: nothing more is started, late results are ignored

    private ChunkFetcher(QuicShardClient client, List<InetSocketAddress> nodes, Cid cid, ShardFetchRequest request) {
        this.client = client;
        this.nodes = nodes;
        this.cid = cid;
        this.wanted = request == null ? null : request.indexes();
        this.held = request == null ? Map.of() : request.heldShards();
        this.holderFilter = request == null ? null : request.holderFilterOrNull();
        this.verifier = request == null ? null : request.verifierOrNull();
        this.maxInFlight = request == null ? Integer.MAX_VALUE : request.maxInFlight();
        result.whenComplete((v, e) -> release());
    }

    /** The result is complete: no timer, and no array of this fetch's, outlives it here. */
    private synchronized void release() {
        timers.forEach(t -> t.cancel(false));
        timers.clear();
        chunk = null;
        shards = null;
    }

    private synchronized void timer(Runnable task) {
        if (!result.isDone()) {
            timers.add(client.group().schedule(task, client.hedgeAfter().toNanos(), TimeUnit.NANOSECONDS));
        }
    }

    /** The whole chunk, decoded. */
    @SuppressWarnings("unchecked")
    static CompletableFuture<byte[]> start(QuicShardClient client, List<InetSocketAddress> nodes, Cid cid,
            ChunkMeta manifest) {
        ChunkFetcher fetcher = new ChunkFetcher(client, nodes, cid, null);
        fetcher.discover(manifest);
        return (CompletableFuture<byte[]>) (CompletableFuture<?>) fetcher.result;
    }

    /** The request's shards, fetched or rebuilt. */
    @SuppressWarnings("unchecked")
    static CompletableFuture<FetchedShards> start(QuicShardClient client, List<InetSocketAddress> nodes,
            ShardFetchRequest request) {
        ChunkFetcher fetcher = new ChunkFetcher(client, nodes, request.cid(), request);
        fetcher.discover(null);
        return (CompletableFuture<FetchedShards>) (CompletableFuture<?>) fetcher.result;
    }

    // ---- discovery --------------------------------------------------------------------------------------

    private synchronized void discover(ChunkMeta manifest) {
        if (manifest != null) {
            adopt(manifest);
        }
        discoveryPending = nodes.size();
        for (InetSocketAddress node : nodes) {
            if (manifest == null) {
                client.manifest(node, cid).whenComplete((m, e) -> onDiscovered(node, m, null, e));
            } else {
                client.has(node, cid).whenComplete((held, e) -> onDiscovered(node, null, held, e));
            }
        }
        timer(this::onHedgeTime);
    }

    private synchronized void onHedgeTime() {
        hedgeTimePassed = true;
        schedule();
    }

    private synchronized void onDiscovered(InetSocketAddress node, ChunkMeta nodeMeta, SortedSet<Integer> held,
            Throwable error) {
        discoveryPending--;
        if (result.isDone()) {
            return; // cancelled by the caller (or given up) before this node answered: nothing to allocate for
        }
        if (error != null) {
            failures.add(error);
        } else if (nodeMeta != null) {
            learn(node, nodeMeta);
        } else if (held != null && meta != null) {
            for (int index : held) {
                if (index < holders.size() && hashes[index] != null) {
                    holders.get(index).put(node, hashes[index]);
                }
            }
        }
        schedule();
    }

    /** Records which of the shards a node's manifest lists it may be asked for. */
    private void learn(InetSocketAddress node, ChunkMeta nodeMeta) {
        if (meta == null) {
            if (holderFilter != null && nodeMeta.shards().stream().noneMatch(s -> holderFilter.accepts(node,
                    nodeMeta, s))) {
                return; // the request's filter takes none of its shards: not a holder, and not a fault to report
            }
            adopt(nodeMeta);
        }
        if (holderFilter == null && !meta.spec().equals(nodeMeta.spec())) {
            failures.add(new ShardIntegrityException(node + " describes " + cid + " as " + nodeMeta.spec()
                    + ", other nodes as " + meta.spec()));
            return;
        }
        if (holderFilter != null && !sameShape(meta.spec(), nodeMeta.spec())) {
            failures.add(new TransportException(node + " describes " + cid + " as " + nodeMeta.spec()
                    + ", another holder as " + meta.spec() + ": its shards cannot be decoded with theirs"));
            return;
        }
        for (ShardInfo s : nodeMeta.shards()) {
            int i = s.index();
            if (i >= hashes.length) {
                failures.add(new ShardIntegrityException(node + " lists shard " + i + " of " + cid + ", which has "
                        + hashes.length));
            } else if (holderFilter != null) {
                if (holderFilter.accepts(node, nodeMeta, s)) { // otherwise not a holder of it: the caller's choice
                    holders.get(i).put(node, s.sha256());
                }
            } else {
                if (hashes[i] == null) {
                    hashes[i] = s.sha256();
                }
                if (Arrays.equals(hashes[i], s.sha256())) {
                    holders.get(i).put(node, hashes[i]);
                } else {
                    failures.add(new ShardIntegrityException(node + " holds shard " + i + " of " + cid
                            + " with a SHA-256 other nodes do not agree with"));
                }
            }
        }
    }

    /** Whether shards of one can be decoded with shards of the other (deal and expiry aside). */
    private static boolean sameShape(ChunkSpec a, ChunkSpec b) {
        return a.originalLength() == b.originalLength() && a.dataShards() == b.dataShards()
                && a.parityShards() == b.parityShards();
    }

    private void adopt(ChunkMeta m) {
        meta = m;
        int total = m.spec().totalShards();
        hashes = new byte[total][];
        holders = new ArrayList<>(total);
        tried = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            holders.add(new LinkedHashMap<>());
            tried.add(new HashSet<>());
        }
        if (holderFilter == null) {
            for (ShardInfo s : m.shards()) {
                hashes[s.index()] = s.sha256();
            }
        }
        shards = new byte[total][];
        inChunk = new boolean[total];
        if (wanted == null && m.originalLength() <= MAX_ARRAY) {
            chunk = new byte[(int) m.originalLength()];
        }
        for (Map.Entry<Integer, byte[]> h : held.entrySet()) {
            if (h.getKey() < total && h.getValue().length == m.spec().shardLength()) {
                shards[h.getKey()] = h.getValue();
                have++;
            }
        }
    }

    // ---- shard fetches ----------------------------------------------------------------------------------

    /** Starts fetches until enough are running, finishes once the goal is reached, or gives up. */
    private void schedule() {
        if (result.isDone() || decoding) {
            return;
        }
        if (meta == null) {
            if (discoveryPending == 0) {
                giveUp("no node answered for " + cid);
            }
            return;
        }
        if (wanted != null && wanted.last() >= shards.length) {
            giveUp("shard " + wanted.last() + " of " + cid + " is wanted, but the chunk has " + shards.length
                    + " shards");
            return;
        }
        if (goalReached()) {
            finish();
            return;
        }
        if (discoveryPending > 0 && !hedgeTimePassed) {
            return;
        }
        if (wanted != null && !rebuilding && discoveryPending == 0 && anyWantedOutOfReach()) {
            rebuilding = true;
            if (goalReached()) { // the shards already had may be enough to rebuild from
                finish();
                return;
            }
        }
        int k = meta.dataShards();
        while (inflight.size() < maxInFlight && (!gatheringAnyK() || have + inflight.size() < k + hedged.size())) {
            int index = nextIndex();
            if (index < 0) {
                break;
            }
            launch(index);
        }
        if (inflight.isEmpty() && discoveryPending == 0) {
            giveUp(wanted == null
                    ? "only " + have + " of the " + k + " shards needed for " + cid + " could be fetched from " + nodes
                    : "shards " + missingWanted() + " of " + cid + " could be neither fetched from " + nodes
                            + " nor rebuilt: " + have + " of the " + k + " shards needed could be had");
        }
    }

    /** Whether any shard that has a holder is useful now, rather than the wanted ones only. */
    private boolean gatheringAnyK() {
        return wanted == null || rebuilding;
    }

    private boolean goalReached() {
        if (wanted != null && missingWanted().isEmpty()) {
            return true;
        }
        return gatheringAnyK() && have >= meta.dataShards();
    }

    private boolean present(int index) {
        return shards[index] != null || inChunk[index];
    }

    /** Whether data shard {@code index} is fetched into its place in {@link #chunk}: it lies wholly inside. */
    private boolean fetchedInPlace(int index) {
        long shardLength = meta.spec().shardLength();
        return chunk != null && index < meta.dataShards() && (index + 1) * shardLength <= chunk.length;
    }

    private SortedSet<Integer> missingWanted() {
        SortedSet<Integer> out = new TreeSet<>();
        for (int i : wanted) {
            if (!present(i)) {
                out.add(i);
            }
        }
        return out;
    }

    private boolean anyWantedOutOfReach() {
        for (int i : wanted) {
            if (!present(i) && !inflight.containsKey(i) && !hasUntriedHolder(i)) {
                return true;
            }
        }
        return false;
    }

    private boolean hasUntriedHolder(int index) {
        for (InetSocketAddress node : holders.get(index).keySet()) {
            if (!tried.get(index).contains(node)) {
                return true;
            }
        }
        return false;
    }

    /** The cheapest useful shard not held, not in flight, with a holder not yet tried: data shards come first. */
    private int nextIndex() {
        for (int i = 0; i < shards.length; i++) {
            if (!present(i) && !inflight.containsKey(i) && (gatheringAnyK() || wanted.contains(i))
                    && hasUntriedHolder(i)) {
                return i;
            }
        }
        return -1;
    }

    private void launch(int index) {
        InetSocketAddress best = null;
        for (InetSocketAddress node : holders.get(index).keySet()) {
            if (!tried.get(index).contains(node)
                    && (best == null || load.getOrDefault(node, 0) < load.getOrDefault(best, 0))) {
                best = node;
            }
        }
        InetSocketAddress node = best;
        tried.get(index).add(node);
        load.merge(node, 1, Integer::sum);
        byte[] expected = holders.get(index).get(node);
        if (fetchedInPlace(index)) {
            int shardLength = meta.spec().shardLength();
            CompletableFuture<ShardReceipt> fetch = client.fetchShard(node, cid, index, expected,
                    ByteBuffer.wrap(chunk, index * shardLength, shardLength));
            started(index, fetch);
            fetch.whenComplete((receipt, error) -> onShard(index, node, fetch, error,
                    receipt != null && receipt.length() == shardLength && receipt.verified(), null));
            return;
        }
        CompletableFuture<ShardData> fetch = client.fetchShard(node, cid, index, expected);
        started(index, fetch);
        CompletableFuture<ShardData> checked = verifier == null ? fetch
                : fetch.thenApplyAsync(data -> verified(index, node, data), client.decodeExecutor());
        checked.whenComplete((data, error) -> onShard(index, node, fetch, error, data != null && wholeAndVerified(data),
                data == null ? null : data.bytes()));
    }

    private void started(int index, CompletableFuture<?> fetch) {
        inflight.put(index, fetch);
        timer(() -> onSlow(index, fetch));
    }

    /** The request's verifier on a whole, hash-checked shard (off the event loop). */
    private ShardData verified(int index, InetSocketAddress node, ShardData data) {
        if (wholeAndVerified(data) && !verifier.accepts(index, data.bytes())) {
            throw new ShardIntegrityException("shard " + index + " of " + cid + " from " + node
                    + " is refused by the request's verifier");
        }
        return data;
    }

    private boolean wholeAndVerified(ShardData data) {
        return data.bytes().length == meta.spec().shardLength() && data.verified();
    }

    private synchronized void onSlow(int index, CompletableFuture<?> fetch) {
        if (!result.isDone() && inflight.get(index) == fetch && hedged.add(index)) {
            schedule();
        }
    }

    /**
     * A fetch ended: {@code whole} if it delivered the verified whole shard, which is {@code bytes}, or in its
     * place in {@link #chunk} when {@code bytes} is null.
     */
    private synchronized void onShard(int index, InetSocketAddress node, CompletableFuture<?> fetch, Throwable error,
            boolean whole, byte[] bytes) {
        load.merge(node, -1, Integer::sum);
        if (inflight.get(index) == fetch) {
            inflight.remove(index);
            hedged.remove(index);
        }
        if (result.isDone() || decoding) {
            return; // done, or decoding: a late or cancelled fetch changes nothing
        }
        if (error != null) {
            failures.add(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
        } else if (!whole) {
            failures.add(new ShardIntegrityException("shard " + index + " of " + cid + " from " + node
                    + " is not the verified whole shard"));
        } else if (!present(index)) {
            if (bytes == null) {
                inChunk[index] = true;
            } else {
                shards[index] = bytes;
            }
            have++;
        }
        schedule();
    }

    private void finish() {
        decoding = true;
        // Copied and cleared first: cancelling runs each fetch's onShard at once, on this thread, and that
        // removes it from the map. Iterating the map while it shrinks would throw inside this callback, where
        // nobody sees it, and the chunk's result would never complete (a hedged fetch would hang).
        List<CompletableFuture<?>> running = List.copyOf(inflight.values());
        inflight.clear();
        hedged.clear();
        running.forEach(f -> f.cancel(false));
        byte[][] present = shards;
        byte[] whole = chunk;
        boolean[] placed = inChunk.clone();
        ChunkMeta m = meta;
        List<Throwable> seen = List.copyOf(failures);
        try {
            client.decodeExecutor().execute(() -> {
                try {
                    result.complete(wanted == null ? decode(client, m, present, whole, placed)
                            : assemble(m, present, seen));
                } catch (ShardIntegrityException e) {
                    result.completeExceptionally(e);
                } catch (RuntimeException e) {
                    result.completeExceptionally(new TransportException("cannot decode " + cid, e));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(new TransportException("cannot decode " + cid, e));
        }
    }

    /**
     * The chunk from its shards: those in {@code shards} and, where {@code placed}, those already in their place in
     * {@code chunk}. Systematic code: when every data shard is in, the data shards are the chunk (padded), and the
     * ones not fetched in place are copied into it; otherwise Reed-Solomon decodes into a new array (a shard still
     * being written into {@code chunk} by a cancelled fetch is never read).
     */
    private static byte[] decode(QuicShardClient client, ChunkMeta meta, byte[][] shards, byte[] chunk,
            boolean[] placed) {
        int k = meta.dataShards();
        long length = meta.originalLength();
        if (length > MAX_ARRAY) {
            throw new IllegalArgumentException("chunk of " + length + " bytes does not fit an array");
        }
        int shardLength = meta.spec().shardLength();
        boolean allData = true;
        for (int i = 0; i < k; i++) {
            allData &= shards[i] != null || placed[i] || (long) i * shardLength >= length;
        }
        if (allData) {
            for (int i = 0, at = 0; i < k && at < chunk.length; i++, at += shardLength) {
                if (!placed[i]) {
                    System.arraycopy(shards[i], 0, chunk, at, Math.min(shardLength, chunk.length - at));
                }
            }
            return chunk;
        }
        for (int i = 0; i < k; i++) {
            if (placed[i]) {
                shards[i] = Arrays.copyOfRange(chunk, i * shardLength, (i + 1) * shardLength);
            }
        }
        try {
            return client.codec(k, meta.parityShards()).decode(shards, (int) length);
        } catch (ErasureException e) {
            throw new TransportException("Reed-Solomon decoding of " + meta.cid() + " failed", e);
        }
    }

    /** The wanted shards, the missing ones rebuilt from the {@code k} or more present and verified. */
    private FetchedShards assemble(ChunkMeta m, byte[][] present, List<Throwable> seen) {
        SortedSet<Integer> rebuilt = missingWanted();
        byte[][] all = present;
        if (!rebuilt.isEmpty()) {
            all = new byte[present.length][];
            boolean[] ok = new boolean[present.length];
            for (int i = 0; i < present.length; i++) {
                ok[i] = present[i] != null;
                all[i] = ok[i] ? present[i] : new byte[m.spec().shardLength()];
            }
            try {
                client.codec(m.dataShards(), m.parityShards()).reconstruct(all, ok);
            } catch (ErasureException e) {
                throw new TransportException("Reed-Solomon rebuilding of shards " + rebuilt + " of " + cid
                        + " failed", e);
            }
            for (int i : rebuilt) {
                if (verifier != null && !verifier.accepts(i, all[i])) {
                    throw new ShardIntegrityException("rebuilt shard " + i + " of " + cid
                            + " is refused by the request's verifier");
                }
            }
        }
        SortedMap<Integer, byte[]> out = new TreeMap<>();
        for (int i : wanted) {
            out.put(i, all[i]);
        }
        return new FetchedShards(m, out, rebuilt, seen);
    }

    private void giveUp(String message) {
        ChunkUnavailableException e = new ChunkUnavailableException(message);
        for (Throwable t : failures) {
            e.addSuppressed(t);
        }
        result.completeExceptionally(e);
    }
}

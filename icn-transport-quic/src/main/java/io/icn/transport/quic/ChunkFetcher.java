package io.icn.transport.quic;

import io.icn.erasure.ErasureException;
import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.icn.storage.ShardInfo;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One whole-chunk fetch ({@link ShardClient#fetchChunk}): discovers which node holds which shard, keeps
 * exactly as many shard fetches running as are still needed (plus one per fetch slower than the hedge
 * delay), prefers data shards (no decoding work) and the least-loaded holder, falls back to parity
 * shards and other holders on failure, and decodes once {@code k} verified shards are in.
 *
 * <p>Thread-safe: every state change happens under this object's monitor; callbacks arrive from event
 * loops and timers. Decoding runs on the client's decode executor.
 */
final class ChunkFetcher {

    private final QuicShardClient client;
    private final List<InetSocketAddress> nodes;
    private final Cid cid;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final Map<Integer, CompletableFuture<ShardData>> inflight = new HashMap<>();
    private final Set<Integer> hedged = new HashSet<>();
    private final Map<InetSocketAddress, Integer> load = new HashMap<>();
    private ChunkMeta meta;
    private byte[][] hashes;
    private List<Set<InetSocketAddress>> holders;
    private List<Set<InetSocketAddress>> tried;
    private byte[][] shards;
    private int have;
    private int discoveryPending;
    private boolean hedgeTimePassed;
    private boolean decoding; // k shards are in: nothing more is started, late results are ignored

    private ChunkFetcher(QuicShardClient client, List<InetSocketAddress> nodes, Cid cid) {
        this.client = client;
        this.nodes = nodes;
        this.cid = cid;
    }

    static CompletableFuture<byte[]> start(QuicShardClient client, List<InetSocketAddress> nodes, Cid cid,
            ChunkMeta manifest) {
        ChunkFetcher fetcher = new ChunkFetcher(client, nodes, cid);
        fetcher.discover(manifest);
        return fetcher.result;
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
        client.group().schedule(this::onHedgeTime, client.hedgeAfter().toNanos(), TimeUnit.NANOSECONDS);
    }

    private synchronized void onHedgeTime() {
        hedgeTimePassed = true;
        schedule();
    }

    private synchronized void onDiscovered(InetSocketAddress node, ChunkMeta nodeMeta, SortedSet<Integer> held,
            Throwable error) {
        discoveryPending--;
        if (error != null) {
            failures.add(error);
        } else if (nodeMeta != null) {
            if (meta == null) {
                adopt(nodeMeta);
            }
            if (!meta.spec().equals(nodeMeta.spec())) {
                failures.add(new ShardIntegrityException(node + " describes " + cid + " as " + nodeMeta.spec()
                        + ", other nodes as " + meta.spec()));
            } else {
                for (ShardInfo s : nodeMeta.shards()) {
                    if (s.index() < hashes.length && hashes[s.index()] == null) {
                        hashes[s.index()] = s.sha256();
                    }
                    if (s.index() < hashes.length && Arrays.equals(hashes[s.index()], s.sha256())) {
                        holders.get(s.index()).add(node);
                    } else {
                        failures.add(new ShardIntegrityException(node + " holds shard " + s.index() + " of " + cid
                                + " with a SHA-256 other nodes do not agree with"));
                    }
                }
            }
        } else if (held != null && meta != null) {
            for (int index : held) {
                if (index < holders.size()) {
                    holders.get(index).add(node);
                }
            }
        }
        schedule();
    }

    private void adopt(ChunkMeta m) {
        meta = m;
        int total = m.spec().totalShards();
        hashes = new byte[total][];
        holders = new ArrayList<>(total);
        tried = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            holders.add(new HashSet<>());
            tried.add(new HashSet<>());
        }
        for (ShardInfo s : m.shards()) {
            hashes[s.index()] = s.sha256();
        }
        shards = new byte[total][];
    }

    // ---- shard fetches ----------------------------------------------------------------------------------

    /** Starts fetches until enough are running, or gives up when nothing is left to try. */
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
        if (discoveryPending > 0 && !hedgeTimePassed) {
            return;
        }
        int k = meta.dataShards();
        while (have + inflight.size() < k + hedged.size()) {
            int index = nextIndex();
            if (index < 0) {
                break;
            }
            launch(index);
        }
        if (inflight.isEmpty() && have < k && discoveryPending == 0) {
            giveUp("only " + have + " of the " + k + " shards needed for " + cid + " could be fetched from " + nodes);
        }
    }

    /** The cheapest shard not held, not in flight, with a holder not yet tried: data shards come first. */
    private int nextIndex() {
        for (int i = 0; i < shards.length; i++) {
            if (shards[i] == null && !inflight.containsKey(i) && hashes[i] != null) {
                Set<InetSocketAddress> candidates = new HashSet<>(holders.get(i));
                candidates.removeAll(tried.get(i));
                if (!candidates.isEmpty()) {
                    return i;
                }
            }
        }
        return -1;
    }

    private void launch(int index) {
        InetSocketAddress best = null;
        for (InetSocketAddress node : holders.get(index)) {
            if (!tried.get(index).contains(node)
                    && (best == null || load.getOrDefault(node, 0) < load.getOrDefault(best, 0))) {
                best = node;
            }
        }
        InetSocketAddress node = best;
        tried.get(index).add(node);
        load.merge(node, 1, Integer::sum);
        CompletableFuture<ShardData> fetch = client.fetchShard(node, cid, index, hashes[index]);
        inflight.put(index, fetch);
        client.group().schedule(() -> onSlow(index, fetch), client.hedgeAfter().toNanos(), TimeUnit.NANOSECONDS);
        fetch.whenComplete((data, error) -> onShard(index, node, fetch, data, error));
    }

    private synchronized void onSlow(int index, CompletableFuture<ShardData> fetch) {
        if (!result.isDone() && inflight.get(index) == fetch && hedged.add(index)) {
            schedule();
        }
    }

    private synchronized void onShard(int index, InetSocketAddress node, CompletableFuture<ShardData> fetch,
            ShardData data, Throwable error) {
        load.merge(node, -1, Integer::sum);
        if (inflight.get(index) == fetch) {
            inflight.remove(index);
            hedged.remove(index);
        }
        if (result.isDone() || decoding) {
            return; // done, or decoding: a late or cancelled fetch changes nothing
        }
        if (error != null) {
            failures.add(error);
        } else if (data.bytes().length != meta.spec().shardLength() || !data.verified()) {
            failures.add(new ShardIntegrityException("shard " + index + " of " + cid + " from " + node
                    + " is not the verified whole shard"));
        } else if (shards[index] == null) {
            shards[index] = data.bytes();
            have++;
            if (have == meta.dataShards()) {
                finish();
                return;
            }
        }
        schedule();
    }

    private void finish() {
        decoding = true;
        // Copied and cleared first: cancelling runs each fetch's onShard at once, on this thread, and that
        // removes it from the map. Iterating the map while it shrinks would throw inside this callback, where
        // nobody sees it, and the chunk's result would never complete (a hedged fetch would hang).
        List<CompletableFuture<ShardData>> running = List.copyOf(inflight.values());
        inflight.clear();
        hedged.clear();
        running.forEach(f -> f.cancel(false));
        byte[][] present = shards;
        ChunkMeta m = meta;
        try {
            client.decodeExecutor().execute(() -> {
                try {
                    result.complete(decode(client, m, present));
                } catch (RuntimeException e) {
                    result.completeExceptionally(new TransportException("cannot decode " + cid, e));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(new TransportException("cannot decode " + cid, e));
        }
    }

    private static byte[] decode(QuicShardClient client, ChunkMeta meta, byte[][] shards) {
        int k = meta.dataShards();
        long length = meta.originalLength();
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("chunk of " + length + " bytes does not fit an array");
        }
        boolean allData = true;
        for (int i = 0; i < k; i++) {
            allData &= shards[i] != null;
        }
        if (allData) {
            // Systematic code: the data shards are the chunk, padded.
            byte[] out = new byte[(int) length];
            int shardLength = meta.spec().shardLength();
            for (int i = 0, at = 0; i < k && at < out.length; i++, at += shardLength) {
                System.arraycopy(shards[i], 0, out, at, Math.min(shardLength, out.length - at));
            }
            return out;
        }
        try {
            return client.codec(k, meta.parityShards()).decode(shards, (int) length);
        } catch (ErasureException e) {
            throw new TransportException("Reed-Solomon decoding of " + meta.cid() + " failed", e);
        }
    }

    private void giveUp(String message) {
        ChunkUnavailableException e = new ChunkUnavailableException(message);
        for (Throwable t : failures) {
            e.addSuppressed(t);
        }
        result.completeExceptionally(e);
    }
}

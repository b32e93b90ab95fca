package io.icn.node;

import io.icn.chain.AccountId;
import io.icn.chain.AuditProofs;
import io.icn.chain.BlockSubscription;
import io.icn.chain.ChainCapability;
import io.icn.chain.ChainClient;
import io.icn.chain.ChainUnavailableException;
import io.icn.chain.DealId;
import io.icn.chain.NodeEndpoint;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;
import io.icn.erasure.Gf256Kernel;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.InvalidCidException;
import io.icn.storage.ShardInfo;
import io.icn.storage.ShardStore;
import io.icn.storage.StorageException;
import io.icn.transport.quic.FetchedShards;
import io.icn.transport.quic.ShardClient;
import io.icn.transport.quic.ShardClientBuilder;
import io.icn.transport.quic.ShardFetchRequest;
import io.icn.transport.quic.ShardIntegrityException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication by assignment: makes this node hold every shard the chain assigns it, by pulling the shards
 * it lacks over QUIC from nodes that hold them.
 *
 * <h2>A pass</h2>
 * At {@link #start()} and after every block, a pass runs on the executor: it reads
 * {@link ChainClient#shardAssignments()}, skips shards already known to be held, and for the others looks up
 * their active deals ({@link ChainClient#dealsForShard}) that assign every one of their shards here. For each
 * such deal it reads the content the creator recorded ({@link ChainClient#dealContent}: the chunk's CID, shard
 * {@code i} of the deal being shard {@code i} of the chunk) and compares the deal with the store's manifest of
 * that CID. A deal whose shards are all held is settled; one with missing shards is replicated, at most
 * {@code maxConcurrentDeals} at a time.
 *
 * <h2>Replicating a deal</h2>
 * Holders are the nodes of the chain's registry ({@link ChainClient#nodeEndpoints()}, this node excepted), the
 * configured {@code peers} and, with the node on the network, the holders the DHT names for the deal's CID (its
 * manifest's location and the providers the registry knows; {@link Builder#holderLookup}), all reached through one shared {@link ShardClient} (one UDP socket, one event
 * loop) that pins each node's certificate fingerprint to that node's address alone ({@link ShardClient#pinNode}),
 * kept in step with the registry at every deal. The transport's fetcher ({@link ShardClient#fetchShards}) asks
 * every holder for its manifest and takes as holders of a shard only the nodes whose recorded root for it is the
 * deal's; it fetches each missing shard from a holder with that holder's recorded SHA-256 as the expected hash, at
 * most {@code maxConcurrentFetches} at a time, checks the bytes against the deal's shard hash, and asks the next
 * holder when a fetch fails or the bytes are not the deal's (each such shard counted as {@code hash_mismatch}).
 * When some missing shard has no holder left but {@code k} shards can be had (held here or fetched), it rebuilds
 * the missing ones with Reed-Solomon and checks them the same way. The replicator stores them with
 * {@link ShardStore#putShard} and checks the root the store recorded. A deal that fails is retried after an
 * exponential back-off ({@code initialBackoff} doubling to {@code maxBackoff}); the failure is counted by
 * reason and logged.
 *
 * <h2>Restoring lost shards</h2>
 * A shard counts as held only while the store holds it healthy: a quarantined shard (found corrupt or
 * missing by the scrubber, a verified read or an audit) is missing. Every pass re-checks the deals it had
 * settled against the store ({@link ShardStore#bytesStored}, no disk I/O) and takes up again any whose
 * chunk lost a shard; {@link #shardLost} (the store's scrub callback) asks for such a pass at once. A
 * deal with quarantined shards is first repaired locally ({@link ShardStore.Maintenance#repair}) when {@code k}
 * healthy shards remain; what is still missing then is fetched from the holders as above.
 *
 * <h2>Metrics</h2>
 * {@code icn_super_node_replication_shards}, {@code icn_super_node_replication_bytes} and
 * {@code icn_super_node_replication_deals} counters; {@code icn_super_node_replication_failure{reason}} with
 * {@code no_content}, {@code no_holders}, {@code fetch_failed}, {@code hash_mismatch}, {@code store_failed},
 * {@code chain_unavailable}; {@code icn_super_node_replication_restored{source}} counting quarantined shards
 * made healthy again, {@code local} (repaired from this node's shards) or {@code peer} (fetched from, or
 * rebuilt with, other nodes); {@code icn_super_node_replication_in_flight} gauge (deals being replicated).
 *
 * <h2>Threads</h2>
 * Thread-safe. Block notifications only schedule a pass; passes and deal replication run on the executor
 * (never on the chain's or the transport's threads). A deal being replicated occupies one executor thread
 * while it waits for its fetches (with a timeout), so the executor needs a thread more than its other
 * users. The checks of fetched and rebuilt shards against the deal's hashes run on the shard client's decode
 * executor (the common fork-join pool), its choice of holders on the client's event loop. Passes never overlap; a
 * block during a pass schedules one more.
 *
 * <h2>Ownership</h2>
 * Does not own the chain client, the store, the executor or the scheduler; owns its shard client (created at the
 * first deal to fetch). {@link #close()} unsubscribes, closes the shard client (failing fetches in progress) and is
 * idempotent.
 */
final class Replicator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

    private final ChainClient chain;
    private final ShardStore store;
    private final ProofScheme scheme;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final List<QuicPeer> staticPeers;
    private final Function<Cid, List<String>> holderLookup;
    private final int maxConcurrentFetches;
    private final int maxConcurrentDeals;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final Duration fetchTimeout;
    private final Gf256Kernel erasureKernel;

    /** A full pass at least this often, whatever the skip check says. */
    static final int FULL_PASS_EVERY = 100;

    private final Set<ShardHash> settled = ConcurrentHashMap.newKeySet();
    /** The settled deals whose chunk is known, re-checked against the store at every pass. */
    private final Map<DealId, Held> held = new ConcurrentHashMap<>();
    private final Map<DealId, Boolean> inFlight = new ConcurrentHashMap<>();
    private final Map<DealId, Backoff> backoffs = new ConcurrentHashMap<>();
    /** The fingerprint pinned for each node on the shared client (guarded by itself). */
    private final Map<InetSocketAddress, String> pinned = new HashMap<>();
    private ShardClient shardClient; // guarded by lifecycle; created at first use
    private ExecutorService decodeThread; // guarded by lifecycle; created with the shard client
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private final Object passLock = new Object();
    // The assignments the last full pass saw, and whether it left every one of them settled (guarded by passLock).
    private int lastAssignedCount = -1;
    private long lastAssignedFingerprint;
    private boolean lastPassSettledAll;
    private int skippedPasses;
    private final Object lifecycle = new Object();
    private volatile BlockSubscription subscription;
    private volatile boolean started;
    private volatile boolean closed;

    private final Counter shards;
    private final Counter bytes;
    private final Counter deals;
    private final Counter restoredLocal;
    private final Counter restoredPeer;
    private final MeterRegistry registry;
    private final Gauge inFlightGauge;

    private record Backoff(int failures, long notBeforeNanos) {
    }

    /** A settled deal's chunk and the bytes of healthy shards the store holds of it when none is lost. */
    private record Held(Cid cid, List<ShardHash> shards, long bytes) {
    }

    private Replicator(Builder b) {
        this.chain = b.chain;
        this.store = b.store;
        this.scheme = b.scheme;
        this.executor = b.executor;
        this.scheduler = b.scheduler;
        this.nanoTime = b.nanoTime;
        this.staticPeers = List.copyOf(b.staticPeers);
        this.holderLookup = b.holderLookup;
        this.maxConcurrentFetches = b.maxConcurrentFetches;
        this.maxConcurrentDeals = b.maxConcurrentDeals;
        this.initialBackoffNanos = b.initialBackoff.toNanos();
        this.maxBackoffNanos = b.maxBackoff.toNanos();
        this.fetchTimeout = b.fetchTimeout;
        this.erasureKernel = b.erasureKernel;
        this.registry = b.registry;
        this.shards = Counter.builder("icn_super_node_replication_shards")
                .description("shards this node stored by replication").register(registry);
        this.bytes = Counter.builder("icn_super_node_replication_bytes").baseUnit("bytes")
                .description("bytes of shards this node stored by replication").register(registry);
        this.deals = Counter.builder("icn_super_node_replication_deals")
                .description("deals whose missing shards this node replicated completely").register(registry);
        this.restoredLocal = restored(registry, "local");
        this.restoredPeer = restored(registry, "peer");
        this.inFlightGauge = Gauge.builder("icn_super_node_replication_in_flight", inFlight, Map::size)
                .description("deals being replicated").register(registry);
    }

    private static Counter restored(MeterRegistry registry, String source) {
        return Counter.builder("icn_super_node_replication_restored").tag("source", source)
                .description("quarantined shards made healthy again: repaired locally or fetched from other nodes")
                .register(registry);
    }

    /** A builder; meter registry, executor, scheduler and nano time are required. */
    static Builder builder(ChainClient chain, ShardStore store, ProofScheme scheme) {
        return new Builder(chain, store, scheme);
    }

    /** Subscribes to blocks and runs a first pass. @throws IllegalStateException if started or closed */
    void start() {
        synchronized (lifecycle) {
            if (closed || started) {
                throw new IllegalStateException("the replicator is " + (closed ? "closed" : "already started"));
            }
            started = true;
            subscription = chain.subscribeBlocks(block -> requestPass());
        }
        requestPass();
    }

    /** Schedules a pass on the executor unless one is already queued; returns at once. */
    void requestPass() {
        if (closed || !passQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::pass);
        } catch (RejectedExecutionException e) {
            passQueued.set(false); // shutting down
        }
    }

    /**
     * The store found a shard of {@code cid} corrupt or missing (its scrub callback, called once the
     * store's own repair attempt has ended): re-checks the settled deals now rather than at the next block.
     * Returns at once.
     */
    void shardLost(Cid cid) {
        LOG.debug("shard of {} reported lost; re-checking the settled deals", cid);
        requestPass();
    }

    /** Whether no deal is being replicated now (for tests and status). */
    boolean idle() {
        return inFlight.isEmpty() && !passQueued.get();
    }

    private void pass() {
        passQueued.set(false);
        synchronized (passLock) {
            if (closed) {
                return;
            }
            try {
                scan();
            } catch (ChainUnavailableException e) {
                failure("chain_unavailable");
                LOG.warn("replication pass could not read the chain, retrying in {} ms: {}",
                        TimeUnit.NANOSECONDS.toMillis(initialBackoffNanos), e.getMessage());
                retryPassIn(initialBackoffNanos);
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.error("replication pass failed", e);
                }
            }
        }
    }

    /**
     * A pass that would find nothing to do is skipped: the assignments are those of the previous full pass (same
     * count and order-independent hash) and that pass left every one settled. At 140,000 deals (1.96 M assigned
     * shards) a full pass after every block kept a quarter of a core busy and the heap churning on an idle node;
     * the check costs a copy and a hash of the list, and a look at the settled deals' stored bytes (a lost shard
     * makes the pass run). Every {@value #FULL_PASS_EVERY} passes one runs regardless.
     */
    private void scan() {
        List<ShardHash> assigned = chain.shardAssignments();
        long fingerprint = fingerprint(assigned);
        if (lastPassSettledAll && assigned.size() == lastAssignedCount && fingerprint == lastAssignedFingerprint
                && inFlight.isEmpty() && backoffs.isEmpty() && skippedPasses < FULL_PASS_EVERY && !anyHeldLost()) {
            skippedPasses++;
            return;
        }
        skippedPasses = 0;
        lastAssignedCount = assigned.size();
        lastAssignedFingerprint = fingerprint;
        lastPassSettledAll = false;
        Set<ShardHash> assignedSet = new HashSet<>(assigned);
        settled.retainAll(assignedSet);
        recheckHeld(assignedSet);
        backoffs.keySet().removeIf(id -> !inFlight.containsKey(id) && chain.deal(id)
                .map(d -> !d.isActiveAt(chain.currentBlock())).orElse(true));
        long block = chain.currentBlock();
        Set<DealId> seen = new HashSet<>();
        boolean sawUnsettled = false;
        for (ShardHash shard : assigned) {
            if (settled.contains(shard)) {
                continue;
            }
            sawUnsettled = true;
            for (PinningDeal deal : chain.dealsForShard(shard)) {
                if (deal.isActiveAt(block) && seen.add(deal.id()) && assignedSet.containsAll(deal.shards())) {
                    consider(deal);
                }
            }
        }
        lastPassSettledAll = !sawUnsettled || settled.containsAll(assignedSet);
    }

    /** Order-independent: the sum of the elements' hashes. */
    private static long fingerprint(List<ShardHash> shards) {
        long sum = 0;
        for (ShardHash s : shards) {
            sum += s.hashCode();
        }
        return sum;
    }

    /**
     * Whether the store lost a shard of a settled deal (quarantined by a scrub, a verified read or an audit):
     * one in-memory usage lookup per settled deal, so that a skipped pass never hides a loss.
     */
    private boolean anyHeldLost() {
        for (Held h : held.values()) {
            if (store.bytesStored(h.cid()) < h.bytes()) {
                return true;
            }
        }
        return false;
    }

    /** Un-settles every settled deal whose chunk the store no longer holds whole. */
    private void recheckHeld(Set<ShardHash> assigned) {
        for (Map.Entry<DealId, Held> e : held.entrySet()) {
            Held h = e.getValue();
            if (!assigned.containsAll(h.shards())) {
                held.remove(e.getKey(), h);
            } else if (store.bytesStored(h.cid()) < h.bytes()) {
                held.remove(e.getKey(), h);
                settled.removeAll(h.shards());
                LOG.info("deal={} cid={} lost shards since it was settled; restoring them", e.getKey(), h.cid());
            }
        }
    }

    private void settle(PinningDeal deal, Cid cid) {
        store.meta(cid).ifPresent(m -> held.put(deal.id(),
                new Held(cid, deal.shards(), (long) deal.shards().size() * m.spec().shardLength())));
        settled.addAll(deal.shards());
    }

    private void consider(PinningDeal deal) {
        if (inFlight.containsKey(deal.id())) {
            return;
        }
        Backoff backoff = backoffs.get(deal.id());
        if (backoff != null && nanoTime.getAsLong() - backoff.notBeforeNanos < 0) {
            return;
        }
        Optional<Cid> cid = contentOf(deal);
        if (cid.isEmpty()) {
            settled.addAll(deal.shards()); // nothing names the chunk: no node can be asked for it
            return;
        }
        ChunkMeta local = store.meta(cid.get()).orElse(null);
        List<Integer> missing = missing(deal, local);
        if (missing.isEmpty()) {
            if (local.expiryBlock() < deal.expiresAt()) {
                store.setExpiry(cid.get(), deal.expiresAt());
            }
            settle(deal, cid.get());
            backoffs.remove(deal.id());
            return;
        }
        if (inFlight.size() >= maxConcurrentDeals) {
            return; // picked up by the pass that follows a finished deal
        }
        inFlight.put(deal.id(), Boolean.TRUE);
        try {
            executor.execute(() -> replicate(deal, cid.get(), missing));
        } catch (RejectedExecutionException e) {
            inFlight.remove(deal.id());
        }
    }

    private Optional<Cid> contentOf(PinningDeal deal) {
        if (!chain.capabilities().contains(ChainCapability.DEAL_CONTENT)) {
            failure("no_content");
            LOG.warn("deal {} assigns shards to this node, but this chain records no deal content, so the chunk to"
                    + " fetch is unknown here; the shards arrive when a director or a peer sends them", deal.id());
            return Optional.empty();
        }
        Optional<String> content = chain.dealContent(deal.id());
        if (content.isEmpty()) {
            failure("no_content");
            LOG.warn("deal {} assigns shards to this node but records no content CID; they cannot be fetched",
                    deal.id());
            return Optional.empty();
        }
        try {
            return Optional.of(Cid.parse(content.get()));
        } catch (InvalidCidException e) {
            failure("no_content");
            LOG.warn("deal {} records content '{}', which is not a CID: {}", deal.id(), content.get(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Indexes of the deal's shards the store does not hold healthy (absent, or quarantined as lost). */
    private static List<Integer> missing(PinningDeal deal, ChunkMeta local) {
        List<Integer> out = new ArrayList<>();
        Set<Integer> healthy = new HashSet<>();
        if (local != null) {
            local.shards().forEach(s -> healthy.add(s.index()));
        }
        for (int i = 0; i < deal.shards().size(); i++) {
            if (!healthy.contains(i)) {
                out.add(i);
            }
        }
        return out;
    }

    private static Set<Integer> quarantined(ChunkMeta local) {
        Set<Integer> out = new HashSet<>();
        if (local != null) {
            local.quarantined().forEach(s -> out.add(s.index()));
        }
        return out;
    }

    // ---------------------------------------------------------------- one deal

    private void replicate(PinningDeal deal, Cid cid, List<Integer> missing) {
        long started = nanoTime.getAsLong();
        try {
            Set<Integer> lost = quarantined(store.meta(cid).orElse(null));
            List<Integer> left = lost.isEmpty() ? missing : repairLocally(deal, cid);
            if (!left.isEmpty()) {
                int stored = fetchAndStore(deal, cid, left);
                long restored = left.stream().filter(lost::contains).filter(i -> store.containsShard(cid, i)).count();
                restoredPeer.increment(restored);
                deals.increment();
                LOG.info("replicated deal={} cid={} shards_stored={} in {} ms{}", deal.id(), cid, stored,
                        TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - started),
                        restored == 0 ? "" : ", restoring " + restored + " lost shard(s)");
            }
            backoffs.remove(deal.id());
            settle(deal, cid);
        } catch (ReplicationFailure e) {
            failure(e.reason);
            int failures = backoffs.getOrDefault(deal.id(), new Backoff(0, 0)).failures + 1;
            long delay = Math.min(maxBackoffNanos, initialBackoffNanos << Math.min(failures - 1, 30));
            backoffs.put(deal.id(), new Backoff(failures, nanoTime.getAsLong() + delay));
            if (!closed) {
                LOG.warn("replication of deal={} cid={} failed (reason={}, attempt {}), retrying in {} ms: {}",
                        deal.id(), cid, e.reason, failures, TimeUnit.NANOSECONDS.toMillis(delay), e.getMessage());
                retryPassIn(delay);
            }
        } catch (RuntimeException e) {
            failure("store_failed");
            backoffs.put(deal.id(), new Backoff(1, nanoTime.getAsLong() + maxBackoffNanos));
            if (!closed) {
                LOG.error("replication of deal={} cid={} failed", deal.id(), cid, e);
                retryPassIn(maxBackoffNanos);
            }
        } finally {
            inFlight.remove(deal.id());
            requestPass();
        }
    }

    /**
     * Regenerates the chunk's quarantined shards from its healthy local ones when {@code k} remain
     * ({@link ShardStore.Maintenance#repair}); returns the deal's shards still missing afterwards, for the holders.
     */
    private List<Integer> repairLocally(PinningDeal deal, Cid cid) {
        ChunkMeta local = store.meta(cid).orElse(null);
        if (local != null && local.shards().size() >= local.dataShards()) {
            try {
                List<Integer> regenerated = store.maintenance().repair(cid).regenerated();
                restoredLocal.increment(regenerated.size());
                LOG.info("restored lost shards {} of deal={} cid={} from this node's own shards", regenerated,
                        deal.id(), cid);
            } catch (StorageException e) {
                LOG.info("local repair of cid={} failed ({}); fetching its lost shards from other nodes", cid,
                        e.getMessage());
            }
        }
        return missing(deal, store.meta(cid).orElse(null));
    }

    /**
     * Fetches the deal's missing shards from the holders through the shared client ({@link ShardClient#fetchShards}:
     * rotation across holders, Reed-Solomon rebuild when no node holds one), each checked against the deal's shard
     * hash, and stores them.
     */
    private int fetchAndStore(PinningDeal deal, Cid cid, List<Integer> missing) {
        Map<InetSocketAddress, QuicPeer> peers = holders(cid);
        if (peers.isEmpty()) {
            throw new ReplicationFailure("no_holders", "no node is registered on the chain or configured in peers");
        }
        ShardClient shardClient = client();
        pin(shardClient, peers);
        ChunkMeta local = store.meta(cid).orElse(null);
        Map<Integer, byte[]> held = readHealthy(cid, local);
        // What the holders' manifests offer with the deal's roots, for telling "no holders" from "fetches failed".
        Set<Integer> offered = ConcurrentHashMap.newKeySet();
        AtomicInteger dataShards = new AtomicInteger(local != null ? local.dataShards() : 0);
        ShardFetchRequest request = ShardFetchRequest.of(cid, missing)
                .held(held)
                .holderFilter((node, manifest, info) -> {
                    boolean holds = fitsDeal(manifest.spec(), local, deal) && info.index() < deal.shards().size()
                            && StoreExpiredContent.chainHash(scheme, info).equals(deal.shards().get(info.index()));
                    if (holds) {
                        offered.add(info.index());
                        dataShards.compareAndSet(0, manifest.dataShards());
                    }
                    return holds;
                })
                .verifier((index, shard) -> AuditProofs.shardHash(scheme, shard).equals(deal.shards().get(index)))
                .maxInFlight(maxConcurrentFetches);
        CompletableFuture<FetchedShards> fetch = shardClient.fetchShards(List.copyOf(peers.keySet()), request);
        FetchedShards got;
        try {
            got = fetch.get(fetchTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            countRefused(cid, List.of(cause.getSuppressed()));
            if (cause instanceof ShardIntegrityException) {
                throw new ReplicationFailure("hash_mismatch", cause.getMessage() + " (deal " + deal.id() + ")");
            }
            Set<Integer> canHave = new HashSet<>(offered);
            canHave.addAll(held.keySet());
            if (canHave.isEmpty() || !canHave.containsAll(missing) && canHave.size() < dataShards.get()) {
                throw new ReplicationFailure("no_holders", "only " + canHave.size() + " shard(s) of " + cid
                        + " can be had (held here or by " + peers.size() + " node(s) " + peers.values() + "), "
                        + (dataShards.get() == 0 ? "k" : String.valueOf(dataShards.get())) + " are needed to rebuild "
                        + "shards " + missing + ": " + cause.getMessage());
            }
            throw new ReplicationFailure("fetch_failed", String.valueOf(cause));
        } catch (TimeoutException e) {
            fetch.cancel(true);
            throw new ReplicationFailure("fetch_failed", "shards " + missing + " of " + cid + " not fetched within "
                    + fetchTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicationFailure("fetch_failed", "interrupted");
        }
        countRefused(cid, got.failures());
        if (!got.rebuilt().isEmpty()) {
            LOG.info("rebuilt shards {} of {}, no node held them (Reed-Solomon, with {} shard(s) held here)",
                    got.rebuilt(), cid, held.size());
        }
        ChunkSpec spec = local != null ? local.spec() : dealSpec(got.manifest().spec(), deal);
        return storeEach(deal, cid, spec, got.shards());
    }

    /**
     * Counts, as {@code hash_mismatch}, every shard a holder served that was not the one expected (its bytes not
     * the deal's, or reported corrupt by the holder): the fetch moved on to another holder or rebuilt it.
     */
    private void countRefused(Cid cid, List<Throwable> failures) {
        for (Throwable f : failures) {
            if (f instanceof ShardIntegrityException) {
                failure("hash_mismatch");
                LOG.info("a holder's shard of {} was refused ({}); asked another holder", cid, f.getMessage());
            } else {
                LOG.debug("a request for {} failed on the way: {}", cid, f.toString());
            }
        }
    }

    /** The healthy shards of the chunk the store holds, by index (for a rebuild); unreadable ones are left out. */
    private Map<Integer, byte[]> readHealthy(Cid cid, ChunkMeta local) {
        Map<Integer, byte[]> out = new HashMap<>();
        if (local != null) {
            for (ShardInfo info : local.shards()) {
                try {
                    out.put(info.index(), store.readShard(cid, info.index()));
                } catch (StorageException e) {
                    LOG.debug("local shard {} of {} unreadable for a rebuild: {}", info.index(), cid, e.getMessage());
                }
            }
        }
        return out;
    }

    /**
     * The nodes to ask, by address: the chain's registry (this node excepted) first, then the configured peers, then
     * those the DHT names for {@code cid}.
     */
    private Map<InetSocketAddress, QuicPeer> holders(Cid cid) {
        AccountId self = chain.account();
        List<QuicPeer> candidates = new ArrayList<>();
        if (chain.capabilities().contains(ChainCapability.ENDPOINT_REGISTRY)) {
            for (NodeEndpoint e : chain.nodeEndpoints()) {
                if (!e.account().equals(self)) {
                    candidates.add(QuicPeer.of(e));
                }
            }
        }
        candidates.addAll(staticPeers);
        for (String entry : holderLookup.apply(cid)) {
            try {
                candidates.add(QuicPeer.parse(entry));
            } catch (IllegalArgumentException e) {
                LOG.debug("a DHT holder of {} is unusable: {}", cid, e.getMessage());
            }
        }
        Map<InetSocketAddress, QuicPeer> out = new LinkedHashMap<>();
        for (QuicPeer p : candidates) {
            QuicPeer first = out.putIfAbsent(p.address(), p);
            if (first != null && !first.fingerprint().equals(p.fingerprint())) {
                LOG.warn("{} is listed with two certificate fingerprints; trusting {} (listed first), not {}", p,
                        first.fingerprint(), p.fingerprint());
            }
        }
        return out;
    }

    /** Pins each holder's fingerprint to its address on the shared client, and unpins nodes no longer listed. */
    private void pin(ShardClient shardClient, Map<InetSocketAddress, QuicPeer> peers) {
        synchronized (pinned) {
            for (Map.Entry<InetSocketAddress, QuicPeer> p : peers.entrySet()) {
                if (!p.getValue().fingerprint().equals(pinned.put(p.getKey(), p.getValue().fingerprint()))) {
                    shardClient.pinNode(p.getKey(), p.getValue().fingerprint());
                }
            }
            for (Iterator<InetSocketAddress> it = pinned.keySet().iterator(); it.hasNext(); ) {
                InetSocketAddress node = it.next();
                if (!peers.containsKey(node)) {
                    it.remove();
                    shardClient.unpinNode(node);
                }
            }
        }
    }

    /**
     * Whether a holder's chunk has the deal's shape: the local copy's, or the deal's shard count and, where the chain
     * records it, its shard size. A chain that does not (the pallet's deals) leaves the size to the holder's manifest
     * ({@code shard_size}), which the shard hashes bind: a shard of another length never matches the deal's hash
     * ({@link #fetchAndStore}'s verifier), and the store refuses a shard whose length is not the spec's.
     */
    static boolean fitsDeal(ChunkSpec s, ChunkMeta local, PinningDeal deal) {
        if (local != null) {
            ChunkSpec l = local.spec();
            return s.originalLength() == l.originalLength() && s.dataShards() == l.dataShards()
                    && s.parityShards() == l.parityShards();
        }
        OptionalInt size = deal.shardSize();
        return s.totalShards() == deal.shards().size() && (size.isEmpty() || s.shardLength() == size.getAsInt());
    }

    /** The spec this node records for a chunk it starts holding: the holders' shape under the deal. */
    private static ChunkSpec dealSpec(ChunkSpec s, PinningDeal deal) {
        return new ChunkSpec(s.originalLength(), s.dataShards(), s.parityShards(), deal.id().toString(),
                deal.expiresAt());
    }

    private int storeEach(PinningDeal deal, Cid cid, ChunkSpec spec, Map<Integer, byte[]> shardsByIndex) {
        int stored = 0;
        for (Map.Entry<Integer, byte[]> e : shardsByIndex.entrySet()) {
            int index = e.getKey();
            if (store.containsShard(cid, index)) {
                continue; // stored meanwhile (a put of the same chunk)
            }
            ChunkMeta after;
            try {
                after = store.putShard(cid, index, e.getValue(), spec);
            } catch (StorageException | IllegalArgumentException ex) {
                throw new ReplicationFailure("store_failed", "storing shard " + index + " of " + cid + " failed: "
                        + ex.getMessage());
            }
            ShardInfo info = after.shard(index).orElseThrow(() -> new ReplicationFailure("store_failed",
                    "the store does not list shard " + index + " of " + cid + " after storing it"));
            ShardHash recorded = StoreExpiredContent.chainHash(scheme, info);
            if (!recorded.equals(deal.shards().get(index))) {
                throw new ReplicationFailure("hash_mismatch", "the store recorded " + recorded + " for shard " + index
                        + " of " + cid + ", deal " + deal.id() + " says " + deal.shards().get(index)
                        + " (is the store's Merkle leaf size the chain's " + scheme.merkleBlockSize() + "?)");
            }
            shards.increment();
            bytes.increment(e.getValue().length);
            stored++;
        }
        ChunkMeta meta = store.meta(cid).orElseThrow();
        if (meta.expiryBlock() < deal.expiresAt()) {
            store.setExpiry(cid, deal.expiresAt());
        }
        return stored;
    }

    /** The shared shard client, created at first use. */
    private ShardClient client() {
        synchronized (lifecycle) {
            if (closed) {
                throw new ReplicationFailure("fetch_failed", "the replicator is closed");
            }
            if (shardClient == null) {
                // Its own decode thread: rebuilds and shard checks never wait behind the common pool (one thread
                // on two cores) or behind the deal threads that wait for them.
                decodeThread = Executors.newSingleThreadExecutor(Threads.daemon("icn-node-replication-decode"));
                ShardClientBuilder b = ShardClient.builder().pinnedNodes(Map.of()).decodeExecutor(decodeThread);
                if (erasureKernel != null) {
                    b.erasureKernel(erasureKernel);
                }
                shardClient = b.build();
            }
            return shardClient;
        }
    }

    private void retryPassIn(long nanos) {
        try {
            scheduler.schedule(this::requestPass, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private void failure(String reason) {
        Counter.builder("icn_super_node_replication_failure").tag("reason", reason)
                .description("replication attempts that failed, by reason").register(registry).increment();
    }

    /** Unsubscribes and closes the shard client; fetches in progress fail. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        BlockSubscription s = subscription;
        if (s != null) {
            s.close();
        }
        ShardClient c;
        ExecutorService decode;
        synchronized (lifecycle) {
            c = shardClient;
            decode = decodeThread;
        }
        try {
            if (c != null) {
                c.close();
            }
        } finally {
            if (decode != null) {
                decode.shutdownNow();
            }
            registry.remove(inFlightGauge);
        }
    }

    /** Why a deal could not be replicated now; {@code reason} is the metric's tag. */
    private static final class ReplicationFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String reason;

        ReplicationFailure(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    /** Options of a {@link Replicator}. Not thread-safe; build once. */
    static final class Builder {
        private final ChainClient chain;
        private final ShardStore store;
        private final ProofScheme scheme;
        private MeterRegistry registry;
        private Executor executor;
        private ScheduledExecutorService scheduler;
        private LongSupplier nanoTime;
        private List<QuicPeer> staticPeers = List.of();
        private Function<Cid, List<String>> holderLookup = cid -> List.of();
        private int maxConcurrentFetches = 4;
        private int maxConcurrentDeals = 1;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(60);
        private Duration fetchTimeout = Duration.ofSeconds(120);
        private Gf256Kernel erasureKernel;

        private Builder(ChainClient chain, ShardStore store, ProofScheme scheme) {
            this.chain = Objects.requireNonNull(chain, "chain");
            this.store = Objects.requireNonNull(store, "store");
            this.scheme = Objects.requireNonNull(scheme, "scheme");
        }

        Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Runs passes, fetch waits and store writes; not owned. */
        Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Schedules the retry passes after a back-off; not owned. */
        Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        /** The configured {@code peers}, asked besides the chain's registry; default none. */
        Builder staticPeers(List<QuicPeer> peers) {
            this.staticPeers = List.copyOf(peers);
            return this;
        }

        /**
         * Finds more holders of a CID, as {@code host:port#fingerprint} (the DHT's, through the
         * {@link NetworkService}); called on the replication executor for every deal fetched, so it must be bounded
         * in time and return an empty list rather than fail; default none.
         */
        Builder holderLookup(Function<Cid, List<String>> lookup) {
            this.holderLookup = Objects.requireNonNull(lookup, "lookup");
            return this;
        }

        /** Shard fetches in flight at once per deal; default 4. */
        Builder maxConcurrentFetches(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConcurrentFetches must be positive: " + n);
            }
            this.maxConcurrentFetches = n;
            return this;
        }

        /** Deals replicated at once (each holds an executor thread); default 1. */
        Builder maxConcurrentDeals(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConcurrentDeals must be positive: " + n);
            }
            this.maxConcurrentDeals = n;
            return this;
        }

        /** First retry delay of a failed deal, doubling to {@code max}; defaults 1 s and 60 s. */
        Builder backoff(Duration initial, Duration max) {
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff must be positive and initial " + initial
                        + " at most max " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * The longest wait for one deal's fetch: manifests, shards, rotations to other holders and a rebuild (the
         * client retries within it); default 120 s.
         */
        Builder fetchTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("fetchTimeout must be positive: " + timeout);
            }
            this.fetchTimeout = timeout;
            return this;
        }

        /**
         * The GF(2^8) kernel of the shard client's Reed-Solomon rebuilds (the node's kernel choice); default the
         * transport's ({@link ShardClientBuilder#erasureKernel}).
         */
        Builder erasureKernel(Gf256Kernel kernel) {
            this.erasureKernel = Objects.requireNonNull(kernel, "kernel");
            return this;
        }

        /** @throws IllegalStateException naming the first required option missing */
        Replicator build() {
            if (registry == null || executor == null || scheduler == null || nanoTime == null) {
                throw new IllegalStateException("meterRegistry, executor, scheduler and nanoTime are required; missing: "
                        + (registry == null ? "meterRegistry" : executor == null ? "executor"
                        : scheduler == null ? "scheduler" : "nanoTime"));
            }
            return new Replicator(this);
        }
    }
}

package io.icn.p2p.kad;

import io.icn.p2p.ProtocolViolationException;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Kademlia DHT node speaking the libp2p kad-dht protocol over a {@link KadNetwork}: a routing table
 * of k-buckets, iterative lookups (FIND_NODE, GET_VALUE, PUT_VALUE, ADD_PROVIDER, GET_PROVIDERS), a
 * bounded store of others' records and provider records with expiry, validators per key namespace,
 * and, in server mode, answers to other peers' requests. Built with {@link #builder}; {@link #start}
 * begins serving and the periodic bucket refresh, {@link #close} ends both (the network is the
 * caller's and stays open).
 *
 * <p>Thread-safe. No method blocks: every query returns a future completed on the network's or the
 * scheduler's threads. Failed queries complete exceptionally with a {@link KadException} leaf:
 * {@link RecordNotFoundException}, {@link RecordRejectedException}, {@link RecordTooLargeException},
 * {@link KadPeerUnreachableException} (no peer could be asked or none acknowledged),
 * {@link KadClosedException}.
 */
public final class Kademlia implements AutoCloseable {
    /** Deepest bucket (below the farthest) a refresh fills: about 2^13 hashes to find a key in it. */
    static final int REFRESH_DEPTH = 12;

    private final KadNetwork network;
    private final KadConfig config;
    private final RecordValidators validators;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Random random;
    private final QueryListener listener;
    private final RoutingTable table;
    private final RecordStore store;
    private final KadPeer self;
    private final Set<ByteBuffer> providing = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile LocalRecords localRecords;
    private volatile List<KadPeer> bootstrapPeers = List.of();
    private volatile ScheduledFuture<?> refreshTask;

    private Kademlia(Builder b) {
        this.network = b.network;
        this.config = b.config;
        this.validators = b.validators;
        this.clock = b.clock;
        this.scheduler = b.scheduler;
        this.random = b.random;
        this.listener = b.listener;
        this.localRecords = b.localRecords;
        this.self = network.self();
        this.table = new RoutingTable(self.key(), config.k(), clock);
        this.store = new RecordStore(clock, config);
    }

    /** A builder of a node on {@code network}. */
    public static Builder builder(KadNetwork network) {
        return new Builder(network);
    }

    /**
     * Starts answering requests (in server mode) and refreshing buckets every
     * {@link KadConfig#refreshInterval()}. Idempotent.
     */
    public Kademlia start() {
        requireOpen();
        if (started.compareAndSet(false, true)) {
            network.serve(config.serverMode() ? this::handle : null);
            network.onServerPeer(this::seenIfOpen);
            long period = config.refreshInterval().toNanos();
            refreshTask = scheduler.scheduleWithFixedDelay(this::refreshQuietly, period, period, TimeUnit.NANOSECONDS);
        }
        return this;
    }

    /** Serves {@code records} as this node's own (replacing the previous source). */
    public void localRecords(LocalRecords records) {
        this.localRecords = Objects.requireNonNull(records, "records");
    }

    /** This node as it describes itself now (its id never changes; its addresses may). */
    public KadPeer self() {
        return network.self();
    }

    public KadConfig config() {
        return config;
    }

    /** Peers in the routing table. */
    public int routingTableSize() {
        return table.size();
    }

    /** The peers of the routing table. */
    public List<KadPeer> routingTablePeers() {
        return table.peers();
    }

    /**
     * Adds a peer known to serve Kademlia (e.g. identify reported the protocol) to the routing table, as
     * if it had just answered.
     */
    public void addPeer(KadPeer peer) {
        requireOpen();
        seen(peer);
    }

    // ---------------------------------------------------------------- queries

    /**
     * Joins the network through {@code bootstrapPeers}: looks up this node's own id through them (which
     * fills the table with the peers that answer) and then refreshes every bucket. They are remembered: a
     * refresh that finds the routing table empty joins through them again.
     *
     * @return the routing table's size afterwards; fails with {@link KadPeerUnreachableException} if no
     *     bootstrap peer answered
     */
    public CompletableFuture<Integer> bootstrap(List<KadPeer> bootstrapPeers) {
        requireOpen();
        this.bootstrapPeers = List.copyOf(bootstrapPeers);
        List<KadPeer> seeds = new ArrayList<>(bootstrapPeers);
        seeds.addAll(table.closest(self.key(), config.k()));
        return lookup(KadMessage.Type.FIND_NODE, self.id(), seeds, (from, r) -> false)
                .thenCompose(r -> {
                    if (table.size() == 0) {
                        throw new KadPeerUnreachableException("no bootstrap peer answered (" + bootstrapPeers.size()
                                + " tried)");
                    }
                    return refresh(true);
                })
                .thenApply(v -> table.size());
    }

    /** The k peers closest to {@code key} (a record key or a peer id) that answered, closest first. */
    public CompletableFuture<List<KadPeer>> findClosestPeers(byte[] key) {
        requireOpen();
        Instant start = clock.instant();
        return lookup(KadMessage.Type.FIND_NODE, key, seeds(key), (from, r) -> false)
                .whenComplete((r, e) -> report(KadMessage.Type.FIND_NODE, start, r, e, r != null && !r.closest().isEmpty()))
                .thenApply(Lookup.Result::closest);
    }

    /** The peer with id {@code peerId}, if this node or the network knows it. */
    public CompletableFuture<Optional<KadPeer>> findPeer(byte[] peerId) {
        requireOpen();
        Optional<KadPeer> known = table.find(peerId);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(known);
        }
        KadPeer[] found = new KadPeer[1];
        return lookup(KadMessage.Type.FIND_NODE, peerId, seeds(peerId), (from, r) -> {
            for (KadPeer p : r.closerPeers()) {
                if (p.hasId(peerId)) {
                    found[0] = p;
                    return true;
                }
            }
            return false;
        }).thenApply(r -> Optional.ofNullable(found[0]));
    }

    /**
     * The best valid record for {@code key}: this node's own or stored one and those the closest peers
     * return, until {@link KadConfig#getQuorum()} valid records were seen; peers that returned an
     * outdated record are sent the best one.
     */
    public CompletableFuture<KadRecord> getValue(byte[] key) {
        requireOpen();
        Instant start = clock.instant();
        Map<KadPeer, byte[]> found = new LinkedHashMap<>();
        localValue(key).ifPresent(v -> found.put(self, v));
        if (found.size() >= config.getQuorum()) {
            report(KadMessage.Type.GET_VALUE, start, QueryListener.Outcome.SUCCESS, 0);
            return CompletableFuture.completedFuture(new KadRecord(key, found.get(self)));
        }
        return lookup(KadMessage.Type.GET_VALUE, key, seeds(key), (from, r) -> {
            KadRecord rec = r.record();
            if (rec != null && Arrays.equals(rec.key(), key)) {
                try {
                    validators.validate(key, rec.value());
                    found.put(from, rec.value());
                } catch (KadException e) {
                    // An invalid record counts as none; the peer is not trusted for this key.
                }
            }
            return found.size() >= config.getQuorum();
        }).handle((r, e) -> {
            if (e != null) {
                report(KadMessage.Type.GET_VALUE, start, r, e, false);
                throw e instanceof CompletionException ce ? ce : new CompletionException(e);
            }
            if (found.isEmpty()) {
                report(KadMessage.Type.GET_VALUE, start, r.timedOut() ? QueryListener.Outcome.TIMEOUT
                        : QueryListener.Outcome.NOT_FOUND, r.requests());
                throw new RecordNotFoundException("no valid record for " + RecordKeys.printable(key) + " among "
                        + r.closest().size() + " closest peers (" + r.requests() + " asked)");
            }
            List<KadPeer> peers = new ArrayList<>(found.keySet());
            List<byte[]> values = new ArrayList<>(found.values());
            byte[] best = values.get(validators.select(key, values));
            KadRecord record = new KadRecord(key, best);
            for (int i = 0; i < peers.size(); i++) {
                if (!peers.get(i).equals(self) && !Arrays.equals(values.get(i), best)) {
                    network.request(peers.get(i), KadMessage.putValue(record), config.requestTimeout());
                }
            }
            report(KadMessage.Type.GET_VALUE, start, QueryListener.Outcome.SUCCESS, r.requests());
            return record;
        });
    }

    /**
     * Validates a record, stores it here and sends it to the k peers closest to its key.
     *
     * @return how many stored it; fails with {@link KadPeerUnreachableException} if fewer than
     *     {@link KadConfig#putQuorum()} did
     */
    public CompletableFuture<PutResult> putValue(byte[] key, byte[] value) {
        requireOpen();
        try {
            checkRecord(key, value);
            store.put(new KadRecord(key, value));
        } catch (KadException e) {
            return CompletableFuture.failedFuture(e);
        }
        return replicate(new KadRecord(key, value));
    }

    /**
     * Sends a record to the k peers closest to its key without storing it here (this node's own
     * records, which {@link LocalRecords} serve).
     */
    public CompletableFuture<PutResult> replicate(KadRecord record) {
        requireOpen();
        try {
            checkRecord(record.key(), record.value());
        } catch (KadException e) {
            return CompletableFuture.failedFuture(e);
        }
        return replicateValidated(record);
    }

    /**
     * As {@link #replicate}, for a record already validated (this node's own, put again by the
     * republisher: checking its signatures again every hour would cost more than the put).
     */
    CompletableFuture<PutResult> replicateValidated(KadRecord record) {
        requireOpen();
        byte[] key = record.key();
        if (record.valueLength() > config.maxValueBytes()) {
            return CompletableFuture.failedFuture(new RecordTooLargeException("record " + RecordKeys.printable(key)
                    + " has " + record.valueLength() + " bytes of value, more than the maximum " + config.maxValueBytes()));
        }
        Instant start = clock.instant();
        KadMessage put = KadMessage.putValue(new KadRecord(key, record.value()));
        return lookup(KadMessage.Type.FIND_NODE, key, seeds(key), (from, r) -> false).thenCompose(r -> {
            List<CompletableFuture<Boolean>> acks = new ArrayList<>();
            for (KadPeer p : r.closest()) {
                acks.add(ask(p, put).handle((resp, e) -> e == null && resp.record() != null
                        && resp.record().sameValue(put.record())));
            }
            return allOf(acks).thenApply(ok -> {
                PutResult result = new PutResult(acks.size(), ok, r.requests() + acks.size());
                if (ok < config.putQuorum()) {
                    report(KadMessage.Type.PUT_VALUE, start, QueryListener.Outcome.FAILURE, result.requests());
                    throw new KadPeerUnreachableException("put of " + RecordKeys.printable(key) + " stored by " + ok
                            + " of " + acks.size() + " closest peers, quorum " + config.putQuorum());
                }
                report(KadMessage.Type.PUT_VALUE, start, QueryListener.Outcome.SUCCESS, result.requests());
                return result;
            });
        });
    }

    private void checkRecord(byte[] key, byte[] value) {
        if (value.length > config.maxValueBytes()) {
            throw new RecordTooLargeException("record " + RecordKeys.printable(key) + " has " + value.length
                    + " bytes of value, more than the maximum " + config.maxValueBytes());
        }
        validators.validate(key, value);
    }

    /**
     * Announces this node as a provider of {@code key} to the k peers closest to it, and answers
     * GET_PROVIDERS for it from now on.
     */
    public CompletableFuture<PutResult> provide(byte[] key) {
        requireOpen();
        provideLater(key);
        return announceProvider(key);
    }

    /** Answers GET_PROVIDERS for {@code key} with this node from now on, without announcing it yet. */
    void provideLater(byte[] key) {
        providing.add(ByteBuffer.wrap(key.clone()).asReadOnlyBuffer());
    }

    /** Announces again a key this node provides (the reprovider), without changing what it provides. */
    CompletableFuture<PutResult> announceProvider(byte[] key) {
        Instant start = clock.instant();
        KadMessage add = KadMessage.addProvider(key, self());
        return lookup(KadMessage.Type.FIND_NODE, key, seeds(key), (from, r) -> false).thenCompose(r -> {
            List<CompletableFuture<Boolean>> sent = new ArrayList<>();
            for (KadPeer p : r.closest()) {
                sent.add(network.send(p, add, config.requestTimeout()).handle((v, e) -> e == null));
            }
            return allOf(sent).thenApply(ok -> {
                PutResult result = new PutResult(sent.size(), ok, r.requests() + sent.size());
                if (ok == 0) {
                    report(KadMessage.Type.ADD_PROVIDER, start, QueryListener.Outcome.FAILURE, result.requests());
                    throw new KadPeerUnreachableException("provider record for " + RecordKeys.printable(key)
                            + " reached none of " + sent.size() + " closest peers");
                }
                report(KadMessage.Type.ADD_PROVIDER, start, QueryListener.Outcome.SUCCESS, result.requests());
                return result;
            });
        });
    }

    /**
     * Stops answering GET_PROVIDERS for {@code key} with this node and forgets a record stored here under
     * it. Remote provider records expire on their own ({@link KadConfig#providerTtl()}): the protocol has
     * no withdrawal.
     */
    public void stopProviding(byte[] key) {
        providing.remove(ByteBuffer.wrap(key));
    }

    /** Forgets the record stored here under {@code key} (not this node's own, which LocalRecords serve). */
    public void removeStoredRecord(byte[] key) {
        store.remove(key);
    }

    /** Whether this node provides {@code key}. */
    public boolean provides(byte[] key) {
        return providing.contains(ByteBuffer.wrap(key));
    }

    /** Up to {@code max} providers of {@code key}: those known here, then those the closest peers know. */
    public CompletableFuture<List<KadPeer>> findProviders(byte[] key, int max) {
        requireOpen();
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1: " + max);
        }
        Instant start = clock.instant();
        Map<ByteBuffer, KadPeer> found = new LinkedHashMap<>();
        localProviders(key).forEach(p -> found.putIfAbsent(p.idKey(), p));
        if (found.size() >= max) {
            report(KadMessage.Type.GET_PROVIDERS, start, QueryListener.Outcome.SUCCESS, 0);
            return CompletableFuture.completedFuture(List.copyOf(found.values()).subList(0, max));
        }
        return lookup(KadMessage.Type.GET_PROVIDERS, key, seeds(key), (from, r) -> {
            for (KadPeer p : r.providerPeers()) {
                found.putIfAbsent(p.idKey(), p);
            }
            return found.size() >= max;
        }).handle((r, e) -> {
            if (e != null) {
                report(KadMessage.Type.GET_PROVIDERS, start, r, e, false);
                throw e instanceof CompletionException ce ? ce : new CompletionException(e);
            }
            report(KadMessage.Type.GET_PROVIDERS, start, found.isEmpty()
                    ? (r.timedOut() ? QueryListener.Outcome.TIMEOUT : QueryListener.Outcome.NOT_FOUND)
                    : QueryListener.Outcome.SUCCESS, r.requests());
            List<KadPeer> out = new ArrayList<>(found.values());
            return List.copyOf(out.subList(0, Math.min(max, out.size())));
        });
    }

    // ---------------------------------------------------------------- lookups

    private List<KadPeer> seeds(byte[] key) {
        return table.closest(KadKey.of(key), config.k());
    }

    private CompletableFuture<Lookup.Result> lookup(KadMessage.Type type, byte[] key, List<KadPeer> seeds,
            Lookup.Step step) {
        KadKey target = KadKey.of(key);
        table.used(target);
        KadMessage request = KadMessage.request(type, key);
        Lookup lookup = new Lookup(target, self, config.k(), config.alpha(), p -> ask(p, request), step);
        return lookup.start(seeds, config.queryTimeout(), scheduler);
    }

    /** One request; the answer (or its absence) updates the routing table. */
    private CompletableFuture<KadMessage> ask(KadPeer peer, KadMessage request) {
        return network.request(peer, request, config.requestTimeout()).whenComplete((r, e) -> {
            if (e == null) {
                seen(peer);
            } else {
                table.failed(peer);
            }
        });
    }

    private void seenIfOpen(KadPeer peer) {
        if (!closed.get()) {
            seen(peer);
        }
    }

    private void seen(KadPeer peer) {
        if (table.seen(peer, config.livenessProbeAfter()) instanceof RoutingTable.Probe probe) {
            KadPeer stale = probe.stale();
            network.request(stale, KadMessage.request(KadMessage.Type.FIND_NODE, self.id()), config.requestTimeout())
                    .whenComplete((r, e) -> table.probed(stale, e == null));
        }
    }

    private static CompletableFuture<Integer> allOf(List<CompletableFuture<Boolean>> all) {
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> {
            int ok = 0;
            for (CompletableFuture<Boolean> f : all) {
                if (f.join()) {
                    ok++;
                }
            }
            return ok;
        });
    }

    // ---------------------------------------------------------------- refresh

    private void refreshQuietly() {
        if (closed.get()) {
            return;
        }
        store.expire();
        if (table.size() > 0) {
            refresh(false);
        } else if (!bootstrapPeers.isEmpty()) {
            // Every peer was lost (a network outage): join again through the bootstrap peers.
            bootstrap(bootstrapPeers);
        }
    }

    /** Looks up a random key in each bucket not used for a refresh interval (all if {@code all}). */
    CompletableFuture<Void> refresh(boolean all) {
        Instant cutoff = all ? Instant.MAX : clock.instant().minus(config.refreshInterval());
        List<CompletableFuture<Lookup.Result>> lookups = new ArrayList<>();
        lookups.add(lookup(KadMessage.Type.FIND_NODE, self.id(), seeds(self.id()), (from, r) -> false));
        for (int bucket : table.staleBuckets(cutoff, REFRESH_DEPTH)) {
            byte[] id = randomIdInBucket(bucket);
            lookups.add(lookup(KadMessage.Type.FIND_NODE, id, seeds(id), (from, r) -> false));
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new));
    }

    /** A random sha2-256 multihash whose key falls in {@code bucket} as seen from this node. */
    byte[] randomIdInBucket(int bucket) {
        byte[] id = new byte[34];
        id[0] = 0x12;
        id[1] = 0x20;
        byte[] digest = new byte[32];
        while (true) {
            synchronized (random) {
                random.nextBytes(digest);
            }
            System.arraycopy(digest, 0, id, 2, 32);
            if (table.self().bucketIndex(KadKey.of(id)) == bucket) {
                return id;
            }
        }
    }

    // ---------------------------------------------------------------- serving

    private Optional<byte[]> localValue(byte[] key) {
        Optional<byte[]> own = localRecords.value(key);
        return own.isPresent() ? own : store.get(key).map(KadRecord::value);
    }

    private List<KadPeer> localProviders(byte[] key) {
        List<KadPeer> out = new ArrayList<>(store.providers(key));
        if (providing.contains(ByteBuffer.wrap(key))) {
            out.add(0, self());
        }
        return out;
    }

    /** Answers one inbound request (server mode). */
    KadMessage handle(KadPeer from, boolean fromServer, KadMessage request) {
        if (closed.get()) {
            throw new KadClosedException("kademlia node is closed");
        }
        if (fromServer) {
            seen(from);
        }
        byte[] key = request.key();
        KadMessage.Type type = request.type();
        if (key.length == 0 && type != KadMessage.Type.PING) {
            throw new ProtocolViolationException(type + " request without a key from " + from);
        }
        return switch (type) {
            case FIND_NODE -> fit(new KadMessage(type, key, null, closerPeers(key, from), List.of(), 0));
            case GET_VALUE -> fit(new KadMessage(type, key, localValue(key).map(v -> new KadRecord(key, v)).orElse(null),
                    closerPeers(key, from), List.of(), 0));
            case PUT_VALUE -> storeInbound(from, request);
            case ADD_PROVIDER -> {
                for (KadPeer p : request.providerPeers()) {
                    if (p.equals(from)) {
                        store.addProvider(key, p.addrs().isEmpty() ? from : p);
                    }
                }
                yield null;
            }
            case GET_PROVIDERS -> fit(new KadMessage(type, key, null, closerPeers(key, from), localProviders(key), 0));
            case PING -> KadMessage.request(KadMessage.Type.PING, new byte[0]);
        };
    }

    private KadMessage storeInbound(KadPeer from, KadMessage request) {
        KadRecord r = request.record();
        if (r == null || !Arrays.equals(r.key(), request.key())) {
            throw new ProtocolViolationException("PUT_VALUE from " + from + " without a record under its key");
        }
        checkRecord(r.key(), r.value());
        Optional<KadRecord> existing = store.get(r.key());
        if (existing.isEmpty() || validators.select(r.key(), List.of(existing.get().value(), r.value())) == 1) {
            store.put(r);
        }
        return KadMessage.putValue(r);
    }

    private List<KadPeer> closerPeers(byte[] key, KadPeer requester) {
        List<KadPeer> out = new ArrayList<>(config.k());
        for (KadPeer p : table.closest(KadKey.of(key), config.k() + 1)) {
            if (!p.equals(requester) && out.size() < config.k()) {
                out.add(p);
            }
        }
        return out;
    }

    /** Drops closer peers from the end of a response until it fits the outbound limit. */
    private KadMessage fit(KadMessage m) {
        KadMessage out = m;
        while (KadMessageCodec.encode(out).length > config.maxOutboundMessageBytes() && !out.closerPeers().isEmpty()) {
            out = out.withCloserPeers(out.closerPeers().subList(0, out.closerPeers().size() - 1));
        }
        return out;
    }

    // ---------------------------------------------------------------- bookkeeping

    private void report(KadMessage.Type type, Instant start, Lookup.Result r, Throwable e, boolean success) {
        QueryListener.Outcome outcome = e != null ? QueryListener.Outcome.FAILURE
                : success ? QueryListener.Outcome.SUCCESS
                : r.timedOut() ? QueryListener.Outcome.TIMEOUT : QueryListener.Outcome.NOT_FOUND;
        report(type, start, outcome, r == null ? 0 : r.requests());
    }

    private void report(KadMessage.Type type, Instant start, QueryListener.Outcome outcome, int requests) {
        try {
            listener.finished(type, outcome, Duration.between(start, clock.instant()), requests);
        } catch (RuntimeException e) {
            // A listener's failure must not fail the query it is told about.
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new KadClosedException("kademlia node " + self + " is closed");
        }
    }

    /** Stops serving and refreshing. Queries in flight complete on their own. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            ScheduledFuture<?> task = refreshTask;
            if (task != null) {
                task.cancel(false);
            }
            if (started.get()) {
                network.serve(null);
            }
        }
    }

    /** Store sizes, for tests and metrics. */
    int storedRecords() {
        return store.recordCount();
    }

    int storedProviderKeys() {
        return store.providerKeyCount();
    }

    /**
     * Builds a {@link Kademlia}. Not thread-safe; {@link #build} once. The scheduler runs query timeouts
     * and the refresh; it stays the caller's.
     */
    public static final class Builder {
        private final KadNetwork network;
        private KadConfig config = KadConfig.defaults();
        private RecordValidators validators;
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService scheduler;
        private Random random;
        private QueryListener listener = QueryListener.none();
        private LocalRecords localRecords = LocalRecords.none();

        private Builder(KadNetwork network) {
            this.network = Objects.requireNonNull(network, "network");
        }

        public Builder config(KadConfig c) {
            this.config = Objects.requireNonNull(c, "config");
            return this;
        }

        public Builder validators(RecordValidators v) {
            this.validators = Objects.requireNonNull(v, "validators");
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public Builder scheduler(ScheduledExecutorService s) {
            this.scheduler = Objects.requireNonNull(s, "scheduler");
            return this;
        }

        /** Randomness for bucket refresh keys. */
        public Builder random(Random r) {
            this.random = Objects.requireNonNull(r, "random");
            return this;
        }

        public Builder listener(QueryListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        public Builder localRecords(LocalRecords l) {
            this.localRecords = Objects.requireNonNull(l, "localRecords");
            return this;
        }

        /**
         * @throws IllegalStateException if the validators, scheduler or randomness were not given
         */
        public Kademlia build() {
            if (validators == null || scheduler == null || random == null) {
                throw new IllegalStateException("a Kademlia node needs validators, a scheduler and randomness");
            }
            return new Kademlia(this);
        }
    }

}

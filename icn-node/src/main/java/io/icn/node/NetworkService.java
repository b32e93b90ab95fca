package io.icn.node;

import io.icn.chain.AccountId;
import io.icn.chain.NodeEndpoint;
import io.icn.p2p.HostIdentity;
import io.icn.p2p.Multiaddr;
import io.icn.p2p.P2pHost;
import io.icn.p2p.PeerInfo;
import io.icn.p2p.gossip.GossipSub;
import io.icn.p2p.kad.BootstrapPeers;
import io.icn.p2p.kad.HostKadNetwork;
import io.icn.p2p.kad.KadConfig;
import io.icn.p2p.kad.KadMetrics;
import io.icn.p2p.kad.KadPeer;
import io.icn.p2p.kad.KadRecord;
import io.icn.p2p.kad.Kademlia;
import io.icn.p2p.kad.ManifestDht;
import io.icn.p2p.kad.ManifestRecord;
import io.icn.p2p.kad.RecordKeys;
import io.icn.p2p.kad.RecordValidators;
import io.icn.p2p.kad.RepublishConfig;
import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.icn.storage.ShardInfo;
import io.icn.storage.ShardStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node on the libp2p network: a host with the node's own Ed25519 key (so its chain account and its peer id are
 * one key), the Kademlia DHT in server mode joined through {@code bootstrap_peers}, and the {@link ManifestDht}
 * that publishes, serves and republishes the manifest record of every chunk the node holds. It is the node's
 * {@link ManifestPublisher} (unless the embedder gave one): a chunk stored and pinned is published, a chunk
 * cleanup deletes is withdrawn. Started after the shard service, whose QUIC address and certificate fingerprint
 * the manifests carry. At start every chunk already stored is {@linkplain ManifestDht#hold held} on a background
 * thread, paced, so a store of 140,000 chunks does not slow the start; the republisher announces them over its
 * schedule. With gossip ingest on ({@code trusted_directors} set) it also runs the host's GossipSub router
 * ({@link #gossip()}), which {@link GossipIngest} subscribes to; off, the node says so at start.
 *
 * <p>Thread-safe. {@link #publish} blocks the calling (ingest) thread for at most {@link #PUBLISH_TIMEOUT};
 * queries return futures completed on the DHT's threads. The host's event loops never run node code.
 */
public final class NetworkService implements NodeService, ManifestPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkService.class);
    /** How long an ingest waits for a manifest's first publication before it logs and goes on. */
    public static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);
    /** Chunks held per batch at start, with a pause between batches. */
    private static final int HOLD_BATCH = 1_000;

    private final ServiceConfig.Network config;
    private final ServiceConfig.Gossip gossipConfig;
    private final NodeIdentity identity;
    private final ShardStore store;
    private final Supplier<InetSocketAddress> quicAddress;
    private final String quicHost;
    private final Supplier<String> quicFingerprint;
    private final IntSupplier shardRequests;
    private final MeterRegistry registry;
    private final Clock clock;
    private final String agentVersion;
    private final ConcurrentMap<Cid, ManifestRecord> signed = new ConcurrentHashMap<>();

    private final ScheduledExecutorService scheduler;
    private final ExecutorService handlers;
    private volatile HostIdentity hostIdentity;
    private volatile P2pHost host;
    private volatile Kademlia dht;
    private volatile GossipSub gossip;
    private volatile ManifestDht manifests;
    private volatile KadMetrics metrics;
    private volatile Thread holder;
    private boolean closed;

    NetworkService(ServiceConfig.Network config, ServiceConfig.Gossip gossipConfig, NodeIdentity identity, ShardStore store,
            Supplier<InetSocketAddress> quicAddress, String quicHost, Supplier<String> quicFingerprint,
            IntSupplier shardRequests, MeterRegistry registry, Clock clock, String agentVersion) {
        this.config = Objects.requireNonNull(config, "config");
        this.gossipConfig = Objects.requireNonNull(gossipConfig, "gossipConfig");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.store = Objects.requireNonNull(store, "store");
        this.quicAddress = Objects.requireNonNull(quicAddress, "quicAddress");
        this.quicHost = Objects.requireNonNull(quicHost, "quicHost");
        this.quicFingerprint = Objects.requireNonNull(quicFingerprint, "quicFingerprint");
        this.shardRequests = Objects.requireNonNull(shardRequests, "shardRequests");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.agentVersion = Objects.requireNonNull(agentVersion, "agentVersion");
        this.scheduler = Executors.newScheduledThreadPool(1, Threads.daemon("icn-dht-timer"));
        this.handlers = Executors.newFixedThreadPool(2, Threads.daemon("icn-dht-handler"));
    }

    @Override
    public String name() {
        return "network";
    }

    /** Starts the host, the DHT and the republisher; a failure closes what was started and is rethrown. */
    @Override
    public synchronized void start() {
        try {
            startComponents();
        } catch (RuntimeException | Error e) {
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void startComponents() {
        List<KadPeer> bootstrap = BootstrapPeers.parse(config.bootstrapPeers()); // a bad entry fails before binding
        hostIdentity = HostIdentity.fromPrivateKey(identity.privateKey());
        KadConfig kad = config.dht().toBuilder().serverMode(true).build();
        AtomicReference<HostKadNetwork> net = new AtomicReference<>();
        host = P2pHost.builder().identity(hostIdentity).listen(Multiaddr.parse(config.listenAddress()))
                .limits(config.hostLimits()).agentVersion("icn-super-node/" + agentVersion).clock(clock)
                .eventListener(event -> {
                    HostKadNetwork n = net.get();
                    if (n != null) {
                        n.onEvent(event);
                    }
                }).build();
        P2pHost h = host;
        net.set(new HostKadNetwork(h, kad, handlers, scheduler, h::listenAddresses));
        join(h.start(), "starting the p2p host on " + config.listenAddress());
        metrics = new KadMetrics(registry);
        dht = Kademlia.builder(net.get()).config(kad).validators(RecordValidators.icn()).scheduler(scheduler)
                .random(new SecureRandom()).listener(metrics).build().start();
        metrics.watch(dht);
        manifests = new ManifestDht(dht, this::manifest, new RepublishConfig(config.recordRepublish(),
                config.providerRepublish(), 0.8, 32, config.legacyKeys()), scheduler, System::nanoTime)
                .yieldTo(shardRequests).start();
        if (!bootstrap.isEmpty()) {
            dht.bootstrap(bootstrap).whenComplete((n, e) -> {
                if (e != null) {
                    LOG.warn("DHT bootstrap from {} peer(s) failed: {}", bootstrap.size(), e.toString());
                } else {
                    LOG.info("DHT bootstrapped: {} peer(s) in the routing table", n);
                }
            });
        }
        if (gossipConfig.enabled()) {
            GossipSub g = GossipSub.builder(h, hostIdentity).config(gossipConfig.gossipConfig()).clock(clock).build();
            gossip = g;
            g.start();
        } else {
            LOG.info("gossip ingest off: trusted_directors is empty (set it to the directors' peer ids to receive"
                    + " chunks on {})", GossipIngest.TOPIC);
        }
        Thread t = Threads.daemon("icn-dht-hold").newThread(this::holdStored);
        holder = t;
        t.start();
        LOG.info("p2p network: peer_id={} listen={} bootstrap_peers={} dht_protocol={}", hostIdentity.peerId(),
                listenAddresses(), bootstrap.size(), config.dhtProtocol());
    }

    /** Registers every chunk the store holds with the republisher, in paced batches, on its own thread. */
    private void holdStored() {
        long t0 = System.nanoTime();
        int n = 0;
        try {
            for (Cid cid : store.list()) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                manifests.hold(cid);
                if (++n % HOLD_BATCH == 0) {
                    Thread.sleep(10);
                }
            }
            LOG.info("DHT: {} stored chunk(s) held for republication in {} ms", n,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("DHT: holding the stored chunks stopped after {}: {}", n, e.toString());
        }
    }

    /**
     * The signed manifest of a chunk this node holds, from the store's metadata; signed once and kept (JDK
     * Ed25519 signing costs milliseconds), until the chunk is withdrawn.
     */
    Optional<ManifestRecord> manifest(Cid cid) {
        ManifestRecord cached = signed.get(cid);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<ChunkMeta> meta = store.meta(cid);
        if (meta.isEmpty()) {
            return Optional.empty();
        }
        ChunkMeta m = meta.get();
        List<String> hashes = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (ShardInfo s : m.shards()) {
            hashes.add(hex.formatHex(s.sha256()));
        }
        if (hashes.size() != m.spec().totalShards()) {
            return Optional.empty(); // a shard is missing or quarantined: not announced until repaired
        }
        ManifestRecord record = ManifestRecord.unsigned(cid, m.dataShards(), m.parityShards(),
                m.spec().shardLength(), m.originalLength(), hashes, List.of(quicLocation()), quicFingerprint.get(),
                clock.instant().getEpochSecond(), hostIdentity.peerId().toString()).sign(hostIdentity::sign);
        ManifestRecord raced = signed.putIfAbsent(cid, record);
        return Optional.of(raced != null ? raced : record);
    }

    /** {@code /ip4/<advertised>/udp/<quic port>/quic-v1} ({@code /ip6} or {@code /dns4} as the host is). */
    String quicLocation() {
        String proto = quicHost.contains(":") ? "ip6" : quicHost.matches("[0-9.]+") ? "ip4" : "dns4";
        return "/" + proto + "/" + quicHost + "/udp/" + quicAddress.get().getPort() + "/quic-v1";
    }

    @Override
    public void publish(String cid) {
        ManifestDht m = requireRunning();
        Cid c = Cid.parse(cid);
        try {
            LOG.debug("published {}: {}", cid, await(m.publish(c), PUBLISH_TIMEOUT, "publishing the manifest of " + cid));
        } catch (TimeoutException e) {
            // the chunk stays held: the republisher puts it again
            LOG.warn("publishing the manifest of {} took over {} s; the republisher retries", cid,
                    PUBLISH_TIMEOUT.toSeconds());
        }
    }

    @Override
    public void unpublish(String cid) {
        Cid c = Cid.parse(cid);
        requireRunning().withdraw(c);
        signed.remove(c);
    }

    private ManifestDht requireRunning() {
        return running(manifests);
    }

    // ---------------------------------------------------------------- views

    /** The GossipSub router, when gossip ingest is on ({@code trusted_directors} set). */
    public Optional<GossipSub> gossip() {
        requireHost();
        return Optional.ofNullable(gossip);
    }

    /** The node's peer id ({@code 12D3KooW...}): its node key. */
    public String peerId() {
        return requireHost().peerId().toString();
    }

    /** Where the host listens, full multiaddrs ending {@code /p2p/<peer id>} (the real port when configured 0). */
    public List<String> listenAddresses() {
        P2pHost h = requireHost();
        return h.listenAddresses().stream().map(a -> a + "/p2p/" + h.peerId()).toList();
    }

    /** The peers connected now. */
    public List<PeerInfo> peers() {
        return requireHost().peers();
    }

    /** Peers in the DHT's routing table. */
    public int routingTableSize() {
        return requireDht().routingTableSize();
    }

    /** A record's value from the DHT (this node's own or stored, else the network's); fails if none is found. */
    public CompletableFuture<byte[]> get(byte[] key) {
        return requireDht().getValue(key).thenApply(KadRecord::value);
    }

    /** The manifest of {@code cid} from the DHT, its signatures verified. */
    public CompletableFuture<ManifestRecord> manifestOf(Cid cid) {
        return get(RecordKeys.manifestKey(cid)).thenApply(ManifestRecord::parse);
    }

    /** Up to {@code max} providers of {@code cid}. */
    public CompletableFuture<List<KadPeer>> providers(Cid cid, int max) {
        return requireDht().findProviders(RecordKeys.providerKey(cid), max);
    }

    /**
     * The QUIC shard servers the DHT names as holders of {@code cid}, as {@code host:port#fingerprint} (the
     * {@code peers} syntax): the locations of the manifest record found (with its certificate fingerprint; its
     * signatures verified), and every provider of the CID that {@code registry} (the chain's node endpoints) knows
     * by its account, which is the provider's peer id's Ed25519 key. This node is left out. Either lookup may find
     * nothing; the future fails only when both fail.
     */
    public CompletableFuture<List<String>> quicHolders(Cid cid, List<NodeEndpoint> registry) {
        String self = peerId();
        CompletableFuture<List<String>> fromManifest = manifestOf(cid).thenApply(m -> {
            List<String> out = new ArrayList<>();
            if (!m.publisherPeerId().equals(self)) {
                for (String location : m.locations()) {
                    quicHostPort(location).ifPresent(hp -> out.add(hp + "#" + m.quicCertSha256()));
                }
            }
            return out;
        });
        CompletableFuture<List<String>> fromProviders = providers(cid, 20).thenApply(found -> {
            List<String> out = new ArrayList<>();
            for (KadPeer p : found) {
                Optional<byte[]> key = p.peerId().ed25519PublicKey();
                if (key.isEmpty() || p.peerId().toString().equals(self)) {
                    continue;
                }
                AccountId account = new AccountId(key.get());
                registry.stream().filter(e -> e.account().equals(account))
                        .forEach(e -> out.add(e.quicAddress() + "#" + e.certificateFingerprint()));
            }
            return out;
        });
        return fromManifest.handle((a, ea) -> fromProviders.handle((b, eb) -> {
            if (ea != null && eb != null) {
                throw new CompletionException(ea);
            }
            List<String> all = new ArrayList<>(a != null ? a : List.of());
            (b != null ? b : List.<String>of()).stream().filter(x -> !all.contains(x)).forEach(all::add);
            return all;
        })).thenCompose(f -> f);
    }

    /** {@code host:port} of a {@code /ip4|ip6|dns4/<host>/udp/<port>/quic-v1} location, or empty for another shape. */
    static Optional<String> quicHostPort(String location) {
        String[] parts = location.split("/");
        if (parts.length != 6 || !parts[0].isEmpty() || !parts[3].equals("udp") || !parts[5].equals("quic-v1")
                || !(parts[1].equals("ip4") || parts[1].equals("ip6") || parts[1].equals("dns4"))
                || !parts[4].matches("[0-9]{1,5}")) {
            return Optional.empty();
        }
        return Optional.of(SuperNode.hostPort(parts[2], Integer.parseInt(parts[4])));
    }

    /** Whether this node holds, serves and republishes the manifest of {@code cid} (published, not withdrawn). */
    public boolean holds(Cid cid) {
        return requireRunning().holds(cid);
    }

    /** The republisher's counters. */
    public ManifestDht.Stats republishStats() {
        return requireRunning().stats();
    }

    private P2pHost requireHost() {
        return running(host);
    }

    private Kademlia requireDht() {
        return running(dht);
    }

    private static <T> T running(T component) {
        if (component == null) {
            throw new IllegalStateException("the network service is not running");
        }
        return component;
    }

    private static <T> T join(CompletableFuture<T> f, String what) {
        try {
            return await(f, Duration.ofSeconds(30), what);
        } catch (TimeoutException e) {
            throw new NodeException(what + " did not finish in 30 s", e);
        }
    }

    private static <T> T await(CompletableFuture<T> f, Duration timeout, String what) throws TimeoutException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException("interrupted " + what, e);
        } catch (ExecutionException e) {
            throw new NodeException(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Thread t = holder;
        if (t != null) {
            t.interrupt();
        }
        RuntimeException first = null;
        for (AutoCloseable c : new AutoCloseable[] {gossip, manifests, dht, metrics, host}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new NodeException("closing the network failed", e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        scheduler.shutdownNow();
        handlers.shutdownNow();
        if (first != null) {
            throw first;
        }
    }
}

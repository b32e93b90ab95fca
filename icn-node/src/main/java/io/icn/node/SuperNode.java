package io.icn.node;

import io.icn.chain.Balance;
import io.icn.chain.ChainCapability;
import io.icn.chain.ChainClient;
import io.icn.chain.local.LocalChain;
import io.icn.chain.NodeEndpoint;
import io.icn.chain.NodeNotRegisteredException;
import io.icn.chain.NodeStanding;
import io.icn.chain.DirectorDeals;
import io.icn.chain.PinningPolicy;
import io.icn.chain.ProofScheme;
import io.icn.erasure.KernelSelection;
import io.icn.erasure.Kernels;
import io.icn.storage.Cid;
import io.icn.storage.CorruptShardException;
import io.icn.storage.ShardStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import io.icn.transport.quic.ShardServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One super-node: the modules wired together from a {@link NodeConfig}.
 *
 * <h2>What runs</h2>
 * The file shard store under {@code storage_path} (capacity {@code max_storage_gb}, hot-shard cache,
 * background scrub); the embedded {@link LocalChain} ({@code <storage>/local-chain.state}, one block per
 * {@code block_time_secs}, an audit draw every {@code audit_interval_blocks}, ended deals and audits kept
 * {@code chain_retention_blocks}) on which this node is registered with its region and stake at genesis; the
 * {@link AuditMonitor} (proofs from the store via {@link StoreAuditProver}) with a poll timer every
 * {@code audit_poll_secs}; the {@link StorageCleanup} every {@code cleanup_interval_blocks}; HTTP
 * {@code /metrics} and {@code /health} on {@code metrics_port} and the admin endpoints on
 * {@code admin_bind:admin_port} ({@link NodeHttpServer}); and, on a background thread, the erasure
 * kernel choice ({@link Kernels#probed()} or the embedder's, handed to the store's codecs; a background calibration only
 * advises); the QUIC shard server, whose address
 * ({@code quic_advertise}) and certificate fingerprint the node registers on the chain; and the
 * {@link Replicator}, which pulls the shards the chain assigns this node from the nodes that hold them. The
 * shard server also takes the chunks directors PUT ({@code ingest_clients}), through a {@link ChunkIngestSink}
 * into the same {@link ChunkIngest} as the admin {@code put}, on a thread of its own. With
 * {@code p2p_enabled}, the {@link NetworkService} (started after the shard server) puts the node on the libp2p
 * network: its host under the node key, the Kademlia DHT, and the manifest records of the chunks it holds, which
 * it publishes on ingest and withdraws on cleanup; with {@code trusted_directors} set, also the GossipSub router,
 * whose chunks on {@code /icn/video/1.0.0} signed by a trusted director {@link GossipIngest} takes through the same
 * {@link ChunkIngest}. With
 * {@link Builder#chain(LocalChain)} the node runs on a chain its embedder owns.
 *
 * <h2>Lifecycle</h2>
 * {@link State#NEW} → {@link #start()} → {@link State#STARTING} → {@link State#RUNNING} →
 * {@link #close()} → {@link State#STOPPING} → {@link State#STOPPED}. A start that fails closes what it
 * had opened and leaves the node {@link State#FAILED}; a node starts at most once. Before anything is
 * touched, {@link Preflight} checks the chain endpoint, the storage directory and the ports; then an OS
 * lock on {@code <storage>/node.lock} refuses a second node on the same directory. The two big loads of a
 * start, the store's index and the chain's state, run at once on two threads; the log line {@code started
 * in N ms: ...} gives each step's time.
 *
 * <h2>Shutdown</h2>
 * {@link #close()} first drains, for at most {@code shutdown_grace_secs}: the admin endpoints answer new
 * requests 503 and the shard server answers new requests BUSY, while admin requests (a put) and QUIC transfers
 * and PUTs already under way run to their end; {@code /health} reports STOPPING meanwhile. What still runs when
 * the grace ends is cut off (and logged). Then it stops in the reverse order of start: HTTP, the replicator, the
 * shard server, the poll timer, the ingest thread (a PUT being stored finishes), cleanup,
 * audit monitor, the worker threads (drained: a running pass finishes), the chain client, the chain
 * (which writes its state file), the store (which checkpoints its index and stops a running scrub pass),
 * the scrub thread, the timer threads, the metrics, the lock. Every step runs even if one fails; the first
 * failure is rethrown with the later ones suppressed. Idempotent.
 *
 * <h2>Thread safety</h2>
 * Thread-safe: {@link #start()} and {@link #close()} are serialised, {@link #state()} may be read from any
 * thread (the HTTP {@code /health} does).
 */
public final class SuperNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SuperNode.class);
    /** The state file of the embedded chain, in the storage directory. */
    public static final String CHAIN_STATE_FILE = "local-chain.state";
    /** The shard server's TLS certificate and key (PEM), generated on first start, in the storage directory. */
    public static final String QUIC_CERTIFICATE_FILE = "quic-cert.pem";
    public static final String QUIC_KEY_FILE = "quic-key.pem";

    /** How long the background calibration measures the erasure kernels ({@link Builder#calibrateKernels}). */
    public static final Duration CALIBRATION_BUDGET = Duration.ofSeconds(1);

    /** The node's lifecycle. */
    public enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED, FAILED }

    private final NodeConfig config;
    private final Clock clock;
    private final RandomGenerator random;
    private final MeterRegistry externalRegistry;
    private final boolean calibrateKernels;
    private final KernelSelection kernelChoice;
    private final String version;
    private final LocalChain sharedChain;
    private final ChainClient externalClient;
    private final ManifestPublisher manifests;
    private final boolean awaitDirectorDeals;
    private final byte[] identitySeed;
    private final ShardStore externalStore;

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final StartTimes startTimes = new StartTimes();
    private volatile State state = State.NEW;
    private volatile Instant startedAt;
    private MeterRegistry registry;
    private NodeIdentity identity;
    private ShardStore store;
    private LocalChain chain;
    private StorageCleanup cleanup;
    private AuditMonitor monitor;
    private ChunkIngest ingest;
    private volatile boolean drained;
    private ShardService shards;
    private volatile KernelSelection kernel;
    private ChainClient client;
    private volatile Replicator replicator; // read by the scrub thread's callback
    private NetworkService network;
    private volatile GossipIngest gossipIngest;

    private SuperNode(Builder b) {
        this.config = b.config;
        this.clock = b.clock;
        this.random = b.random != null ? b.random : new SplittableRandom(new SecureRandom().nextLong());
        this.externalRegistry = b.registry;
        this.calibrateKernels = b.calibrateKernels;
        this.kernelChoice = b.kernelChoice;
        this.sharedChain = b.sharedChain;
        this.externalClient = b.externalClient;
        this.manifests = b.manifests;
        this.awaitDirectorDeals = b.awaitDirectorDeals;
        this.identitySeed = b.identitySeed;
        this.externalStore = b.store;
        String v = SuperNode.class.getPackage().getImplementationVersion();
        this.version = v != null ? v : "dev";
    }

    /** A builder for a node of this configuration. */
    public static Builder builder(NodeConfig config) {
        return new Builder(config);
    }

    /**
     * Starts every component; returns once the node is {@link State#RUNNING}.
     *
     * @throws ConfigException if a preflight check fails (nothing was touched)
     * @throws StorageLockedException if another node runs on the storage directory
     * @throws NodeException or a module's exception if a component fails to start (all closed again)
     * @throws IllegalStateException if this node was started before
     */
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("a node starts once; this one is " + state);
        }
        state = State.STARTING;
        long startNanos = System.nanoTime();
        startTimes.begin(startNanos);
        try {
            Preflight.check(config, externalClient == null);
            startTimes.lap("preflight");
            startComponents();
            startedAt = clock.instant();
            state = State.RUNNING;
            LOG.info("node running: account={} region={} storage={} quic={} chain={} block={} quic_put={}",
                    identity.accountHex(), config.region().wireName(), config.storagePath(),
                    hostPort(quicAddress()), config.chain().endpoint(), client.currentBlock(), quicPutSummary());
            LOG.info("started in {} ms: {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), startTimes);
        } catch (RuntimeException | Error e) {
            state = State.FAILED;
            try {
                closeOpened();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void startComponents() {
        Path storage = config.storagePath();
        try {
            Files.createDirectories(storage);
        } catch (IOException e) {
            throw new ConfigException("cannot create storage_path " + storage + ": " + e + "; choose another"
                    + " storage_path / --storage-path or grant write access", e);
        }
        opened.push(StorageLock.acquire(storage));
        identity = NodeIdentity.loadOrCreate(storage, identitySeed);
        startTimes.lap("lock_and_key");

        if (externalRegistry == null) {
            SimpleMeterRegistry own = new SimpleMeterRegistry();
            registry = own;
            opened.push(own::close);
        } else {
            registry = externalRegistry;
        }

        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, daemonThreads("icn-node-timer"));
        opened.push(() -> shutdown(timers, "timer"));
        startTimes.lap("metrics");

        // A scrub pass lasts hours; on a thread of its own it never delays blocks, audit polls or retries.
        ScheduledExecutorService scrubber = Executors.newSingleThreadScheduledExecutor(daemonThreads("icn-node-scrub"));
        opened.push(() -> shutdown(scrubber, "scrub"));

        // The store's index and the chain's state are the two big loads of a start, and independent: the chain
        // loads on a thread of its own while the store opens on this one.
        // The store's Merkle leaves must be the chain's blocks, so the scheme is known first: a chain that exists
        // keeps the one it recorded (older chains 1 KiB), a new one gets the default.
        ProofScheme scheme = externalClient != null ? externalClient.proofScheme()
                : sharedChain != null ? sharedChain.proofScheme()
                : LocalChain.recordedProofScheme(storage.resolve(CHAIN_STATE_FILE)).orElse(ProofScheme.merkle());
        CompletableFuture<LocalChain> chainLoad = externalClient != null ? CompletableFuture.completedFuture(null)
                : sharedChain != null
                ? CompletableFuture.completedFuture(sharedChain) // the embedder's: not started, persisted or closed here
                : CompletableFuture.supplyAsync(() -> loadChain(storage, timers, scheme),
                        r -> daemonThreads("icn-node-chain-load").newThread(r).start());
        // The kernel is a value chosen before the store that codes with it opens.
        kernel = chooseKernel();
        startTimes.lap("kernel");
        LOG.info("erasure kernel: {} ({})", kernel.kernel().name(), kernel.describe());
        try {
            store = externalStore != null ? externalStore : ShardStore.builder(storage)
                    .erasureKernel(kernel.kernel())
                    .merkleLeafSize(scheme.merkleBlockSize())
                    .capacityBytes(config.store().capacityBytes())
                    .cacheBytes(config.store().cacheBytes())
                    .durability(config.store().fsync().durability())
                    .verifyOnRead(config.store().verifyOnRead())
                    .scrubBytesPerSecond(config.store().scrubBytesPerSecond())
                    .backgroundScrub(scrubber, config.store().scrubInterval(), this::scrubFoundCorrupt)
                    .clock(clock)
                    .meterRegistry(registry)
                    .build();
        } catch (RuntimeException | Error e) {
            try {
                closeUnlessShared(awaitChain(chainLoad)); // loaded meanwhile: closed before the start fails
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        if (externalStore == null) {
            opened.push(store);
        }
        startTimes.lap("store_open");
        chain = awaitChain(chainLoad);
        if (chain != null && sharedChain == null) {
            opened.push(chain);
        }
        startTimes.lap("chain_wait");
        if (chain != null) {
            registerAtGenesis();
            client = chain.clientFor(identity.account());
            opened.push(client);
        } else {
            client = externalClient; // the embedder's: not closed here
        }
        ChainClient blocks = client;
        Gauge chainBlock = Gauge.builder("icn_super_node_chain_block", blocks::currentBlock)
                .description("the chain's current block, as this node's client last saw it").register(registry);
        opened.push(() -> registry.remove(chainBlock));

        // Audit passes, cleanup passes and one replicating deal each get a thread.
        ExecutorService workers = Executors.newFixedThreadPool(3, daemonThreads("icn-node-worker"));
        opened.push(() -> shutdown(workers, "worker"));

        StoreExpiredContent expired = new StoreExpiredContent(store, scheme);
        ShardService[] shardService = new ShardService[1]; // built below; read once the network starts after it
        network = config.network().enabled() ? new NetworkService(config.network(), config.gossip(), identity, store,
                () -> shardService[0].server().localAddress(), config.quic().advertisedHost(),
                () -> shardService[0].server().certificateFingerprint(), () -> shardService[0].activeRequests(), registry,
                clock, version) : null;
        ManifestPublisher manifests = this.manifests != null ? this.manifests
                : network != null ? network : new LoggingManifestPublisher();
        PinningPolicy pinning;
        if (awaitDirectorDeals || chain == null) {
            DirectorDeals deals = new DirectorDeals(client, config.ingest().dealGraceBlocks(), workers);
            opened.push(deals);
            pinning = deals;
        } else {
            pinning = chain.selfDealing(identity.account(), sharedChain == null);
        }
        ingest = new ChunkIngest(store, expired, pinning, manifests, config.ingest().chunkBytes());
        cleanup = StorageCleanup.builder(client, expired, manifests)
                .meterRegistry(registry).executor(workers).intervalBlocks(config.cleanup().intervalBlocks()).build();
        AuditService audits = new AuditService(AuditMonitor.builder(client, new StoreAuditProver(store, scheme))
                .meterRegistry(registry).executor(workers).nanoTime(System::nanoTime).build(), timers, config.audits());
        monitor = audits.monitor();
        shards = new ShardService(store, ingest, client, config.quic(), config.ingest().dealBlocks(),
                storage.resolve(QUIC_CERTIFICATE_FILE), storage.resolve(QUIC_KEY_FILE), registry);
        shardService[0] = shards;
        replicator = Replicator.builder(client, store, scheme)
                .meterRegistry(registry).executor(workers).scheduler(timers).nanoTime(System::nanoTime)
                .staticPeers(config.replication().quicPeers())
                .holderLookup(this::dhtHolders)
                .erasureKernel(kernel.kernel())
                .build();
        startTimes.lap("components");

        // The services, in start order: each is closed in reverse by close().
        List<NodeService> services = new ArrayList<>(List.of(audits, NodeService.of("cleanup", cleanup::start, cleanup),
                NodeService.of("chain", this::startOwnChain, () -> { }), shards));
        if (network != null) {
            services.add(network); // after the shard server: manifests carry its address and fingerprint
        }
        if (network != null) {
            // built once the network runs: its router exists only then
            services.add(NodeService.of("gossip-ingest", this::startGossipIngest, () -> {
                if (gossipIngest != null) {
                    gossipIngest.close();
                }
            }));
        } else if (config.gossip().enabled()) {
            LOG.warn("gossip ingest off: trusted_directors is set but p2p_enabled is false");
        }
        services.add(NodeService.of("replication", replicator::start, replicator));
        for (NodeService service : services) {
            service.start();
            opened.push(service);
            startTimes.lap(service.name());
        }
        if (calibrateKernels && kernelChoice == null) {
            KernelSelection inUse = kernel;
            daemonThreads("icn-kernel-calibration").newThread(() -> adviseKernel(inUse)).start();
        }

    }

    /**
     * The holders of {@code cid} the DHT names ({@link NetworkService#quicHolders}), within 20 s; none when the node
     * is off the network or the lookup fails (logged). For the replicator, on its executor.
     */
    private List<String> dhtHolders(Cid cid) {
        NetworkService n = network;
        if (n == null) {
            return List.of();
        }
        try {
            List<NodeEndpoint> registry = client.capabilities().contains(ChainCapability.ENDPOINT_REGISTRY)
                    ? client.nodeEndpoints() : List.of();
            return n.quicHolders(cid, registry).get(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (Exception e) {
            LOG.debug("no holders of {} from the DHT: {}", cid, e.toString());
            return List.of();
        }
    }

    /** Subscribes the node's ingest to the network's GossipSub router, when gossip ingest is on. */
    private void startGossipIngest() {
        network.gossip().ifPresent(g -> {
            GossipIngest gi = new GossipIngest(g, config.gossip().trustedPeers(), ingest, config.ingest().dealBlocks(),
                    config.gossip().queueChunks(), registry);
            gossipIngest = gi;
            gi.start();
        });
    }

    /** The store's scrub callback: logs, and has the replicator restore what the store could not repair. */
    private void scrubFoundCorrupt(CorruptShardException corrupt) {
        LOG.warn("scrub found a corrupt shard: {}", corrupt.getMessage());
        Replicator r = replicator;
        if (r != null) {
            r.shardLost(corrupt.cid());
        }
    }

    /** Starts the block timer of a chain this node owns; a shared chain is driven by its embedder. */
    private void startOwnChain() {
        if (chain != null && sharedChain == null) {
            chain.start();
        }
    }

    private LocalChain loadChain(Path storage, ScheduledExecutorService timers, ProofScheme scheme) {
        long t0 = System.nanoTime();
        LocalChain loaded = LocalChain.builder()
                .random(random)
                .stateFile(storage.resolve(CHAIN_STATE_FILE))
                .scheduler(timers)
                .config(config.chain().local())
                .proofScheme(scheme)
                .build();
        startTimes.record("chain_load", System.nanoTime() - t0);
        return loaded;
    }

    private static LocalChain awaitChain(CompletableFuture<LocalChain> load) {
        try {
            return load.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private void closeUnlessShared(LocalChain c) {
        if (c != null && c != sharedChain) {
            c.close();
        }
    }

    private void registerAtGenesis() {
        try {
            NodeStanding standing = chain.standing(identity.account());
            if (standing.region() != config.region()) {
                LOG.warn("this node is registered on the local chain in {}, not the configured region {}; the"
                        + " chain keeps the registered region (move {} away to register afresh)",
                        standing.region().wireName(), config.region().wireName(), CHAIN_STATE_FILE);
            }
        } catch (NodeNotRegisteredException e) {
            chain.registerNode(identity.account(), config.region(), Balance.ofIcn(config.chain().stakeIcn()));
            LOG.info("registered on the local chain at genesis: account={} region={} stake_icn={}",
                    identity.accountHex(), config.region().wireName(), config.chain().stakeIcn());
        }
    }

    /** The node's erasure kernel: the embedder's choice, else the probed one (fixed for the node's life). */
    private KernelSelection chooseKernel() {
        return kernelChoice != null ? kernelChoice : Kernels.probed();
    }

    /**
     * Times the SIMD kernels once the node runs (at most {@link #CALIBRATION_BUDGET} of measuring, on a thread of
     * its own) and logs whether another kernel would be faster than the one the node's codecs use. It changes
     * nothing: the kernel is a value fixed at start; an operator who wants the measured one sets it for the next
     * start ({@code -Dicn.erasure.kernel=...}, docs/erasure.md).
     */
    private void adviseKernel(KernelSelection inUse) {
        try {
            KernelSelection measured = Kernels.calibrate(CALIBRATION_BUDGET);
            if (measured.kernel() == inUse.kernel()) {
                LOG.info("erasure kernel calibrated: {} confirmed ({})", inUse.kernel().name(), measured.reason());
            } else {
                LOG.info("erasure kernel calibrated: {} measured faster than {} in use ({}); start with"
                        + " -Dicn.erasure.kernel={} to use it", measured.kernel().name(), inUse.kernel().name(),
                        measured.reason(), measured.kernel().name());
            }
        } catch (RuntimeException e) {
            LOG.warn("erasure kernel calibration failed, {} stays in use: {}", inUse.kernel().name(), e.toString());
        }
    }

    /**
     * Stops every component in reverse order of start and releases the storage lock. Idempotent; a node
     * that never started just becomes {@link State#STOPPED}.
     *
     * @throws NodeException carrying the first failure (later ones suppressed) if a component failed to close
     */
    @Override
    public synchronized void close() {
        if (state == State.STOPPED || state == State.FAILED && opened.isEmpty()) {
            return;
        }
        state = State.STOPPING;
        LOG.info("node stopping");
        if (!drained) {
            drain(config.shutdownGrace());
        }
        try {
            closeOpened();
            state = State.STOPPED;
            LOG.info("node stopped");
        } catch (Exception e) {
            state = State.FAILED;
            throw e instanceof NodeException ne ? ne : new NodeException("the node did not stop cleanly: " + e, e);
        }
    }

    /**
     * Lets the QUIC transfers and PUTs in flight finish, for at most {@code timeout}, while new requests are
     * answered BUSY; the first step of {@link #close()}, which an embedder (the launcher, which also drains its
     * HTTP requests meanwhile) may take earlier. Idempotent; a node not started far enough to serve drains at once.
     *
     * @return whether every transfer finished in time
     */
    public boolean drain(Duration timeout) {
        ShardService service;
        synchronized (this) {
            service = shards;
            drained = true;
        }
        ShardServer server = service == null ? null : service.server();
        if (server == null) {
            return true;
        }
        long start = System.nanoTime();
        LOG.info("draining: {} QUIC transfer(s) in flight; new ones are refused; waiting up to {} s",
                server.activeRequests(), timeout.toSeconds());
        boolean done = server.drain(timeout);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (done) {
            LOG.info("drained in {} ms", millis);
        } else {
            LOG.warn("drain incomplete after {} ms: cutting off {} QUIC transfer(s)", millis, server.activeRequests());
        }
        return done;
    }

    private void closeOpened() throws Exception {
        Exception first = null;
        while (!opened.isEmpty()) {
            AutoCloseable c = opened.pop();
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void shutdown(ExecutorService executor, String what) throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
            executor.shutdownNow();
            LOG.warn("{} threads did not finish within 30 s and were interrupted", what);
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------- views

    /** The meter registry every component reports to (the embedder's, or the node's own). */
    public MeterRegistry meterRegistry() {
        return requireStarted(registry);
    }

    /** The erasure kernel the node's codecs use, and why; available once started. */
    public KernelSelection erasureKernel() {
        return requireStarted(kernel);
    }

    /** The lifecycle state; readable from any thread. */
    public State state() {
        return state;
    }

    public NodeConfig config() {
        return config;
    }

    /** This build's version ({@code dev} when not run from the jar). */
    public String version() {
        return version;
    }

    /** The node's identity; available once started. */
    public NodeIdentity identity() {
        return requireStarted(identity);
    }

    /** Where the QUIC shard server listens (the real port when configured as 0). */
    public InetSocketAddress quicAddress() {
        return requireStarted(shards == null ? null : shards.server()).localAddress();
    }

    /** SHA-256 of the shard server's certificate, hex: what relays pin. */
    public String quicFingerprint() {
        return requireStarted(shards == null ? null : shards.server()).certificateFingerprint();
    }

    /** Whether directors can PUT chunks over QUIC, and how many: for the start log and banner. */
    public String quicPutSummary() {
        int clients = config.quic().ingestClients().size();
        return clients == 0 ? "disabled (no ingest_clients)" : "enabled for " + clients + " director certificate(s),"
                + " chunks up to " + (config.quic().maxPutBytes() >> 20) + " MiB";
    }

    /** {@code host:port} of an address, a wildcard shown as {@code 127.0.0.1}, IPv6 in brackets. */
    public static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return hostPort(host, a.getPort());
    }

    /** {@code host:port}, IPv6 in brackets. */
    public static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** When the node became {@link State#RUNNING}; null before. */
    public Instant startedAt() {
        return startedAt;
    }

    /** The node's clock. */
    public Clock clock() {
        return clock;
    }

    /** The node's shard store; available once started. */
    public ShardStore store() {
        return requireStarted(store);
    }

    /** This node's client of its chain: what its services read and submit through; available once started. */
    public ChainClient chainClient() {
        return requireStarted(client);
    }

    /**
     * The embedded chain the node runs on; available once started.
     *
     * @throws IllegalStateException if the node runs on an embedder's {@link Builder#chainClient chain client}
     */
    public LocalChain chain() {
        if (state == State.RUNNING && chain == null) {
            throw new IllegalStateException("the node runs on an external chain client, not an embedded chain");
        }
        return requireStarted(chain);
    }

    /** The cleanup service; available once started. */
    public StorageCleanup cleanup() {
        return requireStarted(cleanup);
    }

    /** The audit service; available once started. */
    public AuditMonitor monitor() {
        return requireStarted(monitor);
    }

    /** The ingest service; available once started. */
    public ChunkIngest ingest() {
        return requireStarted(ingest);
    }

    /**
     * The node on the libp2p network (peer id, listen addresses, peers, DHT queries); empty when
     * {@code p2p_enabled} is off. Available once started.
     */
    public Optional<NetworkService> network() {
        requireStarted(store);
        return Optional.ofNullable(network);
    }

    /** Gossip ingest from the trusted directors; empty when it is off. Available once started. */
    public Optional<GossipIngest> gossipIngest() {
        requireStarted(store);
        return Optional.ofNullable(gossipIngest);
    }

    /** The replication service; available once started. */
    public Replicator replicator() {
        return requireStarted(replicator);
    }

    private <T> T requireStarted(T component) {
        if (component == null) {
            throw new IllegalStateException("the node is " + state + "; start it first");
        }
        return component;
    }

    /**
     * How long each step of {@link #start()} took, for the start-up log line: laps of the starting thread, and
     * steps that ran beside it on other threads. Thread-safe.
     */
    private static final class StartTimes {
        private final Map<String, Long> millis = new LinkedHashMap<>();
        private long lapStart;

        synchronized void begin(long nanos) {
            lapStart = nanos;
        }

        /** The time since the previous lap (or since {@link #begin}), as step {@code name}; starting thread only. */
        synchronized void lap(String name) {
            long now = System.nanoTime();
            millis.put(name, TimeUnit.NANOSECONDS.toMillis(now - lapStart));
            lapStart = now;
        }

        /** A step that ran beside the laps. */
        synchronized void record(String name, long nanos) {
            millis.put(name, TimeUnit.NANOSECONDS.toMillis(nanos));
        }

        @Override
        public synchronized String toString() {
            StringBuilder b = new StringBuilder();
            millis.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append("_ms=").append(v));
            return b.toString();
        }
    }

    /** Options of a {@link SuperNode}. Not thread-safe; build once. */
    public static final class Builder {
        private final NodeConfig config;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random;
        private MeterRegistry registry;
        private boolean calibrateKernels = true;
        private KernelSelection kernelChoice;
        private LocalChain sharedChain;
        private ChainClient externalClient;
        private ManifestPublisher manifests;
        private boolean awaitDirectorDeals;
        private byte[] identitySeed;
        private ShardStore store;

        private Builder(NodeConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Source of time for the store and the uptime; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The local chain's randomness (challenges, nonces, audit draws); default seeded from {@link SecureRandom}. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * A registry of the embedder's for every meter; not closed by the node. Default: a registry of the
         * node's own (a {@link SimpleMeterRegistry}), readable through {@link #meterRegistry()}.
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * The erasure kernel of the node's codecs, chosen by the embedder (e.g. one calibration shared by several
         * nodes in one JVM); default: {@link Kernels#probed()} (which honours {@code -Dicn.erasure.kernel}).
         */
        public Builder erasureKernel(KernelSelection choice) {
            this.kernelChoice = Objects.requireNonNull(choice, "choice");
            return this;
        }

        /**
         * Whether the node, once running, times the SIMD kernels on a background thread (for at most
         * {@link SuperNode#CALIBRATION_BUDGET} of measuring) and logs whether another would be faster than the one
         * in use; default true. Advice only: the kernel in use is fixed at start.
         */
        public Builder calibrateKernels(boolean calibrate) {
            this.calibrateKernels = calibrate;
            return this;
        }

        /**
         * Runs the node on this chain instead of its own embedded one, so several nodes in one JVM (a test
         * harness) share one chain. The node registers on it and uses it, but does not own it: it neither
         * starts its block timer (the embedder produces blocks) nor writes or closes it. {@code block_time_secs},
         * {@code audit_interval_blocks} and {@code <storage>/local-chain.state} are then unused.
         */
        public Builder chain(LocalChain shared) {
            this.sharedChain = Objects.requireNonNull(shared, "shared");
            this.externalClient = null;
            return this;
        }

        /**
         * Runs the node on a chain it reaches through this client (a real chain: the Substrate adapter), signed as
         * the client's account, which must be this node's. The node then makes no deal itself: it waits for
         * directors' deals ({@link DirectorDeals}); it registers nothing at start (registration is an operator's
         * act on a real chain); the endpoint registry and deal content are used only where the client supports
         * them ({@link io.icn.chain.ChainClient#capabilities()}). The client is the embedder's: not closed here.
         * {@code chain_endpoint} is then only reported.
         */
        public Builder chainClient(ChainClient client) {
            this.externalClient = Objects.requireNonNull(client, "client");
            this.sharedChain = null;
            return this;
        }

        /**
         * Where the node announces the chunks it stores and withdraws those it deletes (the DHT); not closed by
         * the node. Default: a publisher that only logs.
         */
        public Builder manifestPublisher(ManifestPublisher publisher) {
            this.manifests = Objects.requireNonNull(publisher, "publisher");
            return this;
        }

        /**
         * Pins stored chunks as a node on a real chain does: it makes no deal itself but waits, up to
         * {@link ServiceConfig.Ingest#dealGraceBlocks()}, for a director's deal naming the chunk's shards, and drops
         * the chunk if none comes ({@link DirectorDeals}). For harnesses that play the directors on an embedded
         * chain; default: the node is its own director on the embedded chain.
         */
        public Builder awaitDirectorDeals() {
            this.awaitDirectorDeals = true;
            return this;
        }

        /**
         * Gives a node whose storage holds no key yet the Ed25519 key of this 32-byte seed instead of a random
         * one, so that a harness's nodes have the same accounts on every run. A key already stored is kept.
         */
        public Builder identitySeed(byte[] seed) {
            if (seed.length != 32) {
                throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, not " + seed.length);
            }
            this.identitySeed = seed.clone();
            return this;
        }

        /**
         * Runs the node on this store (an in-memory one in a harness) instead of opening a file store in the
         * storage directory, which then holds only the node's key, lock, certificate and chain state. The store's
         * Merkle leaf size must be the chain's proof block size. Not closed by the node; {@link StoreConfig} is then
         * unused.
         */
        public Builder store(ShardStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        public SuperNode build() {
            return new SuperNode(this);
        }
    }
}

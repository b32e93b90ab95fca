package io.icn.node.launcher;

import io.icn.chain.ChainCapability;
import io.icn.chain.ChainClient;
import io.icn.chain.NodeEndpoint;
import io.icn.chain.Region;
import io.icn.node.ConfigException;
import io.icn.node.NodeConfig;
import io.icn.node.NodeException;
import io.icn.node.Preflight;
import io.icn.node.ServiceConfig;
import io.icn.node.SuperNode;
import io.icn.storage.StoreHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running node of {@code icn-node run}: a {@link SuperNode} reporting to the launcher's Prometheus registry
 * (with the JVM and process meters bound), then the HTTP interface ({@link NodeHttpServer}) and the admin jobs.
 *
 * <h2>Stop</h2>
 * {@link #close()} (the SIGTERM hook calls it): from its first moment {@code /health} reports STOPPING; the HTTP
 * interface stops admitting admin requests (503) and no new admin job is accepted; then the node's QUIC transfers
 * ({@link SuperNode#drain}) and the HTTP requests in flight ({@link NodeHttpServer#awaitIdle}) get the same
 * {@code shutdown_grace_secs} to finish; then HTTP closes, then the node (whose store close ends a running verify
 * job), then the job threads and the registry. Every step runs; the first failure is rethrown with the later ones
 * suppressed. Idempotent.
 *
 * <p>Thread-safe: {@link #start()} and {@link #close()} are serialised; the accessors may be read from any thread.
 */
public final class NodeLauncher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLauncher.class);
    /** Admin jobs running at once, queued or running at most, and finished ones kept. */
    private static final int JOB_THREADS = 2;
    private static final int JOB_MAX_ACTIVE = 8;
    private static final int JOBS_KEPT = 32;

    private final LauncherConfig config;
    private final Function<NodeConfig, SuperNode.Builder> nodeBuilder;
    private final PrometheusMeterRegistry prometheus;
    private final SuperNode node;
    /** The real chain the node runs on; null with the embedded chain. */
    private final RemoteChain remote;
    private final AdminJobs jobs;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final JvmThreadMetrics threadMetrics = new JvmThreadMetrics();
    private volatile boolean stopping;
    private volatile NodeHttpServer http;
    private boolean closed;

    /**
     * @param nodeBuilder the builder of the node of a configuration (tests pass a seeded one); the launcher adds
     *     its meter registry
     */
    NodeLauncher(LauncherConfig config, Function<NodeConfig, SuperNode.Builder> nodeBuilder) {
        this(config, nodeBuilder, null);
    }

    private NodeLauncher(LauncherConfig config, Function<NodeConfig, SuperNode.Builder> nodeBuilder, RemoteChain remote) {
        this.remote = remote;
        this.config = Objects.requireNonNull(config, "config");
        this.nodeBuilder = Objects.requireNonNull(nodeBuilder, "nodeBuilder");
        this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.node = nodeBuilder.apply(config.node()).meterRegistry(prometheus).build();
        this.jobs = new AdminJobs(Clock.systemUTC(), JOB_THREADS, JOB_MAX_ACTIVE, JOBS_KEPT);
    }

    /** A launcher of the node {@link SuperNode#builder} makes of {@code config}. */
    public static NodeLauncher of(LauncherConfig config) {
        return of(config, SuperNode::builder);
    }

    /**
     * A launcher of the node {@code nodeBuilder} makes of {@code config}; with a {@code ws://} / {@code wss://}
     * {@code chain_endpoint} it first connects to that chain (see {@link RemoteChain}) and runs the node on it,
     * and closes the connection after the node.
     *
     * @throws NodeException naming the endpoint if the chain cannot be reached or the node's key read
     */
    static NodeLauncher of(LauncherConfig config, Function<NodeConfig, SuperNode.Builder> nodeBuilder) {
        if (config.node().chain().isLocal()) {
            return new NodeLauncher(config, nodeBuilder);
        }
        RemoteChain remote = RemoteChain.connect(config, System.getenv());
        try {
            return new NodeLauncher(config, n -> nodeBuilder.apply(n).chainClient(remote.client()), remote);
        } catch (RuntimeException | Error e) {
            remote.close();
            throw e;
        }
    }

    /**
     * Checks the HTTP ports and the p2p listen port (when p2p is on), starts the node, then HTTP. A start that fails
     * closes what it had started.
     *
     * @throws ConfigException if a port is in use or a preflight check of the node fails (nothing touched)
     * @throws NodeException or a module's exception if the node fails to start
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("this launcher was closed; make a new one");
        }
        Preflight.checkTcpPortFree("metrics_port", config.http().metricsBind(), config.http().metricsPort());
        Preflight.checkTcpPortFree("admin_port", config.http().adminBind(), config.http().adminPort());
        ServiceConfig.Network network = config.node().network();
        if (network.enabled()) {
            Preflight.checkTcpPortFree("p2p_listen_addr", network.listenHost(), network.listenPort());
        }
        bindJvmMetrics(prometheus);
        try {
            node.start();
            http = NodeHttpServer.start(config.http(), publicRoutes(), adminRoutes());
        } catch (RuntimeException | Error e) {
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        LOG.info("HTTP listening: metrics={} admin={}", metricsUrl(), adminUrl());
    }

    private void bindJvmMetrics(MeterRegistry r) {
        new JvmMemoryMetrics().bindTo(r);
        gcMetrics.bindTo(r);
        threadMetrics.bindTo(r);
        new ProcessorMetrics().bindTo(r);
        new UptimeMetrics().bindTo(r);
        new FileDescriptorMetrics().bindTo(r);
        ProcessMemoryMetrics.linux().bindTo(r);
    }

    /** The lifecycle state {@code /health} reports: STOPPING from the first moment of {@link #close()}. */
    public SuperNode.State state() {
        SuperNode.State s = node.state();
        return stopping && s != SuperNode.State.STOPPED && s != SuperNode.State.FAILED ? SuperNode.State.STOPPING : s;
    }

    /** The store's health while it is open (not before the start, nor after the close). */
    private Optional<StoreHealth> storageHealth() {
        try {
            return Optional.of(node.store().maintenance().health());
        } catch (RuntimeException notOpen) {
            return Optional.empty();
        }
    }

    private Router publicRoutes() {
        return new Router("; this listener serves /metrics and /health (the admin endpoints listen on"
                + " admin_bind:admin_port)")
                .route("GET", "/metrics", AdminEndpoints.metrics(prometheus::scrape))
                .route("GET", "/health", AdminEndpoints.health(this::state, this::storageHealth));
    }

    private Router adminRoutes() {
        var store = node.store();
        var usage = AdminEndpoints.usageOf(store, config.node().storagePath());
        String jobPrefix = "/admin/jobs/";
        return new Router("; the admin endpoints are under /admin/ (see docs/operations.md for the list)")
                .route("GET", "/health", AdminEndpoints.health(this::state, this::storageHealth))
                .route("GET", "/admin/status", AdminEndpoints.status(statusView(), usage))
                .route("GET", "/admin/usage", AdminEndpoints.usage(usage))
                .route("GET", "/admin/keys", AdminEndpoints.keys(node.identity()))
                .route("POST", "/admin/cleanup", AdminEndpoints.cleanup(node.cleanup()::runNow))
                .streaming("POST", "/admin/put", AdminEndpoints.put(node.ingest()::ingest,
                        config.node().ingest().dealBlocks(), config.http().maxPutBytes()))
                .route("POST", "/admin/verify", JobEndpoints.verify(jobs, store, this::scrubbedBytes))
                .route("POST", "/admin/index/rebuild", JobEndpoints.rebuild(jobs, store))
                .route("POST", "/admin/repair", JobEndpoints.repair(jobs, store))
                .route("GET", "/admin/jobs", JobEndpoints.list(jobs))
                .route("GET", "/admin/peers", NetworkEndpoints.peers(node.network()))
                .route("GET", "/admin/dht/get", NetworkEndpoints.get(node.network()))
                .route("GET", "/admin/dht/providers", NetworkEndpoints.providers(node.network()))
                .route("GET", "/admin/dht/holders", NetworkEndpoints.holders(node.network(), this::registeredNodes))
                .prefix("GET", jobPrefix, JobEndpoints.get(jobs, jobPrefix));
    }

    /** The chain's node endpoints, where the chain keeps a registry (for the DHT's holders); else none. */
    private List<NodeEndpoint> registeredNodes() {
        ChainClient chain = node.chainClient();
        return chain.capabilities().contains(ChainCapability.ENDPOINT_REGISTRY) ? chain.nodeEndpoints() : List.of();
    }

    /** The store's scrubbed bytes so far (background passes and verify jobs). */
    private long scrubbedBytes() {
        return (long) prometheus.find("icn_super_node_scrub_bytes").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private StatusView statusView() {
        NodeConfig c = config.node();
        return new StatusView() {
            @Override
            public String version() {
                return node.version();
            }

            @Override
            public SuperNode.State state() {
                return NodeLauncher.this.state();
            }

            @Override
            public Region region() {
                return c.region();
            }

            @Override
            public String account() {
                return node.identity().accountHex();
            }

            @Override
            public Duration uptime() {
                return Duration.between(node.startedAt(), node.clock().instant());
            }

            @Override
            public String chainEndpoint() {
                return c.chain().endpoint();
            }

            @Override
            public long currentBlock() {
                return node.chain().currentBlock();
            }

            @Override
            public Duration blockTime() {
                return c.chain().local().blockTime();
            }

            @Override
            public int trackedAudits() {
                return node.monitor().trackedAudits();
            }

            @Override
            public String kernelName() {
                return node.erasureKernel().kernel().name();
            }

            @Override
            public String kernelReason() {
                return node.erasureKernel().reason();
            }

            @Override
            public Map<String, String> endpoints() {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("metrics", metricsUrl());
                m.put("admin", adminUrl());
                m.put("quic", SuperNode.hostPort(node.quicAddress()));
                m.put("quic_fingerprint", node.quicFingerprint());
                return m;
            }

            @Override
            public Map<String, Object> network() {
                return NetworkEndpoints.status(node.network());
            }
        };
    }

    /**
     * Stops as the class comment says. Idempotent.
     *
     * @throws NodeException carrying the first failure (later ones suppressed) if a step failed
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        Duration grace = config.node().shutdownGrace();
        RuntimeException first = null;
        if (http != null) {
            long start = System.nanoTime();
            long deadline = start + grace.toNanos();
            LOG.info("stopping: {} admin request(s) in flight; new ones are refused; waiting up to {} s"
                    + " (shutdown_grace_secs)", http.inFlight(), grace.toSeconds());
            http.stopAdmitting();
            jobs.stopAccepting();
            first = step(first, () -> node.drain(grace));
            boolean requestsDone = http.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (!requestsDone) {
                LOG.warn("drain incomplete after {} ms (shutdown_grace_secs = {}): cutting off {} admin request(s)",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), grace.toSeconds(), http.inFlight());
            }
            first = step(first, http::close);
        }
        first = step(first, node::close);
        if (remote != null) {
            first = step(first, remote::close);
        }
        first = step(first, () -> jobs.close(Duration.ofSeconds(10)));
        first = step(first, gcMetrics::close);
        first = step(first, prometheus::close);
        if (first != null) {
            throw first instanceof NodeException ne ? ne
                    : new NodeException("the node did not stop cleanly: " + first, first);
        }
    }

    private static RuntimeException step(RuntimeException first, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            if (first == null) {
                return e;
            }
            first.addSuppressed(e);
        }
        return first;
    }

    // ---------------------------------------------------------------- views

    /** The node. */
    public SuperNode node() {
        return node;
    }

    /** The launcher's configuration. */
    public LauncherConfig config() {
        return config;
    }

    /** The registry {@code /metrics} scrapes; the node's meters and the JVM's. */
    public PrometheusMeterRegistry registry() {
        return prometheus;
    }

    /** Where {@code /metrics} and {@code /health} listen (the real port when configured as 0); once started. */
    public InetSocketAddress metricsAddress() {
        return started().metricsAddress();
    }

    /** Where the admin endpoints listen (the real port when configured as 0); once started. */
    public InetSocketAddress adminAddress() {
        return started().adminAddress();
    }

    /** {@code http://host:port/metrics}. */
    public String metricsUrl() {
        return "http://" + SuperNode.hostPort(metricsAddress()) + "/metrics";
    }

    /** {@code http://host:port/admin/status}. */
    public String adminUrl() {
        return "http://" + SuperNode.hostPort(adminAddress()) + "/admin/status";
    }

    /** HTTP requests being served right now (0 before the start). */
    int httpInFlight() {
        NodeHttpServer server = http;
        return server == null ? 0 : server.inFlight();
    }

    private NodeHttpServer started() {
        NodeHttpServer server = http;
        if (server == null) {
            throw new IllegalStateException("the launcher is not started");
        }
        return server;
    }
}

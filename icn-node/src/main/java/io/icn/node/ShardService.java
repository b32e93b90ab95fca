package io.icn.node;

import io.icn.chain.ChainCapability;
import io.icn.chain.ChainClient;
import io.icn.storage.ShardStore;
import io.icn.transport.quic.PeerKey;
import io.icn.transport.quic.ShardServer;
import io.icn.transport.quic.ShardServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's shard service: the QUIC shard server over the store, with the node's certificate, taking the chunks
 * directors PUT ({@link QuicConfig#ingestClients()}) into the node's {@link ChunkIngest} on a thread of its own;
 * on a chain with an endpoint registry it registers where it serves and its certificate fingerprint.
 *
 * <p>Thread-safe. Owns the server and the ingest thread; not the store, the ingest or the chain client.
 */
final class ShardService implements NodeService {
    private static final Logger LOG = LoggerFactory.getLogger(ShardService.class);

    private final ShardStore store;
    private final ChunkIngest ingest;
    private final ChainClient chain;
    private final QuicConfig config;
    private final long defaultDealBlocks;
    private final Path certificate;
    private final Path key;
    private final MeterRegistry registry;
    private ExecutorService ingestThread;
    private volatile ShardServer server;

    ShardService(ShardStore store, ChunkIngest ingest, ChainClient chain, QuicConfig config, long defaultDealBlocks,
            Path certificate, Path key, MeterRegistry registry) {
        this.store = Objects.requireNonNull(store, "store");
        this.ingest = Objects.requireNonNull(ingest, "ingest");
        this.chain = Objects.requireNonNull(chain, "chain");
        this.config = Objects.requireNonNull(config, "config");
        this.defaultDealBlocks = defaultDealBlocks;
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.key = Objects.requireNonNull(key, "key");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public String name() {
        return "shards";
    }

    @Override
    public synchronized void start() {
        // QUIC PUTs are ingested one after the other (the ingest stores one chunk at a time anyway).
        ingestThread = Executors.newSingleThreadExecutor(Threads.daemon("icn-node-ingest"));
        ShardServerBuilder builder = ShardServer.builder(store)
                .bindAddress(new InetSocketAddress(config.bind(), config.port()))
                .certificateFiles(certificate, key)
                .chunkSink(new ChunkIngestSink(ingest, ingestThread, defaultDealBlocks))
                .ingestClients(config.ingestClients())
                .maxPutBytes(config.maxPutBytes())
                .maxConcurrentPutBytes(config.putBudgetBytes())
                .meterRegistry(registry);
        server = withLimits(builder, config.limits()).start();
        if (config.ingestClients().isEmpty()) {
            LOG.info("QUIC PUT disabled: ingest_clients is empty, so every PUT is refused (UNAUTHORIZED)");
        } else {
            LOG.info("QUIC PUT enabled for {} director certificate(s): chunks up to {} MiB, {} MiB of them at once",
                    config.ingestClients().size(), config.maxPutBytes() >> 20, config.putBudgetBytes() >> 20);
        }
        String advertised = SuperNode.hostPort(config.advertisedHost(), server.localAddress().getPort());
        if (chain.capabilities().contains(ChainCapability.ENDPOINT_REGISTRY)) {
            chain.registerEndpoint(advertised, server.certificateFingerprint());
            LOG.info("registered QUIC endpoint on the chain: {} fingerprint={}", advertised,
                    server.certificateFingerprint());
        } else {
            LOG.info("the chain has no endpoint registry; serving QUIC at {} fingerprint={} (found through the DHT"
                    + " and peers' configured peers)", advertised, server.certificateFingerprint());
        }
    }

    /** Every option of {@code [transport]} on the builder. */
    static ShardServerBuilder withLimits(ShardServerBuilder builder, TransportLimits limits) {
        return builder
                .perClientBandwidth(limits.maxClientMbps() * 1_000_000L, limits.burstBytes())
                .maxEgress(limits.maxEgressMbps() * 1_000_000L)
                .maxConnections(limits.maxConnections())
                .maxStreamsPerConnection(limits.maxStreamsPerConnection())
                .maxConcurrentRequests(limits.maxConcurrentRequests())
                .perClientRequestRate(limits.clientRequestsPerSec(), limits.clientRequestBurst())
                .peerKey(limits.clientsByPort() ? PeerKey.IP_AND_PORT : PeerKey.IP)
                .idleTimeout(limits.idleTimeout())
                .requestHeaderTimeout(limits.requestHeaderTimeout())
                .requestDeadline(limits.requestDeadline())
                .busyRetryAfter(limits.busyRetryAfter())
                .chunkSize(limits.readChunkBytes())
                .maxUdpPayloadSize(limits.maxUdpPayloadBytes())
                .ioThreads(limits.effectiveIoThreads())
                .diskThreads(limits.diskThreads())
                .socketBuffers(limits.socketReceiveBytes(), limits.socketSendBytes())
                .congestionControl(limits.congestionControl());
    }

    /** The running server; null before {@link #start()}. */
    ShardServer server() {
        return server;
    }

    /** Shard requests under way (0 before {@link #start()} and after close); for the DHT sweeps to yield to. */
    int activeRequests() {
        ShardServer s = server;
        return s == null ? 0 : s.activeRequests();
    }

    /**
     * Lets transfers in flight finish for at most {@code timeout} while new requests are answered BUSY.
     *
     * @return whether all finished
     */
    boolean drain(Duration timeout) {
        ShardServer s = server;
        return s == null || s.drain(timeout);
    }

    @Override
    public synchronized void close() {
        RuntimeException first = null;
        if (server != null) {
            try {
                server.close();
            } catch (RuntimeException e) {
                first = e;
            }
        }
        if (ingestThread != null) {
            // A PUT being stored finishes.
            ingestThread.shutdown();
            try {
                if (!ingestThread.awaitTermination(30, TimeUnit.SECONDS)) {
                    ingestThread.shutdownNow();
                    LOG.warn("the ingest thread did not finish within 30 s and was interrupted");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ingestThread.shutdownNow();
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

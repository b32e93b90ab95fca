package io.icn.transport.quic;

import io.icn.erasure.Gf256Kernel;
import io.icn.erasure.Kernels;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Configures a {@link ShardClient}. Setters validate their argument at once; {@link #build()} requires
 * a trust choice. Not thread-safe.
 *
 * <table>
 * <caption>Options and defaults</caption>
 * <tr><th>option</th><th>default</th></tr>
 * <tr><td>{@link #pinnedFingerprints} / {@link #trustAnyCertificate} and/or {@link #pinnedNodes}</td>
 *     <td>required</td></tr>
 * <tr><td>{@link #clientCertificate}</td><td>none (no PUT)</td></tr>
 * <tr><td>{@link #connectTimeout}</td><td>5 s</td></tr>
 * <tr><td>{@link #requestTimeout}</td><td>30 s per attempt</td></tr>
 * <tr><td>{@link #maxAttempts}</td><td>3</td></tr>
 * <tr><td>{@link #retryBudget}</td><td>20 % of requests, at most 50 banked</td></tr>
 * <tr><td>{@link #hedgeAfter}</td><td>2 s</td></tr>
 * <tr><td>{@link #maxStreamsPerConnection}</td><td>64</td></tr>
 * <tr><td>{@link #streamReceiveWindow} / {@link #connectionReceiveWindow}</td><td>4 MiB / 32 MiB</td></tr>
 * <tr><td>{@link #maxShardBytes}</td><td>64 MiB</td></tr>
 * <tr><td>{@link #maxUdpPayloadSize}</td><td>1350 bytes</td></tr>
 * <tr><td>{@link #idleTimeout}</td><td>30 s</td></tr>
 * <tr><td>{@link #congestionControl}</td><td>{@link CongestionControl#CUBIC} (for what the client sends: PUT bodies)</td></tr>
 * <tr><td>{@link #eventLoopGroup} / {@link #ioThreads}</td><td>1 thread owned by the client</td></tr>
 * <tr><td>{@link #decodeExecutor}</td><td>{@link java.util.concurrent.ForkJoinPool#commonPool()}</td></tr>
 * <tr><td>{@link #erasureKernel}</td><td>{@link Kernels#best()}</td></tr>
 * </table>
 */
public final class ShardClientBuilder {
    /** Default of {@link #ackDelay}. */
    static final Duration DEFAULT_ACK_DELAY = Duration.ofNanos(250_000);
    /** Largest {@link #ackDelay}: below the 25 ms {@code max_ack_delay} quiche announces to the peer. */
    static final Duration MAX_ACK_DELAY = Duration.ofMillis(20);

    Set<String> pins;
    boolean trustAny;
    Map<InetSocketAddress, String> nodePins;
    NodeCertificate clientCertificate;
    Duration connectTimeout = Duration.ofSeconds(5);
    Duration requestTimeout = Duration.ofSeconds(30);
    int maxAttempts = 3;
    double retryRatio = 0.2;
    int retryCap = 50;
    Duration hedgeAfter = Duration.ofSeconds(2);
    int maxStreamsPerConnection = 64;
    long streamReceiveWindow = 4L * 1024 * 1024;
    long connectionReceiveWindow = 32L * 1024 * 1024;
    long maxShardBytes = 64L * 1024 * 1024;
    int maxUdpPayloadSize = 1350;
    Duration ackDelay = DEFAULT_ACK_DELAY;
    Duration idleTimeout = Duration.ofSeconds(30);
    CongestionControl congestionControl = CongestionControl.CUBIC;
    EventLoopGroup eventLoopGroup;
    int ioThreads = 1;
    Executor decodeExecutor;
    Gf256Kernel erasureKernel;

    ShardClientBuilder() {
    }

    /**
     * Trusts only nodes whose certificate has one of these SHA-256 fingerprints (64 hex digits, colons and
     * case ignored), as printed by {@link ShardServer#certificateFingerprint()}.
     */
    public ShardClientBuilder pinnedFingerprints(Collection<String> fingerprints) {
        Set<String> set = new LinkedHashSet<>();
        for (String f : Objects.requireNonNull(fingerprints, "fingerprints")) {
            set.add(NodeCertificate.normaliseFingerprint(Objects.requireNonNull(f, "fingerprint")));
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("at least one fingerprint is required");
        }
        this.pins = set;
        this.trustAny = false;
        return this;
    }

    /**
     * Pins each node's certificate to its address: the node at {@code address} is trusted only with the
     * fingerprint pinned for it (64 hex digits, colons and case ignored), not with another node's. A node pinned
     * this way must present its own fingerprint whatever else is chosen; a node not listed is trusted as
     * {@link #pinnedFingerprints} or {@link #trustAnyCertificate} say, and refused with a
     * {@link NodeIdentityException} if neither was chosen. Nodes are added, re-pinned and removed while the
     * client runs with {@link ShardClient#pinNode} and {@link ShardClient#unpinNode}; the map may be empty.
     * Addresses are compared as {@link InetSocketAddress#equals} does: pass resolved addresses, as requests do.
     */
    public ShardClientBuilder pinnedNodes(Map<InetSocketAddress, String> fingerprints) {
        Map<InetSocketAddress, String> map = new LinkedHashMap<>();
        Objects.requireNonNull(fingerprints, "fingerprints").forEach((node, f) -> map.put(
                Objects.requireNonNull(node, "node"),
                NodeCertificate.normaliseFingerprint(Objects.requireNonNull(f, "fingerprint of " + node))));
        this.nodePins = map;
        return this;
    }

    /** Trusts any node certificate: for tests and closed lab networks only. */
    public ShardClientBuilder trustAnyCertificate() {
        this.trustAny = true;
        this.pins = null;
        return this;
    }

    /**
     * The certificate this client presents to nodes in the TLS handshake (mutual TLS): a director's identity,
     * needed for {@link ShardClient#putChunk}. A node that accepts PUT lists its SHA-256 fingerprint
     * ({@link NodeCertificate#sha256Fingerprint()}) among its ingest clients. Self-signed, like a node's
     * ({@link NodeCertificate#loadOrGenerate}).
     */
    public ShardClientBuilder clientCertificate(NodeCertificate certificate) {
        this.clientCertificate = Objects.requireNonNull(certificate, "certificate");
        return this;
    }

    public ShardClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = positive("connectTimeout", timeout);
        return this;
    }

    /** Deadline of one attempt of one request, from submission to the last byte. */
    public ShardClientBuilder requestTimeout(Duration timeout) {
        this.requestTimeout = positive("requestTimeout", timeout);
        return this;
    }

    /** Attempts per request including the first, 1..10. */
    public ShardClientBuilder maxAttempts(int attempts) {
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be 1..10: " + attempts);
        }
        this.maxAttempts = attempts;
        return this;
    }

    /**
     * Retries across the client are limited to {@code ratio} of first attempts, with at most {@code cap}
     * retries banked (and available at start).
     */
    public ShardClientBuilder retryBudget(double ratio, int cap) {
        if (!(ratio >= 0) || ratio > 10 || cap < 0) {
            throw new IllegalArgumentException("ratio must be 0..10 and cap >= 0: " + ratio + ", " + cap);
        }
        this.retryRatio = ratio;
        this.retryCap = cap;
        return this;
    }

    /** In {@link ShardClient#fetchChunk}, a shard fetch slower than this gets a parity shard started beside it. */
    public ShardClientBuilder hedgeAfter(Duration delay) {
        this.hedgeAfter = positive("hedgeAfter", delay);
        return this;
    }

    /** Streams this client opens at once on one connection (also capped by what the node allows). */
    public ShardClientBuilder maxStreamsPerConnection(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxStreamsPerConnection must be >= 1: " + max);
        }
        this.maxStreamsPerConnection = max;
        return this;
    }

    /** QUIC flow-control window per stream: how far a node may send ahead of this client's reading. */
    public ShardClientBuilder streamReceiveWindow(long bytes) {
        if (bytes < 16 * 1024) {
            throw new IllegalArgumentException("streamReceiveWindow must be >= 16384: " + bytes);
        }
        this.streamReceiveWindow = bytes;
        return this;
    }

    /** QUIC flow-control window per connection, over all its streams. */
    public ShardClientBuilder connectionReceiveWindow(long bytes) {
        if (bytes < 16 * 1024) {
            throw new IllegalArgumentException("connectionReceiveWindow must be >= 16384: " + bytes);
        }
        this.connectionReceiveWindow = bytes;
        return this;
    }

    /** Largest response body accepted (a node announcing more is treated as malformed). */
    public ShardClientBuilder maxShardBytes(long bytes) {
        if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxShardBytes must be 1.." + (Integer.MAX_VALUE - 8) + ": " + bytes);
        }
        this.maxShardBytes = bytes;
        return this;
    }

    /** Largest UDP payload sent and accepted, 1200..65527; see {@link ShardServerBuilder#maxUdpPayloadSize}. */
    public ShardClientBuilder maxUdpPayloadSize(int bytes) {
        if (bytes < 1200 || bytes > 65527) {
            throw new IllegalArgumentException("maxUdpPayloadSize must be 1200..65527: " + bytes);
        }
        this.maxUdpPayloadSize = bytes;
        return this;
    }

    /**
     * Longest time the client holds back its acknowledgements of received data, collecting an ACK for every two
     * full-sized packets instead of one per socket read (see {@code AckCoalescer}); {@link Duration#ZERO}
     * acknowledges at every read, as the QUIC library does on its own. Default 250 microseconds.
     */
    public ShardClientBuilder ackDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.compareTo(MAX_ACK_DELAY) > 0) {
            throw new IllegalArgumentException("ackDelay must be 0.." + MAX_ACK_DELAY.toMillis() + " ms: " + delay);
        }
        this.ackDelay = delay;
        return this;
    }

    /** The congestion controller of the client's own sending (PUT bodies); see {@link CongestionControl}. */
    public ShardClientBuilder congestionControl(CongestionControl controller) {
        this.congestionControl = Objects.requireNonNull(controller, "controller");
        return this;
    }

    /** QUIC idle timeout of the client's connections. */
    public ShardClientBuilder idleTimeout(Duration timeout) {
        this.idleTimeout = positive("idleTimeout", timeout);
        return this;
    }

    /**
     * Runs the client on an event loop group the caller owns (it is not shut down by {@link ShardClient#close()}),
     * e.g. to run many clients on a few threads. Must be an NIO or epoll {@code MultiThreadIoEventLoopGroup}.
     */
    public ShardClientBuilder eventLoopGroup(EventLoopGroup group) {
        this.eventLoopGroup = Objects.requireNonNull(group, "group");
        return this;
    }

    /** Threads of the event loop group the client creates when none is given. */
    public ShardClientBuilder ioThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 1: " + threads);
        }
        this.ioThreads = threads;
        return this;
    }

    /** Where {@link ShardClient#fetchChunk} runs Reed-Solomon decoding (not owned). */
    public ShardClientBuilder decodeExecutor(Executor executor) {
        this.decodeExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * The GF(2^8) kernel of the Reed-Solomon decoding in {@link ShardClient#fetchChunk} and rebuilding in
     * {@link ShardClient#fetchShards}, e.g. the kernel
     * of the {@link io.icn.erasure.KernelSelection} a node calibrated.
     */
    public ShardClientBuilder erasureKernel(Gf256Kernel kernel) {
        this.erasureKernel = Objects.requireNonNull(kernel, "kernel");
        return this;
    }

    /**
     * Creates the client and its UDP socket.
     *
     * @throws IllegalStateException if none of {@link #pinnedFingerprints}, {@link #pinnedNodes} and
     *     {@link #trustAnyCertificate} was called
     * @throws TransportException if QUIC is unavailable on this platform
     */
    public ShardClient build() {
        if (pins == null && !trustAny && nodePins == null) {
            throw new IllegalStateException("choose how to trust nodes: pinnedFingerprints(...), pinnedNodes(...)"
                    + " or trustAnyCertificate()");
        }
        return new QuicShardClient(this);
    }

    private static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }
}

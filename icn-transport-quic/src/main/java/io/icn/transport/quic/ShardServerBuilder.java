package io.icn.transport.quic;

import io.icn.storage.ShardStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Configures and starts a {@link ShardServer}. Every setter validates its argument at once (naming the
 * value); {@link #start()} validates the combination. Not thread-safe; may be reused to start several
 * servers (each gets its own socket, threads and meters).
 *
 * <table>
 * <caption>Options and defaults</caption>
 * <tr><th>option</th><th>default</th></tr>
 * <tr><td>{@link #bindAddress}</td><td>{@code 0.0.0.0:9002}</td></tr>
 * <tr><td>{@link #certificate} / {@link #certificateFiles}</td><td>required</td></tr>
 * <tr><td>{@link #maxConnections}</td><td>1024</td></tr>
 * <tr><td>{@link #maxStreamsPerConnection}</td><td>64</td></tr>
 * <tr><td>{@link #maxConcurrentRequests}</td><td>256</td></tr>
 * <tr><td>{@link #perClientBandwidth}</td><td>unlimited (burst 1 MiB when a rate is set)</td></tr>
 * <tr><td>{@link #maxEgress}</td><td>unlimited (clients share the server's reads by deficit round robin)</td></tr>
 * <tr><td>{@link #perClientRequestRate}</td><td>200 requests/s, burst 400</td></tr>
 * <tr><td>{@link #peerKey}</td><td>{@link PeerKey#IP}</td></tr>
 * <tr><td>{@link #idleTimeout}</td><td>30 s</td></tr>
 * <tr><td>{@link #requestHeaderTimeout}</td><td>5 s</td></tr>
 * <tr><td>{@link #requestDeadline}</td><td>60 s</td></tr>
 * <tr><td>{@link #busyRetryAfter}</td><td>250 ms</td></tr>
 * <tr><td>{@link #chunkSize}</td><td>64 KiB</td></tr>
 * <tr><td>{@link #maxUdpPayloadSize}</td><td>1350 bytes</td></tr>
 * <tr><td>{@link #ioThreads}</td><td>available processors (one UDP socket each, {@code SO_REUSEPORT})</td></tr>
 * <tr><td>{@link #socketBuffers}</td><td>8 MiB receive, 8 MiB send (capped by the kernel)</td></tr>
 * <tr><td>{@link #congestionControl}</td><td>{@link CongestionControl#CUBIC} (quiche's default)</td></tr>
 * <tr><td>{@link #diskExecutor} / {@link #diskThreads}</td><td>4 threads owned by the server</td></tr>
 * <tr><td>{@link #chunkSink}</td><td>none: PUT is answered {@link Status#UNSUPPORTED_REQUEST}</td></tr>
 * <tr><td>{@link #ingestClients}</td><td>none: PUT is answered {@link Status#UNAUTHORIZED}</td></tr>
 * <tr><td>{@link #maxPutBytes}</td><td>64 MiB</td></tr>
 * <tr><td>{@link #maxConcurrentPutBytes}</td><td>256 MiB</td></tr>
 * <tr><td>{@link #meterRegistry}</td><td>a private {@link SimpleMeterRegistry}</td></tr>
 * </table>
 */
public final class ShardServerBuilder {

    private final ShardStore store;
    private InetSocketAddress bindAddress = new InetSocketAddress(9002);
    private NodeCertificate certificate;
    private int maxConnections = 1024;
    private int maxStreamsPerConnection = 64;
    private int maxConcurrentRequests = 256;
    private long perClientBitsPerSecond;
    private long maxEgressBitsPerSecond;
    private long perClientBurstBytes = 1024 * 1024;
    private double perClientRequestsPerSecond = 200;
    private int perClientRequestBurst = 400;
    private PeerKey peerKey = PeerKey.IP;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration requestHeaderTimeout = Duration.ofSeconds(5);
    private Duration requestDeadline = Duration.ofSeconds(60);
    private Duration busyRetryAfter = Duration.ofMillis(250);
    private int chunkSize = 64 * 1024;
    private int maxUdpPayloadSize = 1350;
    private int ioThreads = Runtime.getRuntime().availableProcessors();
    private int socketReceiveBuffer = 8 * 1024 * 1024;
    private int socketSendBuffer = 8 * 1024 * 1024;
    private CongestionControl congestionControl = CongestionControl.CUBIC;
    private Executor diskExecutor;
    private int diskThreads = 4;
    private ChunkSink chunkSink;
    private Set<String> ingestClients = Set.of();
    private long maxPutBytes = 64L * 1024 * 1024;
    private long maxConcurrentPutBytes = 256L * 1024 * 1024;
    private MeterRegistry meterRegistry;
    private LongSupplier nanoTime = System::nanoTime;

    ShardServerBuilder(ShardStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The UDP address to bind; port 0 picks a free port. */
    public ShardServerBuilder bindAddress(InetSocketAddress address) {
        this.bindAddress = Objects.requireNonNull(address, "address");
        return this;
    }

    /** The node's TLS identity. */
    public ShardServerBuilder certificate(NodeCertificate certificate) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        return this;
    }

    /**
     * The node's TLS identity from PEM files, generated and persisted there on first start
     * ({@link NodeCertificate#loadOrGenerate}).
     */
    public ShardServerBuilder certificateFiles(Path certificatePem, Path privateKeyPem) {
        this.certificate = NodeCertificate.loadOrGenerate(certificatePem, privateKeyPem, new SecureRandom());
        return this;
    }

    /** Connections beyond this are closed right after they open (QUIC application error 0x201). */
    public ShardServerBuilder maxConnections(int max) {
        this.maxConnections = (int) atLeast("maxConnections", max, 1);
        return this;
    }

    /**
     * Concurrent request streams one connection may open: advertised as the QUIC
     * {@code initial_max_streams_bidi} transport parameter, so a client cannot exceed it.
     */
    public ShardServerBuilder maxStreamsPerConnection(int max) {
        this.maxStreamsPerConnection = (int) atLeast("maxStreamsPerConnection", max, 1);
        return this;
    }

    /** Requests served at once across all connections; excess requests get {@link Status#BUSY}. */
    public ShardServerBuilder maxConcurrentRequests(int max) {
        this.maxConcurrentRequests = (int) atLeast("maxConcurrentRequests", max, 1);
        return this;
    }

    /**
     * Bytes per second one client (see {@link #peerKey}) may receive, as a token bucket; streams of a client
     * that exceed it are paused, not refused.
     *
     * @param bitsPerSecond the sustained rate; 0 (the default) for unlimited: a lone client gets the whole link
     * @param burstBytes how far a client (or, for {@link #maxEgress}, the node) may run ahead of the rate; raised
     *     to {@link #chunkSize} if smaller (one read must fit)
     */
    public ShardServerBuilder perClientBandwidth(long bitsPerSecond, long burstBytes) {
        if (bitsPerSecond < 0) {
            throw new IllegalArgumentException("bitsPerSecond must be >= 0 (0 = unlimited): " + bitsPerSecond);
        }
        this.perClientBitsPerSecond = bitsPerSecond;
        this.perClientBurstBytes = atLeast("burstBytes", burstBytes, 1);
        return this;
    }

    /**
     * Bits per second the node sends as shard bodies, all clients together, as one token bucket (burst
     * {@link #perClientBandwidth burstBytes}); streams that would exceed it are paused, not refused. A lone
     * client gets all of it; clients that want more than their share get equal shares, whatever their number of
     * streams or connections (deficit round robin across clients, one read of at most {@link #chunkSize} bytes
     * per turn). Without this limit the same round robin shares the server's reads between clients, and the link
     * is shared as QUIC's congestion control shares it; set it to the link's rate to make the node share the link
     * itself equally.
     *
     * @param bitsPerSecond the sustained rate; 0 (the default) for unlimited
     */
    public ShardServerBuilder maxEgress(long bitsPerSecond) {
        if (bitsPerSecond < 0) {
            throw new IllegalArgumentException("bitsPerSecond must be >= 0 (0 = unlimited): " + bitsPerSecond);
        }
        this.maxEgressBitsPerSecond = bitsPerSecond;
        return this;
    }

    /** Requests per second one client may make, as a token bucket; excess requests get {@link Status#BUSY}. */
    public ShardServerBuilder perClientRequestRate(double perSecond, int burst) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("perSecond must be finite and > 0: " + perSecond);
        }
        this.perClientRequestsPerSecond = perSecond;
        this.perClientRequestBurst = (int) atLeast("burst", burst, 1);
        return this;
    }

    /** What counts as one client for the per-client limits. */
    public ShardServerBuilder peerKey(PeerKey key) {
        this.peerKey = Objects.requireNonNull(key, "key");
        return this;
    }

    /** QUIC idle timeout: a connection with no traffic for this long is closed. */
    public ShardServerBuilder idleTimeout(Duration timeout) {
        this.idleTimeout = positive("idleTimeout", timeout);
        return this;
    }

    /** A stream whose request frame is not complete this long after it opened gets {@link Status#TIMEOUT}. */
    public ShardServerBuilder requestHeaderTimeout(Duration timeout) {
        this.requestHeaderTimeout = positive("requestHeaderTimeout", timeout);
        return this;
    }

    /**
     * A request not finished this long after it was admitted is cut off: {@link Status#TIMEOUT} if no
     * header was sent yet, otherwise the stream is reset with error 0x101.
     */
    public ShardServerBuilder requestDeadline(Duration deadline) {
        this.requestDeadline = positive("requestDeadline", deadline);
        return this;
    }

    /** The retry-after delay sent with {@link Status#BUSY} when no per-client rate dictates a longer one. */
    public ShardServerBuilder busyRetryAfter(Duration delay) {
        this.busyRetryAfter = positive("busyRetryAfter", delay);
        return this;
    }

    /**
     * Most bytes read from the store per disk step, 4 KiB..1 MiB (default 64 KiB): the per-request memory bound
     * outside QUIC. A step reads what the stream can take right now (its QUIC send capacity) up to this. Larger
     * steps mean fewer disk round trips and event-loop wake-ups, but each flush then hands QUIC a larger burst,
     * which quiche sends unpaced: a receiver short of CPU drops more of it (docs/benchmarks.md, issue 16).
     */
    public ShardServerBuilder chunkSize(int bytes) {
        if (bytes < ServerConfig.MIN_CHUNK || bytes > ServerConfig.MAX_CHUNK) {
            throw new IllegalArgumentException("chunkSize must be " + ServerConfig.MIN_CHUNK + ".."
                    + ServerConfig.MAX_CHUNK + ": " + bytes);
        }
        this.chunkSize = bytes;
        return this;
    }

    /**
     * Largest UDP payload sent and accepted, 1200..65527. The default suits the Internet; loopback and
     * jumbo-frame networks can use more (the client must allow as much). With epoll, packets leave in GSO
     * batches of at most 16 packets and 65,507 bytes, so payloads above 32,753 bytes are sent one per call.
     */
    public ShardServerBuilder maxUdpPayloadSize(int bytes) {
        this.maxUdpPayloadSize = (int) atLeast("maxUdpPayloadSize", bytes, 1200);
        if (bytes > 65527) {
            throw new IllegalArgumentException("maxUdpPayloadSize must be <= 65527: " + bytes);
        }
        return this;
    }

    /**
     * Event loops serving the network, each with its own UDP socket bound to {@link #bindAddress} with
     * {@code SO_REUSEPORT}: the kernel spreads clients over the sockets by their address, and a
     * connection-id-aware dispatcher hands any packet that arrives on another socket to the loop that owns its
     * connection. A connection, its streams and its timers stay on one loop. With one thread, or where epoll is
     * unavailable (not Linux), the server uses one socket on one loop.
     *
     * <p>Another process of the same user that binds the same fixed port with {@code SO_REUSEPORT} would
     * share its traffic: give each node its own port.
     */
    public ShardServerBuilder ioThreads(int threads) {
        this.ioThreads = (int) atLeast("ioThreads", threads, 1);
        return this;
    }

    /**
     * Requested {@code SO_RCVBUF} / {@code SO_SNDBUF} of each UDP socket, at least 64 KiB each. Linux caps the
     * request at {@code net.core.rmem_max} / {@code net.core.wmem_max} (then doubles it for bookkeeping); raise
     * those sysctls for the request to take full effect. A receive buffer that overflows drops packets, which
     * QUIC then has to detect and resend.
     */
    public ShardServerBuilder socketBuffers(int receiveBytes, int sendBytes) {
        this.socketReceiveBuffer = (int) atLeast("receiveBytes", receiveBytes, ServerConfig.MIN_SOCKET_BUFFER);
        this.socketSendBuffer = (int) atLeast("sendBytes", sendBytes, ServerConfig.MIN_SOCKET_BUFFER);
        return this;
    }

    /** The congestion controller of every connection's sending; see {@link CongestionControl}. */
    public ShardServerBuilder congestionControl(CongestionControl controller) {
        this.congestionControl = Objects.requireNonNull(controller, "controller");
        return this;
    }

    /** Runs store calls on this executor (not owned, not shut down by the server). */
    public ShardServerBuilder diskExecutor(Executor executor) {
        this.diskExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /** Number of disk threads the server creates and owns, when no {@link #diskExecutor} is given. */
    public ShardServerBuilder diskThreads(int threads) {
        this.diskThreads = (int) atLeast("diskThreads", threads, 1);
        return this;
    }

    /**
     * Accepts PUT requests and hands their chunks to {@code sink} (the node's ingest pipeline). Without a sink
     * every PUT is answered {@link Status#UNSUPPORTED_REQUEST}.
     */
    public ShardServerBuilder chunkSink(ChunkSink sink) {
        this.chunkSink = Objects.requireNonNull(sink, "sink");
        return this;
    }

    /**
     * The clients allowed to PUT: SHA-256 fingerprints of their certificates (64 hex digits, colons and case
     * ignored), as {@link NodeCertificate#sha256Fingerprint()} prints them. A client proves its certificate in the
     * TLS handshake (mutual TLS; the server asks for a certificate but does not require one, so GET, HAS and
     * MANIFEST need none). An empty set, the default, refuses PUT to everybody with {@link Status#UNAUTHORIZED}.
     *
     * @throws IllegalArgumentException naming a value that is not a fingerprint
     */
    public ShardServerBuilder ingestClients(Set<String> fingerprints) {
        Set<String> normalised = new LinkedHashSet<>();
        for (String f : Objects.requireNonNull(fingerprints, "fingerprints")) {
            normalised.add(NodeCertificate.normaliseFingerprint(Objects.requireNonNull(f, "fingerprint")));
        }
        this.ingestClients = normalised;
        return this;
    }

    /**
     * The longest chunk one PUT may announce; a longer one is answered {@link Status#PAYLOAD_TOO_LARGE} from its
     * request frame, before any of its body is kept. At most 2 GiB - 8.
     */
    public ShardServerBuilder maxPutBytes(long bytes) {
        this.maxPutBytes = atLeast("maxPutBytes", bytes, 1);
        if (bytes > ServerConfig.MAX_PUT_BYTES) {
            throw new IllegalArgumentException("maxPutBytes must be <= " + ServerConfig.MAX_PUT_BYTES + ": " + bytes);
        }
        return this;
    }

    /**
     * Memory for PUT bodies across all connections: each admitted PUT reserves its announced length until its
     * chunk is stored (or refused); a PUT that does not fit gets {@link Status#BUSY}. At least {@link #maxPutBytes}.
     */
    public ShardServerBuilder maxConcurrentPutBytes(long bytes) {
        this.maxConcurrentPutBytes = atLeast("maxConcurrentPutBytes", bytes, 1);
        return this;
    }

    /** Where the server registers its meters (removed again on close). */
    public ShardServerBuilder meterRegistry(MeterRegistry registry) {
        this.meterRegistry = Objects.requireNonNull(registry, "registry");
        return this;
    }

    /** The clock of the rate limiters, in nanoseconds; tests pass a manual one. */
    ShardServerBuilder nanoTime(LongSupplier clock) {
        this.nanoTime = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Binds the socket and starts serving.
     *
     * @throws IllegalStateException if no certificate was configured
     * @throws IllegalArgumentException if {@link #maxConcurrentPutBytes} is below {@link #maxPutBytes}
     * @throws TransportException if QUIC is unavailable on this platform or the address cannot be bound
     */
    public ShardServer start() {
        if (certificate == null) {
            throw new IllegalStateException("a node certificate is required: call certificate(...) or certificateFiles(...)");
        }
        ServerConfig config = new ServerConfig(bindAddress, certificate, maxConnections, maxStreamsPerConnection,
                maxConcurrentRequests, perClientBitsPerSecond, perClientBurstBytes, maxEgressBitsPerSecond,
                perClientRequestsPerSecond,
                perClientRequestBurst, peerKey, idleTimeout, requestHeaderTimeout, requestDeadline, busyRetryAfter,
                chunkSize, maxUdpPayloadSize, ioThreads, socketReceiveBuffer, socketSendBuffer, congestionControl, diskExecutor,
                diskThreads, chunkSink, ingestClients, maxPutBytes, maxConcurrentPutBytes,
                meterRegistry != null ? meterRegistry : new SimpleMeterRegistry(), nanoTime);
        return QuicShardServer.start(store, config);
    }

    private static long atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ": " + value);
        }
        return value;
    }

    private static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }
}

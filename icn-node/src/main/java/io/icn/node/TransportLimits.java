package io.icn.node;

import io.icn.transport.quic.CongestionControl;
import java.time.Duration;
import java.util.Objects;

/**
 * The limits and sizes of the node's QUIC shard server ({@code [transport]} in the launcher's TOML), handed to
 * {@code ShardServerBuilder} option by option. Immutable and thread-safe.
 *
 * @param maxClientMbps a hard cap per client, Mbit/s; 0 = none (a lone client gets the whole link)
 * @param maxEgressMbps the node's egress for shard bodies, all clients together, shared fairly between them,
 *     Mbit/s; 0 = none
 * @param maxConnections open QUIC connections at once
 * @param maxStreamsPerConnection requests at once on one connection
 * @param maxConcurrentRequests requests at once, node-wide
 * @param clientRequestsPerSec sustained requests per second per client (token bucket)
 * @param clientRequestBurst how many requests a client may make at once beyond its rate
 * @param burstBytes how far a client (under {@code maxClientMbps}) or the node (under {@code maxEgressMbps}) may
 *     run ahead of its rate
 * @param clientsByPort whether a client is an IP address and port (each connection on its own budget) rather
 *     than an IP address
 * @param idleTimeout a connection with no traffic for this long is closed
 * @param requestHeaderTimeout a stream whose request frame is not complete by then gets TIMEOUT
 * @param requestDeadline a request not finished this long after admission is cut off
 * @param busyRetryAfter the retry-after sent with BUSY when no rate dictates a longer one
 * @param readChunkBytes most bytes read from the store per disk step
 * @param maxUdpPayloadBytes largest UDP payload sent and accepted
 * @param ioThreads event loops (one UDP socket each); 0 = one per available processor
 * @param diskThreads threads reading the store for the server
 * @param socketReceiveBytes requested SO_RCVBUF of each UDP socket (the kernel caps it at net.core.rmem_max)
 * @param socketSendBytes requested SO_SNDBUF of each UDP socket (the kernel caps it at net.core.wmem_max)
 * @param congestionControl the congestion controller of the server's sending
 */
public record TransportLimits(long maxClientMbps, long maxEgressMbps, int maxConnections, int maxStreamsPerConnection,
        int maxConcurrentRequests, int clientRequestsPerSec, int clientRequestBurst, long burstBytes,
        boolean clientsByPort, Duration idleTimeout, Duration requestHeaderTimeout, Duration requestDeadline,
        Duration busyRetryAfter, int readChunkBytes, int maxUdpPayloadBytes, int ioThreads, int diskThreads,
        int socketReceiveBytes, int socketSendBytes, CongestionControl congestionControl) {

    /**
     * The server's own defaults: no bandwidth cap, 1024 connections, 64 streams each, 256 requests, 200/s, 1 MiB
     * burst, clients by IP, 30 s idle, 5 s header, 60 s deadline, 250 ms retry-after, 64 KiB reads, 1350-byte
     * packets, a loop per processor, 4 disk threads, 8 MiB socket buffers, CUBIC.
     */
    public static final TransportLimits DEFAULT = new TransportLimits(0, 0, 1024, 64, 256, 200, 400, 1L << 20, false,
            Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMillis(250), 64 << 10,
            1350, 0, 4, 8 << 20, 8 << 20, CongestionControl.CUBIC);

    public TransportLimits {
        ConfigChecks.range("maxClientMbps", maxClientMbps, 0, 1_000_000);
        ConfigChecks.range("maxEgressMbps", maxEgressMbps, 0, 1_000_000);
        ConfigChecks.range("maxConnections", maxConnections, 1, 1_000_000);
        ConfigChecks.range("maxStreamsPerConnection", maxStreamsPerConnection, 1, 10_000);
        ConfigChecks.range("maxConcurrentRequests", maxConcurrentRequests, 1, 1_000_000);
        ConfigChecks.range("clientRequestsPerSec", clientRequestsPerSec, 1, 1_000_000);
        ConfigChecks.range("clientRequestBurst", clientRequestBurst, 1, 1_000_000);
        ConfigChecks.range("burstBytes", burstBytes, 4 << 10, 1L << 30);
        ConfigChecks.positive("idleTimeout", idleTimeout);
        ConfigChecks.positive("requestHeaderTimeout", requestHeaderTimeout);
        ConfigChecks.positive("requestDeadline", requestDeadline);
        ConfigChecks.positive("busyRetryAfter", busyRetryAfter);
        ConfigChecks.range("readChunkBytes", readChunkBytes, 4 << 10, 1 << 20);
        ConfigChecks.range("maxUdpPayloadBytes", maxUdpPayloadBytes, 1200, 65_527);
        ConfigChecks.range("ioThreads", ioThreads, 0, 256);
        ConfigChecks.range("diskThreads", diskThreads, 1, 256);
        ConfigChecks.range("socketReceiveBytes", socketReceiveBytes, 64 << 10, 1 << 30);
        ConfigChecks.range("socketSendBytes", socketSendBytes, 64 << 10, 1 << 30);
        Objects.requireNonNull(congestionControl, "congestionControl");
    }

    /** The event loops the server runs: {@link #ioThreads()}, or one per available processor when 0. */
    public int effectiveIoThreads() {
        return ioThreads == 0 ? Runtime.getRuntime().availableProcessors() : ioThreads;
    }
}

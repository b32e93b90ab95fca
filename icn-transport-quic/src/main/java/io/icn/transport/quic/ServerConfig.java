package io.icn.transport.quic;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The validated, immutable settings of one {@link QuicShardServer}; see {@link ShardServerBuilder} for
 * what each means and its default.
 *
 * @param diskExecutor the executor for store calls, or {@code null} to let the server own {@code diskThreads}
 *     threads
 * @param perClientBitsPerSecond 0 for unlimited
 * @param maxEgressBitsPerSecond the node-wide limit of shard bytes sent, all clients together; 0 for unlimited
 * @param ioThreads event loops, each with its own UDP socket on the bind address when the transport allows it
 * @param socketReceiveBuffer requested {@code SO_RCVBUF} of each socket (the kernel caps it)
 * @param socketSendBuffer requested {@code SO_SNDBUF} of each socket (the kernel caps it)
 * @param congestionControl the congestion controller of every connection's sending
 * @param chunkSink where PUT chunks go, or {@code null} when the server takes no PUT
 * @param ingestClients normalised certificate fingerprints of the clients allowed to PUT; empty = nobody
 * @param maxPutBytes the longest chunk one PUT may announce
 * @param maxConcurrentPutBytes the server-wide budget of PUT bodies held at once
 */
record ServerConfig(
        InetSocketAddress bindAddress,
        NodeCertificate certificate,
        int maxConnections,
        int maxStreamsPerConnection,
        int maxConcurrentRequests,
        long perClientBitsPerSecond,
        long perClientBurstBytes,
        long maxEgressBitsPerSecond,
        double perClientRequestsPerSecond,
        int perClientRequestBurst,
        PeerKey peerKey,
        Duration idleTimeout,
        Duration requestHeaderTimeout,
        Duration requestDeadline,
        Duration busyRetryAfter,
        int chunkSize,
        int maxUdpPayloadSize,
        int ioThreads,
        int socketReceiveBuffer,
        int socketSendBuffer,
        CongestionControl congestionControl,
        Executor diskExecutor,
        int diskThreads,
        ChunkSink chunkSink,
        Set<String> ingestClients,
        long maxPutBytes,
        long maxConcurrentPutBytes,
        MeterRegistry meterRegistry,
        LongSupplier nanoTime) {

    static final int MIN_CHUNK = 4 * 1024;
    static final int MAX_CHUNK = 1024 * 1024;
    /** Socket buffers below this would drop a single burst of 64 KiB GSO/GRO datagrams. */
    static final int MIN_SOCKET_BUFFER = 64 * 1024;
    /** The longest chunk a PUT can carry: one heap array. */
    static final long MAX_PUT_BYTES = Integer.MAX_VALUE - 8;

    ServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(peerKey, "peerKey");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        Objects.requireNonNull(nanoTime, "nanoTime");
        Objects.requireNonNull(congestionControl, "congestionControl");
        positive("maxConnections", maxConnections);
        positive("maxStreamsPerConnection", maxStreamsPerConnection);
        positive("maxConcurrentRequests", maxConcurrentRequests);
        if (perClientBitsPerSecond < 0) {
            throw new IllegalArgumentException("perClientBitsPerSecond must be >= 0 (0 = unlimited): "
                    + perClientBitsPerSecond);
        }
        if (maxEgressBitsPerSecond < 0) {
            throw new IllegalArgumentException("maxEgressBitsPerSecond must be >= 0 (0 = unlimited): "
                    + maxEgressBitsPerSecond);
        }
        if (perClientBurstBytes < 1) {
            throw new IllegalArgumentException("perClientBurstBytes must be >= 1: " + perClientBurstBytes);
        }
        // A bucket must hold one read's worth of tokens, or a read of chunkSize bytes would wait for ever.
        perClientBurstBytes = Math.max(perClientBurstBytes, chunkSize);
        if (!(perClientRequestsPerSecond > 0)) {
            throw new IllegalArgumentException("perClientRequestsPerSecond must be > 0: " + perClientRequestsPerSecond);
        }
        positive("perClientRequestBurst", perClientRequestBurst);
        positive("idleTimeout", idleTimeout);
        positive("requestHeaderTimeout", requestHeaderTimeout);
        positive("requestDeadline", requestDeadline);
        positive("busyRetryAfter", busyRetryAfter);
        if (chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK) {
            throw new IllegalArgumentException("chunkSize must be " + MIN_CHUNK + ".." + MAX_CHUNK + ": " + chunkSize);
        }
        if (maxUdpPayloadSize < 1200 || maxUdpPayloadSize > 65527) {
            throw new IllegalArgumentException("maxUdpPayloadSize must be 1200..65527: " + maxUdpPayloadSize);
        }
        positive("ioThreads", ioThreads);
        if (socketReceiveBuffer < MIN_SOCKET_BUFFER || socketSendBuffer < MIN_SOCKET_BUFFER) {
            throw new IllegalArgumentException("socket buffers must be >= " + MIN_SOCKET_BUFFER + ": receive "
                    + socketReceiveBuffer + ", send " + socketSendBuffer);
        }
        if (diskExecutor == null) {
            positive("diskThreads", diskThreads);
        }
        ingestClients = Set.copyOf(Objects.requireNonNull(ingestClients, "ingestClients"));
        if (maxPutBytes < 1 || maxPutBytes > MAX_PUT_BYTES) {
            throw new IllegalArgumentException("maxPutBytes must be 1.." + MAX_PUT_BYTES + ": " + maxPutBytes);
        }
        if (maxConcurrentPutBytes < maxPutBytes) {
            throw new IllegalArgumentException("maxConcurrentPutBytes (" + maxConcurrentPutBytes
                    + ") must be >= maxPutBytes (" + maxPutBytes + "), or the largest PUT could never be admitted");
        }
    }

    /**
     * Bytes granted for reading and not yet handed to QUIC, all streams together ({@link FairEgress}): two reads
     * per disk thread, enough to keep the disk threads and the event loops busy, few enough that waiting streams
     * queue in the fair order rather than in the disk executor's.
     */
    long maxInFlightBytes() {
        return 2L * chunkSize * Math.max(2, diskThreads);
    }

    /** Whether a PUT can succeed at all: a sink is configured and at least one client may use it. */
    boolean acceptsPut() {
        return chunkSink != null && !ingestClients.isEmpty();
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1: " + value);
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}

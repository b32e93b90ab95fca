package io.icn.node;

/**
 * The limits of the node's QUIC shard server ({@code [transport]} in the launcher's TOML), handed to
 * {@code ShardServerBuilder}. Immutable and thread-safe.
 *
 * @param maxClientMbps a hard cap per client, Mbit/s; 0 = none (a lone client gets the whole link)
 * @param maxEgressMbps the node's egress for shard bodies, all clients together, Mbit/s; 0 = none
 * @param maxConnections open QUIC connections at once
 * @param maxStreamsPerConnection requests at once on one connection
 * @param maxConcurrentRequests requests at once, node-wide
 * @param clientRequestsPerSec sustained requests per second per client (token bucket)
 * @param clientRequestBurst how many requests a client may make at once beyond its rate
 */
public record TransportLimits(long maxClientMbps, long maxEgressMbps, int maxConnections, int maxStreamsPerConnection,
        int maxConcurrentRequests, int clientRequestsPerSec, int clientRequestBurst) {

    /** The server's own defaults: no bandwidth cap, 1024 connections, 64 streams each, 256 requests, 200/s. */
    public static final TransportLimits DEFAULT = new TransportLimits(0, 0, 1024, 64, 256, 200, 400);

    public TransportLimits {
        ConfigChecks.range("maxClientMbps", maxClientMbps, 0, 1_000_000);
        ConfigChecks.range("maxEgressMbps", maxEgressMbps, 0, 1_000_000);
        ConfigChecks.range("maxConnections", maxConnections, 1, 1_000_000);
        ConfigChecks.range("maxStreamsPerConnection", maxStreamsPerConnection, 1, 10_000);
        ConfigChecks.range("maxConcurrentRequests", maxConcurrentRequests, 1, 1_000_000);
        ConfigChecks.range("clientRequestsPerSec", clientRequestsPerSec, 1, 1_000_000);
        ConfigChecks.range("clientRequestBurst", clientRequestBurst, 1, 1_000_000);
    }
}

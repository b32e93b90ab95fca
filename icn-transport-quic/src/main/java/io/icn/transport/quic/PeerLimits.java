package io.icn.transport.quic;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-client budgets, keyed by {@link PeerKey}: an optional hard bandwidth cap, a request-rate bucket and a
 * place in the node's fair sending ({@link FairEgress}) per client, shared by all of the client's connections
 * and dropped when its last connection closes; and the node's {@link FairEgress} itself.
 *
 * <p>Thread-safe.
 */
final class PeerLimits {

    /** One client's budgets. */
    static final class Peer {
        final Object key;
        /** {@code null} when bandwidth is unlimited. */
        final TokenBucket bandwidth;
        final TokenBucket requests;
        /** The client's queue in the node's fair sending. */
        final FairEgress.ClientQueue egress = FairEgress.newClient();
        private int connections;

        Peer(Object key, TokenBucket bandwidth, TokenBucket requests) {
            this.key = key;
            this.bandwidth = bandwidth;
            this.requests = requests;
        }
    }

    private final ServerConfig config;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<Object, Peer> peers = new ConcurrentHashMap<>();
    private final FairEgress egress;

    /**
     * @param timer schedules the fair sending's retries when the node-wide egress limit has no tokens
     * @param onPause told the nanoseconds of each wait for node-wide egress tokens
     */
    PeerLimits(ServerConfig config, FairEgress.Timer timer, java.util.function.LongConsumer onPause) {
        this.config = config;
        this.nanoTime = config.nanoTime();
        TokenBucket bucket = config.maxEgressBitsPerSecond() == 0 ? null
                : new TokenBucket(config.maxEgressBitsPerSecond() / 8.0, config.perClientBurstBytes(), nanoTime);
        this.egress = new FairEgress(bucket, config.maxInFlightBytes(), config.chunkSize(), timer, onPause);
    }

    /**
     * Reserves {@code bytes} of the client's hard cap, if it has one.
     *
     * @return the nanoseconds the caller must wait before sending them (0 if none)
     */
    long reserveOwn(Peer peer, int bytes) {
        return peer.bandwidth == null ? 0 : peer.bandwidth.reserve(bytes);
    }

    /** The node's fair sending, across all clients. */
    FairEgress egress() {
        return egress;
    }

    /** Registers a connection of the client at {@code remote}; pair with {@link #release(Peer)}. */
    Peer acquire(SocketAddress remote) {
        Object key = keyOf(remote);
        return peers.compute(key, (k, existing) -> {
            Peer p = existing != null ? existing : newPeer(k);
            p.connections++;
            return p;
        });
    }

    /** Unregisters one connection of the client. */
    void release(Peer peer) {
        peers.computeIfPresent(peer.key, (k, p) -> --p.connections <= 0 ? null : p);
    }

    int size() {
        return peers.size();
    }

    private Peer newPeer(Object key) {
        TokenBucket bandwidth = config.perClientBitsPerSecond() == 0 ? null
                : new TokenBucket(config.perClientBitsPerSecond() / 8.0, config.perClientBurstBytes(), nanoTime);
        TokenBucket requests = new TokenBucket(config.perClientRequestsPerSecond(), config.perClientRequestBurst(),
                nanoTime);
        return new Peer(key, bandwidth, requests);
    }

    private Object keyOf(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet) {
            return config.peerKey() == PeerKey.IP && inet.getAddress() != null ? inet.getAddress() : inet;
        }
        return remote == null ? "unknown" : remote;
    }
}

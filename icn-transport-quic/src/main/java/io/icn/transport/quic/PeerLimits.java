package io.icn.transport.quic;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-client budgets, keyed by {@link PeerKey}: a bandwidth bucket and a request-rate bucket per client,
 * shared by all of the client's connections and dropped when its last connection closes; and the node-wide
 * egress bucket.
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
    /** The node-wide egress bucket; {@code null} when egress is unlimited. */
    private final TokenBucket egress;

    PeerLimits(ServerConfig config) {
        this.config = config;
        this.nanoTime = config.nanoTime();
        this.egress = config.maxEgressBitsPerSecond() == 0 ? null
                : new TokenBucket(config.maxEgressBitsPerSecond() / 8.0, config.perClientBurstBytes(), nanoTime);
    }

    /**
     * Reserves {@code bytes} of the client's and of the node's bandwidth.
     *
     * @return the nanoseconds the caller must wait before sending them (0 if none)
     */
    long reserve(Peer peer, int bytes) {
        long own = peer.bandwidth == null ? 0 : peer.bandwidth.reserve(bytes);
        long node = egress == null ? 0 : egress.reserve(bytes);
        return Math.max(own, node);
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

package io.icn.p2p;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What this host knows of a connected peer: its connection, and what the peer said of itself in identify
 * ({@code /ipfs/id/1.0.0}). Before identify completes (or if it fails) {@link #identified()} is false and the
 * identify fields are empty.
 *
 * @param peerId the peer
 * @param remoteAddress its transport address as this host sees it
 * @param inbound whether the peer dialed this host
 * @param connectedAt when the connection was established (the host's clock)
 * @param identified whether identify succeeded
 * @param agentVersion e.g. {@code js-libp2p/3.3.11}; empty if not identified
 * @param protocolVersion e.g. {@code /icn/super-node/1.0.0} or {@code ipfs/0.1.0}; empty if not identified
 * @param protocols the protocols the peer serves, as it listed them
 * @param listenAddresses the addresses it listens on, as it listed them
 * @param observedAddress this host's address as the peer sees it, if it said
 *
 * <p>Immutable and thread-safe.
 */
public record PeerInfo(PeerId peerId, Multiaddr remoteAddress, boolean inbound, Instant connectedAt,
        boolean identified, String agentVersion, String protocolVersion, List<String> protocols,
        List<Multiaddr> listenAddresses, Optional<Multiaddr> observedAddress) {

    /** Validates presence and copies the lists. */
    public PeerInfo {
        if (peerId == null || remoteAddress == null || connectedAt == null || agentVersion == null
                || protocolVersion == null || protocols == null || listenAddresses == null || observedAddress == null) {
            throw new IllegalArgumentException("PeerInfo fields must not be null (use empty values)");
        }
        protocols = List.copyOf(protocols);
        listenAddresses = List.copyOf(listenAddresses);
    }
}

package io.icn.p2p;

/**
 * What happens to the host's connections, delivered to the listener given to
 * {@link P2pHost.Builder#eventListener}.
 *
 * <p><b>Threading.</b> Delivered on the connection's event loop: a listener must be thread-safe, fast and must not
 * block; one that throws is logged nowhere and ignored. Events are immutable.
 */
public sealed interface P2pEvent {

    /** The peer concerned. */
    PeerId peerId();

    /** A connection to {@code info.peerId()} is up (secured and multiplexed); identify has not run yet. */
    record PeerConnected(PeerInfo info) implements P2pEvent {
        @Override
        public PeerId peerId() {
            return info.peerId();
        }
    }

    /** Identify with the peer completed: {@code info} carries its agent, protocols and addresses. */
    record PeerIdentified(PeerInfo info) implements P2pEvent {
        @Override
        public PeerId peerId() {
            return info.peerId();
        }
    }

    /** A connection to the peer closed ({@code remaining} connections to it are still open). */
    record PeerDisconnected(PeerId peerId, Multiaddr remoteAddress, int remaining) implements P2pEvent {
    }
}

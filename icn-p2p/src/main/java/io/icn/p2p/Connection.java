package io.icn.p2p;

import io.netty.channel.Channel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One secured, multiplexed connection to a peer: its channel, the proven peer id and its Yamux session.
 *
 * <p>Thread-safe: the fields are final or volatile; the session is confined to {@link #channel}'s event loop.
 */
final class Connection {
    final Channel channel;
    final PeerId peerId;
    final Multiaddr remoteAddress;
    final boolean inbound;
    final Instant connectedAt;
    final CompletableFuture<PeerInfo> identified = new CompletableFuture<>();
    volatile YamuxSession session;
    private volatile PeerInfo info;

    Connection(Channel channel, PeerId peerId, Multiaddr remoteAddress, boolean inbound, Instant connectedAt) {
        this.channel = channel;
        this.peerId = peerId;
        this.remoteAddress = remoteAddress;
        this.inbound = inbound;
        this.connectedAt = connectedAt;
        this.info = new PeerInfo(peerId, remoteAddress, inbound, connectedAt, false, "", "", List.of(), List.of(),
                Optional.empty());
    }

    PeerInfo info() {
        return info;
    }

    void identifiedAs(PeerInfo identified) {
        this.info = identified;
    }

    boolean isOpen() {
        return channel.isActive();
    }
}

package io.icn.transport.quic;

import io.netty.util.AttributeKey;

/**
 * Per-connection bookkeeping of the server, stored on the {@code QuicChannel}. Event-loop confined (all
 * streams of a connection run on the connection's event loop).
 */
final class ConnectionState {

    static final AttributeKey<ConnectionState> KEY = AttributeKey.valueOf(ConnectionState.class, "state");

    final PeerLimits.Peer peer;
    int activeStreams;

    ConnectionState(PeerLimits.Peer peer) {
        this.peer = peer;
    }
}

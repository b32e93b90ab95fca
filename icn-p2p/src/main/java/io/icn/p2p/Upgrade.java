package io.icn.p2p;

import java.util.concurrent.CompletableFuture;

/**
 * The upgrade of one raw TCP connection into a {@link Connection}: which side it is, which peer it must prove to be
 * (when dialed with {@code /p2p}), and the future that completes with the connection (or the first fault).
 *
 * <p>Thread-safe: its future is; the rest is immutable.
 */
final class Upgrade {
    final boolean initiator;
    final PeerId expectedPeer;
    final CompletableFuture<Connection> result = new CompletableFuture<>();
    volatile PeerId provenPeer;

    Upgrade(boolean initiator, PeerId expectedPeer) {
        this.initiator = initiator;
        this.expectedPeer = expectedPeer;
    }

    void fail(Throwable cause) {
        result.completeExceptionally(cause);
    }
}

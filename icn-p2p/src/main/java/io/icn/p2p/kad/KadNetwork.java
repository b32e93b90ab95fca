package io.icn.p2p.kad;

import io.icn.p2p.ProtocolViolationException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What Kademlia needs of a network: send a request to a peer and get its response, send a message
 * that has none, and be handed the requests other peers send. One request per stream, as rust-libp2p
 * and js-libp2p do. Implemented over the libp2p host (the {@code /ipfs/kad/1.0.0} protocol) and by
 * {@link InMemoryKadNetwork} for tests and simulations.
 *
 * <p>Implementations are thread-safe and never block the caller: results arrive on the network's
 * threads. A failed exchange completes its future with a {@link KadTimeoutException},
 * {@link KadPeerUnreachableException}, {@link ProtocolViolationException} (malformed or oversized
 * response) or {@link KadClosedException}.
 */
public interface KadNetwork {

    /** How this node describes itself to others: its peer id and the addresses it listens on. */
    KadPeer self();

    /** Sends {@code request} to {@code peer} and completes with its response, within {@code timeout}. */
    CompletableFuture<KadMessage> request(KadPeer peer, KadMessage request, Duration timeout);

    /** Sends {@code message}, which has no response (ADD_PROVIDER); completes once it was delivered. */
    CompletableFuture<Void> send(KadPeer peer, KadMessage message, Duration timeout);

    /**
     * Hands every inbound request to {@code handler} from now on, or stops accepting requests when it is
     * {@code null} (client mode: the peer's streams for the protocol are refused).
     */
    void serve(InboundHandler handler);

    /**
     * Tells {@code listener} of every peer found to serve Kademlia (identify listed the protocol), so
     * that it enters the routing table without a lookup. The default never calls it.
     */
    default void onServerPeer(java.util.function.Consumer<KadPeer> listener) {
    }

    /** Answers inbound requests. Called on network threads; must not block. */
    @FunctionalInterface
    interface InboundHandler {
        /**
         * The response to {@code request}, or {@code null} for a message that has none.
         *
         * @param from the requesting peer: its authenticated id and the addresses it is known by
         * @param fromServer whether that peer serves Kademlia itself (so it belongs in routing tables)
         * @throws KadException to reset the stream (a rejected record, a malformed request)
         */
        KadMessage handle(KadPeer from, boolean fromServer, KadMessage request);
    }
}

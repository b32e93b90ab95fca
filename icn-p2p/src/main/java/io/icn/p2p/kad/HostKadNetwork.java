package io.icn.p2p.kad;

import io.icn.p2p.Multiaddr;
import io.icn.p2p.P2pEvent;
import io.icn.p2p.P2pException;
import io.icn.p2p.P2pHost;
import io.icn.p2p.P2pStream;
import io.icn.p2p.PeerId;
import io.icn.p2p.PeerInfo;
import io.icn.p2p.ProtocolViolationException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Kademlia over the libp2p host: each request opens a stream for {@link KadConfig#protocolId()}, writes
 * one varint-length-prefixed {@code Message}, reads one back and closes the stream (ADD_PROVIDER has no
 * answer), as rust-libp2p and js-libp2p do. Inbound streams may carry several requests in a row; each
 * is answered in order. Inbound messages are limited to {@link KadConfig#maxInboundMessageBytes()}.
 *
 * <p>Peers are dialed through the host's address book, fed with the addresses a Kademlia message gave
 * for them. Peers whose identify lists the protocol are reported to {@link #onServerPeer}: forward the
 * host's events to {@link #onEvent} (the host builder's event listener).
 *
 * <p>Thread-safe; never blocks. Inbound requests are handled on {@code handlerExecutor} (validating a
 * record checks Ed25519 signatures: not work for an event loop). Timeouts run on {@code timer}. Both stay
 * the caller's, as does the host.
 */
public final class HostKadNetwork implements KadNetwork {
    private final P2pHost host;
    private final KadConfig config;
    private final Executor handlerExecutor;
    private final ScheduledExecutorService timer;
    private final Supplier<List<Multiaddr>> advertised;
    private final AtomicReference<Consumer<KadPeer>> serverPeers = new AtomicReference<>(p -> { });

    /**
     * @param advertised the addresses this node gives others for itself (its public listen addresses;
     *     {@code host::listenAddresses} on a network where those are reachable)
     */
    public HostKadNetwork(P2pHost host, KadConfig config, Executor handlerExecutor, ScheduledExecutorService timer,
            Supplier<List<Multiaddr>> advertised) {
        this.host = Objects.requireNonNull(host, "host");
        this.config = Objects.requireNonNull(config, "config");
        this.handlerExecutor = Objects.requireNonNull(handlerExecutor, "handlerExecutor");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.advertised = Objects.requireNonNull(advertised, "advertised");
    }

    @Override
    public KadPeer self() {
        return KadPeer.of(host.peerId(), advertised.get());
    }

    @Override
    public void onServerPeer(Consumer<KadPeer> listener) {
        serverPeers.set(Objects.requireNonNull(listener, "listener"));
    }

    /** Feed the host's events here: identified peers serving Kademlia are passed to {@link #onServerPeer}. */
    public void onEvent(P2pEvent event) {
        if (event instanceof P2pEvent.PeerIdentified identified
                && identified.info().protocols().contains(config.protocolId())) {
            PeerInfo info = identified.info();
            KadPeer peer = KadPeer.of(info.peerId(), info.listenAddresses());
            handlerExecutor.execute(() -> serverPeers.get().accept(peer));
        }
    }

    @Override
    public CompletableFuture<KadMessage> request(KadPeer peer, KadMessage request, Duration timeout) {
        return exchange(peer, request, timeout, true);
    }

    @Override
    public CompletableFuture<Void> send(KadPeer peer, KadMessage message, Duration timeout) {
        return exchange(peer, message, timeout, false).thenApply(m -> null);
    }

    private CompletableFuture<KadMessage> exchange(KadPeer peer, KadMessage request, Duration timeout,
            boolean expectResponse) {
        CompletableFuture<KadMessage> result = new CompletableFuture<>();
        PeerId id;
        try {
            id = peer.peerId();
            List<Multiaddr> addrs = peer.multiaddrs();
            if (!addrs.isEmpty()) {
                host.addAddresses(id, addrs);
            }
        } catch (P2pException e) {
            result.completeExceptionally(new KadPeerUnreachableException("cannot dial " + peer + ": " + e.getMessage(), e));
            return result;
        }
        byte[] wire = KadMessageCodec.encode(request);
        if (wire.length > config.maxOutboundMessageBytes()) {
            result.completeExceptionally(new ProtocolViolationException("kad " + request.type() + " of " + wire.length
                    + " bytes exceeds the outbound limit " + config.maxOutboundMessageBytes()));
            return result;
        }
        AtomicReference<P2pStream> opened = new AtomicReference<>();
        ScheduledFuture<?> timeoutTask = timer.schedule(() -> {
            if (result.completeExceptionally(new KadTimeoutException("no kad answer from " + id + " within " + timeout))) {
                P2pStream s = opened.get();
                if (s != null) {
                    s.reset();
                }
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        host.newStream(id, config.protocolId()).thenCompose(stream -> {
            opened.set(stream);
            if (result.isDone()) {
                stream.reset();
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> written = stream.writeMessage(wire);
            if (!expectResponse) {
                return written.thenCompose(v -> stream.closeWrite()).thenApply(v -> {
                    stream.close();
                    return (KadMessage) null;
                });
            }
            return written.thenCompose(v -> stream.readMessage()).thenApply(message -> {
                stream.close();
                return KadMessageCodec.decode(message.orElseThrow(() -> new KadPeerUnreachableException(
                        id + " closed the kad stream without answering " + request.type())), config.maxInboundMessageBytes());
            });
        }).whenComplete((response, error) -> {
            timeoutTask.cancel(false);
            if (error == null) {
                result.complete(response);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            P2pStream s = opened.get();
            if (s != null) {
                s.reset();
            }
            result.completeExceptionally(cause instanceof ProtocolViolationException || cause instanceof KadException
                    ? cause
                    : new KadPeerUnreachableException("kad " + request.type() + " to " + id + " failed: " + cause, cause));
        });
        return result;
    }

    @Override
    public void serve(InboundHandler handler) {
        if (handler == null) {
            host.unbind(config.protocolId());
        } else {
            host.bind(config.protocolId(), config.maxInboundMessageBytes(), stream -> next(stream, handler));
        }
    }

    /** Reads and answers the stream's next request; ends at a clean end of stream, resets on any fault. */
    private void next(P2pStream stream, InboundHandler handler) {
        stream.readMessage().thenApplyAsync(message -> {
            if (message.isEmpty()) {
                stream.close();
                return Optional.<byte[]>empty();
            }
            KadMessage request = KadMessageCodec.decode(message.get(), config.maxInboundMessageBytes());
            PeerId remote = stream.remotePeer();
            Optional<PeerInfo> info = host.peer(remote);
            KadPeer from = KadPeer.of(remote, info.map(PeerInfo::listenAddresses).orElse(List.of()));
            boolean fromServer = info.map(i -> i.protocols().contains(config.protocolId())).orElse(false);
            KadMessage response = handler.handle(from, fromServer, request);
            return Optional.of(response == null ? new byte[0] : KadMessageCodec.encode(response));
        }, handlerExecutor).thenCompose(answer -> {
            if (answer.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            if (answer.get().length == 0) {
                return CompletableFuture.completedFuture(true);
            }
            return stream.writeMessage(answer.get()).thenApply(v -> true);
        }).whenComplete((more, error) -> {
            if (error != null) {
                stream.reset();
            } else if (more) {
                next(stream, handler);
            }
        });
    }
}

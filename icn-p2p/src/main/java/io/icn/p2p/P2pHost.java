package io.icn.p2p;

import io.netty.channel.EventLoopGroup;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A libp2p host: TCP, multistream-select 1.0, Noise XX (libp2p handshake payload), Yamux 1.0, identify
 * ({@code /ipfs/id/1.0.0}) and ping ({@code /ipfs/ping/1.0.0}), interoperable with js-libp2p and rust-libp2p.
 * Protocols are served by {@link #bind binding} a {@link StreamHandler} to a protocol id; streams to a peer are
 * opened with {@link #newStream}.
 *
 * <pre>{@code
 * try (P2pHost host = P2pHost.builder().identity(HostIdentity.fromPrivateKey(nodeKey))
 *         .listen(Multiaddr.parse("/ip4/0.0.0.0/tcp/4001")).build()) {
 *     host.bind("/icn/echo/1.0.0", stream -> stream.readMessage().thenCompose(m -> stream.writeMessage(m.orElseThrow()))
 *             .whenComplete((v, e) -> stream.close()));
 *     host.start().join();
 *     PeerInfo peer = host.connect(Multiaddr.parse("/ip4/10.0.0.2/tcp/4001/p2p/12D3KooW...")).join();
 *     P2pStream s = host.newStream(peer.peerId(), "/icn/echo/1.0.0").join();
 * }
 * }</pre>
 *
 * <p><b>Threading.</b> Thread-safe; no method blocks except {@link #close()}. Futures complete on a connection's
 * event loop (or the host's resolver executor for failures before a connection exists): dependent stages must not
 * block. Handlers and the event listener run on event loops.
 *
 * <p><b>Ownership.</b> The host owns its listening sockets and connections, and the event loop group and resolver
 * executor unless they were {@link Builder#eventLoopGroup given} to it; {@link #close()} closes exactly what it
 * owns. {@code ByteBuf}s never leave the module.
 */
public interface P2pHost extends AutoCloseable {

    /** The identify protocol id. */
    String IDENTIFY = "/ipfs/id/1.0.0";
    /** The ping protocol id. */
    String PING = "/ipfs/ping/1.0.0";
    /** The protocol version this host announces in identify. */
    String DEFAULT_PROTOCOL_VERSION = "/icn/super-node/1.0.0";

    /** A builder of an unstarted host. */
    static Builder builder() {
        return new Builder();
    }

    /** This host's peer id. */
    PeerId peerId();

    /**
     * Binds the listen addresses. Idempotent after success.
     *
     * @return completes when every listen address is bound; fails with {@link P2pException} (cause: the bind
     *     error) naming the address, after which the host is closed
     */
    CompletableFuture<Void> start();

    /** The bound listen addresses with their real ports (port 0 resolved), without {@code /p2p}; empty before start. */
    List<Multiaddr> listenAddresses();

    /**
     * Dials {@code address} ({@code /ip4|ip6|dns|dns4|dns6/.../tcp/<port>}, optionally ending in {@code /p2p/<id>},
     * which the remote must then prove), or returns the existing connection to that peer. DNS names are resolved on
     * the resolver executor, never on an event loop.
     *
     * @return the peer, identified (or with {@code identified()} false if identify failed); fails with
     *     {@link DialTimeoutException}, {@link DialBackoffException}, {@link DialException} (cause: the I/O or
     *     upgrade fault), {@link BadPeerException} (wrong peer id, bad signature), {@link LimitExceededException}
     *     (maximum peers), {@link InvalidMultiaddrException} (not a TCP address), {@link HostClosedException}
     */
    CompletableFuture<PeerInfo> connect(Multiaddr address);

    /**
     * Opens a stream to {@code peer} for {@code protocol} on an open connection, or after dialing an address of
     * {@link #addAddresses the address book} if there is none.
     *
     * @return the negotiated stream; fails with {@link NoSuchProtocolException} (the peer answered {@code na}),
     *     {@link DialException} (not connected, no usable address), {@link LimitExceededException} (streams per
     *     peer), {@link HostClosedException}
     */
    CompletableFuture<P2pStream> newStream(PeerId peer, String protocol);

    /**
     * Serves {@code protocol} with {@code handler}; its inbound messages are limited to
     * {@link HostLimits#maxInboundMessageBytes(String)}. Replaces an earlier binding; affects streams opened later.
     * Bound protocols are listed in identify.
     *
     * @throws IllegalArgumentException if {@code protocol} is empty, longer than 1024 bytes, or contains a newline
     */
    void bind(String protocol, StreamHandler handler);

    /** As {@link #bind(String, StreamHandler)}, with inbound messages limited to {@code maxMessageBytes}. */
    void bind(String protocol, int maxMessageBytes, StreamHandler handler);

    /** Stops serving {@code protocol}; later streams for it are answered {@code na}. */
    void unbind(String protocol);

    /**
     * Remembers addresses of {@code peer} for {@link #newStream} to dial (e.g. from a DHT lookup). A trailing
     * {@code /p2p} must name {@code peer}.
     *
     * @throws InvalidMultiaddrException if an address names another peer
     */
    void addAddresses(PeerId peer, Collection<Multiaddr> addresses);

    /** The connected peers (one entry per peer, its oldest connection), for an operator's {@code peers} command. */
    List<PeerInfo> peers();

    /** The connected peer {@code peer}, if connected. */
    Optional<PeerInfo> peer(PeerId peer);

    /**
     * Pings {@code peer} ({@code /ipfs/ping/1.0.0}, 32 random bytes echoed back).
     *
     * @return the round trip time; fails like {@link #newStream}, or with {@link ProtocolViolationException} if
     *     the echo differs
     */
    CompletableFuture<Duration> ping(PeerId peer);

    /** Closes every connection to {@code peer} (Yamux go-away, then TCP close). */
    CompletableFuture<Void> disconnect(PeerId peer);

    /**
     * Closes listeners and connections (go-away on each), fails pending operations with
     * {@link HostClosedException}, and shuts down what the host owns. Idempotent.
     *
     * @return completes when every channel is closed and owned threads have stopped
     */
    CompletableFuture<Void> closeAsync();

    /** {@link #closeAsync()} and waits for it (bounded: 30 s). Must not be called on an event loop. */
    @Override
    void close();

    /**
     * Builds a {@link P2pHost}. Only {@link #identity} is required.
     *
     * <p>Not thread-safe: one builder, one thread.
     */
    final class Builder {
        HostIdentity identity;
        final List<Multiaddr> listen = new ArrayList<>();
        HostLimits limits = HostLimits.defaults();
        EventLoopGroup eventLoopGroup;
        int ioThreads = 2;
        String agentVersion = "icn-super-node/0.1.0";
        String protocolVersion = DEFAULT_PROTOCOL_VERSION;
        Clock clock = Clock.systemUTC();
        SecureRandom random;
        Executor resolver;
        Consumer<P2pEvent> eventListener = event -> { };

        Builder() {
        }

        /** The host's key and peer id. Required. */
        public Builder identity(HostIdentity identity) {
            this.identity = identity;
            return this;
        }

        /** Adds TCP listen addresses ({@code /ip4|ip6/<a>/tcp/<port>}, port 0 for any). None: dial-only. */
        public Builder listen(Multiaddr... addresses) {
            listen.addAll(List.of(addresses));
            return this;
        }

        /** The connection manager's limits; default {@link HostLimits#defaults()}. */
        public Builder limits(HostLimits limits) {
            this.limits = limits;
            return this;
        }

        /**
         * Runs on {@code group} (an NIO or epoll {@code MultiThreadIoEventLoopGroup}), which the host then does not
         * shut down. Default: a group of {@link #ioThreads} threads owned by the host.
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.eventLoopGroup = group;
            return this;
        }

        /** Threads of the host-owned event loop group; default 2. */
        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        /** The agent version announced in identify; default {@code icn-super-node/0.1.0}. */
        public Builder agentVersion(String agentVersion) {
            this.agentVersion = agentVersion;
            return this;
        }

        /** The protocol version announced in identify; default {@value #DEFAULT_PROTOCOL_VERSION}. */
        public Builder protocolVersion(String protocolVersion) {
            this.protocolVersion = protocolVersion;
            return this;
        }

        /** The clock of connection times and dial back-off; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The randomness of Noise keys and pings; default a new {@link SecureRandom}. */
        public Builder random(SecureRandom random) {
            this.random = random;
            return this;
        }

        /**
         * Where DNS names of dialed addresses are resolved (a blocking call); default one daemon thread owned by
         * the host.
         */
        public Builder resolver(Executor resolver) {
            this.resolver = resolver;
            return this;
        }

        /** Receives {@link P2pEvent}s on event loops (must not block); default none. */
        public Builder eventListener(Consumer<P2pEvent> listener) {
            this.eventListener = listener;
            return this;
        }

        /**
         * An unstarted host.
         *
         * @throws IllegalArgumentException if the identity is missing, a listen address is not TCP, or a value is
         *     out of range (named)
         */
        public P2pHost build() {
            if (identity == null) {
                throw new IllegalArgumentException("a host needs an identity (HostIdentity.fromPrivateKey/fromSeed)");
            }
            if (limits == null || clock == null || eventListener == null) {
                throw new IllegalArgumentException("limits, clock and eventListener must not be null");
            }
            if (eventLoopGroup == null && (ioThreads < 1 || ioThreads > 256)) {
                throw new IllegalArgumentException("ioThreads must be 1..256, got " + ioThreads);
            }
            for (String s : List.of(agentVersion == null ? "" : agentVersion, protocolVersion == null ? "" : protocolVersion)) {
                if (s.isEmpty() || s.length() > 256) {
                    throw new IllegalArgumentException("agentVersion and protocolVersion must be 1..256 characters, got '" + s + "'");
                }
            }
            for (Multiaddr a : listen) {
                TcpAddress.requireListenable(a);
            }
            return new NettyP2pHost(this);
        }
    }
}

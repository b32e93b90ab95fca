package io.icn.p2p;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The {@link P2pHost} on Netty TCP (epoll when available, NIO otherwise). Each connection's pipeline goes
 * multistream-select ({@code /noise}) → Noise handshake → Noise transport + multistream-select
 * ({@code /yamux/1.0.0}) → Yamux session, with a {@link ConnectionGuard} last; each step installs the next and
 * removes itself.
 *
 * <p>Thread-safe: shared state is in concurrent collections; each connection's state is confined to its event
 * loop.
 */
final class NettyP2pHost implements P2pHost {
    static final String NOISE = "/noise";
    static final String YAMUX = "/yamux/1.0.0";
    private static final int PING_BYTES = 32;
    private static final long CLOSE_WAIT_SECONDS = 30;

    private final HostIdentity identity;
    private final HostLimits limits;
    private final List<Multiaddr> listen;
    private final String agentVersion;
    private final String protocolVersion;
    private final Clock clock;
    private final SecureRandom random;
    private final Consumer<P2pEvent> listener;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Executor resolver;
    private final ExecutorService ownedResolver;
    private final boolean epoll;
    private final KeyPair noiseStatic;
    private final byte[] noisePayload;
    private final Map<String, ProtocolBinding> bindings = new ConcurrentHashMap<>();
    private final Map<PeerId, List<Connection>> connections = new ConcurrentHashMap<>();
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final List<Channel> servers = new CopyOnWriteArrayList<>();
    private final List<Multiaddr> listening = new CopyOnWriteArrayList<>();
    private final Map<PeerId, Set<Multiaddr>> addressBook = new ConcurrentHashMap<>();
    private final Map<String, Backoff> backoff = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private CompletableFuture<Void> started;

    /** Consecutive failed dials of one peer (or address) and until when the next is refused. */
    private record Backoff(int failures, Instant until) {
    }

    NettyP2pHost(P2pHost.Builder b) {
        this.identity = b.identity;
        this.limits = b.limits;
        this.listen = List.copyOf(b.listen);
        this.agentVersion = b.agentVersion;
        this.protocolVersion = b.protocolVersion;
        this.clock = b.clock;
        this.random = b.random != null ? b.random : new SecureRandom();
        this.listener = b.eventListener;
        if (b.eventLoopGroup != null) {
            this.group = b.eventLoopGroup;
            this.ownsGroup = false;
        } else {
            DefaultThreadFactory threads = new DefaultThreadFactory("icn-p2p", true);
            this.group = Epoll.isAvailable() ? new MultiThreadIoEventLoopGroup(b.ioThreads, threads, EpollIoHandler.newFactory())
                    : new MultiThreadIoEventLoopGroup(b.ioThreads, threads, NioIoHandler.newFactory());
            this.ownsGroup = true;
        }
        this.epoll = Epoll.isAvailable() && group instanceof IoEventLoopGroup io && io.isCompatible(EpollIoHandle.class);
        if (b.resolver != null) {
            this.resolver = b.resolver;
            this.ownedResolver = null;
        } else {
            this.ownedResolver = Executors.newSingleThreadExecutor(new DefaultThreadFactory("icn-p2p-resolver", true));
            this.resolver = ownedResolver;
        }
        this.noiseStatic = NoiseXX.newKeyPair(random);
        this.noisePayload = NoisePayload.create(identity, NoiseXX.rawPublic(noiseStatic.getPublic()));
        bindings.put(IDENTIFY, new ProtocolBinding(this::serveIdentify, limits.maxInboundMessageBytes(IDENTIFY)));
        bindings.put(PING, new ProtocolBinding(NettyP2pHost::serveEcho, limits.maxInboundMessageBytes(PING)));
    }

    @Override
    public PeerId peerId() {
        return identity.peerId();
    }

    @Override
    public synchronized CompletableFuture<Void> start() {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new HostClosedException("host " + peerId() + " is closed"));
        }
        if (started != null) {
            return started;
        }
        List<CompletableFuture<Void>> binds = new ArrayList<>();
        for (Multiaddr address : listen) {
            InetSocketAddress socket = TcpAddress.requireListenable(address);
            ServerBootstrap bootstrap = new ServerBootstrap().group(group)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accept(ch);
                        }
                    });
            CompletableFuture<Void> bound = new CompletableFuture<>();
            bootstrap.bind(socket).addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    servers.add(f.channel());
                    listening.add(Multiaddr.tcp((InetSocketAddress) f.channel().localAddress()));
                    bound.complete(null);
                } else {
                    bound.completeExceptionally(new P2pException("cannot listen on " + address + ": " + f.cause(), f.cause()));
                }
            });
            binds.add(bound);
        }
        started = CompletableFuture.allOf(binds.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            if (e != null) {
                closeAsync();
            }
        });
        return started;
    }

    @Override
    public List<Multiaddr> listenAddresses() {
        return List.copyOf(listening);
    }

    // ---- connections ---------------------------------------------------------------------------------------

    private void accept(Channel ch) {
        if (closed.get() || channels.size() >= limits.maxPeers()) {
            ch.close();
            return;
        }
        setUp(ch, new Upgrade(false, null));
    }

    private void setUp(Channel ch, Upgrade upgrade) {
        channels.add(ch);
        ch.closeFuture().addListener(f -> channels.remove(ch));
        var timeout = ch.eventLoop().schedule(() -> {
            if (!upgrade.result.isDone()) {
                upgrade.fail(new DialTimeoutException("connection with " + ch.remoteAddress() + " not secured and multiplexed within "
                        + limits.dialTimeout()));
                ch.close();
            }
        }, limits.dialTimeout().toMillis(), TimeUnit.MILLISECONDS);
        upgrade.result.whenComplete((connection, error) -> {
            timeout.cancel(false);
            if (error != null) {
                ch.close();
            } else {
                register(connection);
            }
        });
        ch.pipeline().addLast("mss-security", new MultistreamHandler(upgrade.initiator, NOISE, (ctx, p) -> secure(ctx, upgrade)));
        ch.pipeline().addLast("guard", new ConnectionGuard(upgrade));
    }

    private void secure(ChannelHandlerContext ctx, Upgrade upgrade) {
        NoiseXX noise = new NoiseXX(upgrade.initiator, noiseStatic, random);
        ctx.pipeline().addAfter(ctx.name(), "noise-handshake", new NoiseHandshakeHandler(upgrade, noise, noisePayload,
                (c, ciphers) -> {
                    c.pipeline().addAfter(c.name(), "noise", new NoiseTransportCodec(ciphers[0], ciphers[1]));
                    c.pipeline().addAfter("noise", "mss-muxer", new MultistreamHandler(upgrade.initiator, YAMUX,
                            (m, p) -> multiplex(m, upgrade)));
                }));
    }

    private void multiplex(ChannelHandlerContext ctx, Upgrade upgrade) {
        Channel ch = ctx.channel();
        Connection connection = new Connection(ch, upgrade.provenPeer, Multiaddr.tcp((InetSocketAddress) ch.remoteAddress()),
                !upgrade.initiator, clock.instant());
        YamuxSession session = new YamuxSession(connection, upgrade.initiator, limits, bindings::get);
        connection.session = session;
        ctx.pipeline().addAfter(ctx.name(), "yamux", session);
        upgrade.result.complete(connection);
    }

    /** Called on the connection's event loop once it is secured and multiplexed. */
    private void register(Connection connection) {
        if (closed.get()) {
            connection.channel.close();
            return;
        }
        connections.computeIfAbsent(connection.peerId, p -> new CopyOnWriteArrayList<>()).add(connection);
        connection.channel.closeFuture().addListener(f -> unregister(connection));
        emit(new P2pEvent.PeerConnected(connection.info()));
        identify(connection);
    }

    private void unregister(Connection connection) {
        int[] remaining = {0};
        connections.computeIfPresent(connection.peerId, (peer, list) -> {
            list.remove(connection);
            remaining[0] = list.size();
            return list.isEmpty() ? null : list;
        });
        connection.identified.complete(connection.info());
        emit(new P2pEvent.PeerDisconnected(connection.peerId, connection.remoteAddress, remaining[0]));
    }

    private void identify(Connection connection) {
        connection.session.open(IDENTIFY).thenCompose(stream -> stream.readMessage().whenComplete((m, e) -> stream.close()))
                .whenComplete((message, error) -> {
                    try {
                        if (error != null) {
                            return;
                        }
                        Identify id = Identify.decode(message.orElseThrow(() ->
                                new ProtocolViolationException("identify stream of " + connection.peerId + " ended without a message")));
                        if (id.publicKey().length > 0 && !connection.peerId.matches(id.publicKey())) {
                            throw new BadPeerException("identify of " + connection.peerId + " carries another peer's key");
                        }
                        PeerInfo info = new PeerInfo(connection.peerId, connection.remoteAddress, connection.inbound,
                                connection.connectedAt, true, id.agentVersion(), id.protocolVersion(), id.protocols(),
                                id.listenAddresses(), id.observedAddress());
                        connection.identifiedAs(info);
                        remember(connection.peerId, id.listenAddresses());
                        emit(new P2pEvent.PeerIdentified(info));
                    } catch (P2pException e) {
                        // identify failed: the connection stays, unidentified
                    } finally {
                        connection.identified.complete(connection.info());
                    }
                });
    }

    private void serveIdentify(P2pStream stream) {
        Identify id = new Identify(identity.publicKeyProtobuf(), listenAddresses(), new ArrayList<>(new TreeSet<>(bindings.keySet())),
                Optional.of(stream.remoteAddress()), protocolVersion, agentVersion);
        stream.writeMessage(id.encode()).thenCompose(v -> stream.closeWrite()).whenComplete((v, e) -> stream.close());
    }

    /** Echoes every byte back until the end of stream (the ping responder). */
    static void serveEcho(P2pStream stream) {
        stream.read().thenCompose(bytes -> bytes.length == 0
                ? stream.closeWrite().thenApply(v -> false)
                : stream.write(bytes).thenApply(v -> true))
                .whenComplete((more, error) -> {
                    if (error != null) {
                        stream.reset();
                    } else if (more) {
                        serveEcho(stream);
                    } else {
                        stream.close();
                    }
                });
    }

    // ---- dialing -------------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<PeerInfo> connect(Multiaddr address) {
        return dial(address).thenCompose(connection -> connection.identified);
    }

    private CompletableFuture<Connection> dial(Multiaddr address) {
        try {
            if (closed.get()) {
                throw new HostClosedException("host " + peerId() + " is closed");
            }
            TcpAddress tcp = TcpAddress.of(address);
            PeerId expected = address.peerId().orElse(null);
            if (peerId().equals(expected)) {
                throw new DialException("refusing to dial this host itself (" + address + ")");
            }
            if (expected != null) {
                Connection existing = liveConnection(expected);
                if (existing != null) {
                    return CompletableFuture.completedFuture(existing);
                }
            }
            String key = expected != null ? expected.toString() : address.toString();
            Backoff b = backoff.get(key);
            if (b != null && clock.instant().isBefore(b.until())) {
                throw new DialBackoffException("not dialing " + address + " before " + b.until() + " (" + b.failures()
                        + " failed dials in a row)");
            }
            if (channels.size() >= limits.maxPeers()) {
                throw new LimitExceededException("already " + channels.size() + " connections (maxPeers " + limits.maxPeers() + ")");
            }
            CompletableFuture<InetSocketAddress> target = tcp.dns() == null
                    ? CompletableFuture.completedFuture(tcp.literal())
                    : CompletableFuture.supplyAsync(tcp::resolve, resolver);
            return target.thenCompose(remote -> connectTcp(remote, expected))
                    .handle((connection, error) -> {
                        if (error == null) {
                            backoff.remove(key);
                            return connection;
                        }
                        Throwable cause = unwrap(error);
                        backoff.compute(key, (k, old) -> {
                            int failures = old == null ? 1 : old.failures() + 1;
                            Duration delay = limits.dialBackoffBase().multipliedBy(1L << Math.min(failures - 1, 20));
                            if (delay.compareTo(limits.dialBackoffMax()) > 0) {
                                delay = limits.dialBackoffMax();
                            }
                            return new Backoff(failures, clock.instant().plus(delay));
                        });
                        throw new CompletionException(cause instanceof P2pException ? cause
                                : new DialException("dial to " + address + " failed: " + cause, cause));
                    });
        } catch (P2pException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Connection> connectTcp(InetSocketAddress remote, PeerId expected) {
        Upgrade upgrade = new Upgrade(true, expected);
        CompletableFuture<Connection> registered = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, limits.dialTimeout().toMillis()))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        setUp(ch, upgrade);
                        // runs after setUp's own completion stage has registered the connection
                        upgrade.result.whenComplete((c, e) -> {
                            if (e != null) {
                                registered.completeExceptionally(e);
                            } else if (closed.get()) {
                                registered.completeExceptionally(new HostClosedException("host " + peerId() + " is closed"));
                            } else {
                                registered.complete(c);
                            }
                        });
                    }
                });
        try {
            bootstrap.connect(remote).addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    Throwable cause = f.cause();
                    upgrade.fail(new DialException("cannot connect to " + remote + ": " + cause, cause));
                    registered.completeExceptionally(new DialException("cannot connect to " + remote + ": " + cause, cause));
                }
            });
        } catch (RejectedExecutionException e) {
            registered.completeExceptionally(new HostClosedException("host " + peerId() + " is closed", e));
        }
        return registered;
    }

    private Connection liveConnection(PeerId peer) {
        List<Connection> list = connections.get(peer);
        if (list == null) {
            return null;
        }
        for (Connection c : list) {
            if (c.isOpen()) {
                return c;
            }
        }
        return null;
    }

    @Override
    public CompletableFuture<P2pStream> newStream(PeerId peer, String protocol) {
        try {
            Multistream.requireValidProtocol(protocol);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(new HostClosedException("host " + peerId() + " is closed"));
        }
        Connection live = liveConnection(peer);
        CompletableFuture<Connection> connection = live != null ? CompletableFuture.completedFuture(live) : dialKnown(peer);
        return connection.thenCompose(c -> {
            CompletableFuture<P2pStream> opened = new CompletableFuture<>();
            try {
                c.channel.eventLoop().execute(() -> c.session.open(protocol).whenComplete((s, e) -> {
                    if (e != null) {
                        opened.completeExceptionally(e);
                    } else {
                        opened.complete(s);
                    }
                }));
            } catch (RejectedExecutionException e) {
                opened.completeExceptionally(new HostClosedException("host " + peerId() + " is closed", e));
            }
            return opened;
        });
    }

    private CompletableFuture<Connection> dialKnown(PeerId peer) {
        Set<Multiaddr> known = addressBook.get(peer);
        if (known == null || known.isEmpty()) {
            return CompletableFuture.failedFuture(new DialException("not connected to " + peer + " and no address of it is known"));
        }
        return dialEach(peer, new ArrayList<>(known).iterator(), null);
    }

    private CompletableFuture<Connection> dialEach(PeerId peer, Iterator<Multiaddr> addresses, Throwable last) {
        while (addresses.hasNext()) {
            Multiaddr next = addresses.next();
            try {
                TcpAddress.of(next);
            } catch (InvalidMultiaddrException notTcp) {
                continue;
            }
            return dial(next.withPeerId(peer)).handle((c, e) -> e == null ? CompletableFuture.completedFuture(c)
                    : dialEach(peer, addresses, unwrap(e))).thenCompose(f -> f);
        }
        return CompletableFuture.failedFuture(last instanceof DialException ? last
                : new DialException("no TCP address of " + peer + " could be dialed" + (last == null ? "" : ": " + last), last));
    }

    @Override
    public void addAddresses(PeerId peer, Collection<Multiaddr> addresses) {
        for (Multiaddr a : addresses) {
            Optional<PeerId> named = a.peerId();
            if (named.isPresent() && !named.get().equals(peer)) {
                throw new InvalidMultiaddrException("address " + a + " names " + named.get() + ", not " + peer);
            }
        }
        remember(peer, addresses);
    }

    private void remember(PeerId peer, Collection<Multiaddr> addresses) {
        if (!addresses.isEmpty()) {
            Set<Multiaddr> set = addressBook.computeIfAbsent(peer, p -> ConcurrentHashMap.newKeySet());
            for (Multiaddr a : addresses) {
                set.add(a.withoutPeerId());
            }
        }
    }

    // ---- protocols -----------------------------------------------------------------------------------------

    @Override
    public void bind(String protocol, StreamHandler handler) {
        bind(protocol, limits.maxInboundMessageBytes(protocol), handler);
    }

    @Override
    public void bind(String protocol, int maxMessageBytes, StreamHandler handler) {
        Multistream.requireValidProtocol(protocol);
        bindings.put(protocol, new ProtocolBinding(handler, maxMessageBytes));
    }

    @Override
    public void unbind(String protocol) {
        bindings.remove(protocol);
    }

    @Override
    public List<PeerInfo> peers() {
        List<PeerInfo> out = new ArrayList<>();
        for (PeerId peer : connections.keySet()) {
            Connection c = liveConnection(peer);
            if (c != null) {
                out.add(c.info());
            }
        }
        return out;
    }

    @Override
    public Optional<PeerInfo> peer(PeerId peer) {
        return Optional.ofNullable(liveConnection(peer)).map(Connection::info);
    }

    @Override
    public CompletableFuture<Duration> ping(PeerId peer) {
        byte[] challenge = new byte[PING_BYTES];
        random.nextBytes(challenge);
        return newStream(peer, PING).thenCompose(stream -> {
            long start = System.nanoTime();
            return stream.write(challenge).thenCompose(v -> readExactly(stream, new byte[PING_BYTES], 0))
                    .thenApply(echo -> {
                        long rtt = System.nanoTime() - start;
                        stream.close();
                        if (!Arrays.equals(echo, challenge)) {
                            throw new ProtocolViolationException("ping of " + peer + " echoed different bytes");
                        }
                        return Duration.ofNanos(rtt);
                    }).whenComplete((d, e) -> {
                        if (e != null) {
                            stream.reset();
                        }
                    });
        });
    }

    private static CompletableFuture<byte[]> readExactly(P2pStream stream, byte[] into, int filled) {
        if (filled == into.length) {
            return CompletableFuture.completedFuture(into);
        }
        return stream.read().thenCompose(bytes -> {
            if (bytes.length == 0) {
                throw new ProtocolViolationException("stream " + stream + " ended after " + filled + " of " + into.length + " bytes");
            }
            if (filled + bytes.length > into.length) {
                throw new ProtocolViolationException("stream " + stream + " sent " + (filled + bytes.length) + " bytes, "
                        + into.length + " expected");
            }
            System.arraycopy(bytes, 0, into, filled, bytes.length);
            return readExactly(stream, into, filled + bytes.length);
        });
    }

    @Override
    public CompletableFuture<Void> disconnect(PeerId peer) {
        List<Connection> list = connections.getOrDefault(peer, List.of());
        return CompletableFuture.allOf(list.stream().map(this::closeConnection).toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> closeConnection(Connection connection) {
        return closeChannel(connection.channel, connection.session);
    }

    private CompletableFuture<Void> closeChannel(Channel ch, YamuxSession session) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ch.closeFuture().addListener(f -> done.complete(null));
        try {
            ch.eventLoop().execute(() -> {
                if (session != null) {
                    session.goAway();
                }
                ch.close();
            });
        } catch (RejectedExecutionException e) {
            ch.close();
        }
        return done;
    }

    // ---- closing -------------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Channel server : servers) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            server.close().addListener(f -> done.complete(null));
            closing.add(done);
        }
        for (List<Connection> list : connections.values()) {
            for (Connection c : list) {
                closing.add(closeConnection(c));
            }
        }
        for (Channel ch : channels) {
            closing.add(closeChannel(ch, null));
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            if (ownedResolver != null) {
                ownedResolver.shutdownNow();
            }
            if (ownsGroup) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(f -> closeFuture.complete(null));
            } else {
                closeFuture.complete(null);
            }
        });
        return closeFuture;
    }

    @Override
    public void close() {
        try {
            closeAsync().get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostClosedException("interrupted while closing host " + peerId(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new P2pException("host " + peerId() + " did not close within " + CLOSE_WAIT_SECONDS + " s: " + e, e);
        }
    }

    private void emit(P2pEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException ignored) {
            // a listener's failure is its own; the host carries on
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public String toString() {
        return "P2pHost[" + peerId() + " " + listening + "]";
    }

}

package io.icn.transport.quic;

import io.icn.storage.ShardStore;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicConnectionPathStats;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link ShardServer} on Netty's QUIC codec (quiche). Each of {@link ServerConfig#ioThreads()} event loops owns
 * one UDP socket bound to the same address with {@code SO_REUSEPORT} and the connections that socket accepted;
 * a {@link SocketDispatcher} routes packets that reach the wrong socket. Without epoll there is one socket on
 * one loop. Store calls run on the disk executor.
 *
 * <p>Thread-safe; see {@link ShardServer} for the lifecycle.
 */
final class QuicShardServer implements ShardServer {

    /**
     * Initial receive window for request bytes per stream: a request frame is at most 132 bytes. A PUT's chunk
     * needs more, and gets it: quiche widens the window of a stream (and of the connection) whose data the node
     * reads as fast as it arrives, up to its own maximum (megabytes), so no other stream is offered more.
     */
    private static final int STREAM_RECEIVE_WINDOW = 4 * 1024;
    private static final long DRAIN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** The longest ACK delay a client announces by default (quiche's and RFC 9000's {@code max_ack_delay}). */
    private static final long MAX_ACK_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    /** The longest a closing connection waits for its client's acknowledgements before its CONNECTION_CLOSE. */
    private static final long MAX_SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final ServerConfig config;
    private final EventLoopGroup group;
    private final ExecutorService ownedDiskExecutor;
    private final ServingContext context;
    private final ChannelGroup connections;
    private final DatagramFaults datagramFaults;
    /** The bound sockets, one per event loop; the first one's address is the server's. */
    private final List<Channel> sockets;
    private final AtomicBoolean closed = new AtomicBoolean();

    private QuicShardServer(ShardStore store, ServerConfig config) {
        this.config = config;
        QuicIo.ensureQuic();
        this.ownedDiskExecutor = config.diskExecutor() == null
                ? Executors.newFixedThreadPool(config.diskThreads(), new io.netty.util.concurrent.DefaultThreadFactory(
                        "icn-shard-disk", true))
                : null;
        ServerMetrics metrics = new ServerMetrics(config.meterRegistry());
        boolean shared = config.ioThreads() > 1 && QuicIo.canReusePort();
        this.group = QuicIo.newGroup(shared ? config.ioThreads() : 1, "icn-shard-server");
        this.context = new ServingContext(store, config,
                ownedDiskExecutor != null ? ownedDiskExecutor : config.diskExecutor(),
                new Semaphore(config.maxConcurrentRequests()), new IngestBudget(config.maxConcurrentPutBytes()),
                new PeerLimits(config, this::schedule, metrics::throttled), metrics, new AtomicBoolean());
        this.datagramFaults = new DatagramFaults(metrics, config.nanoTime());
        this.connections = new DefaultChannelGroup(group.next());
        List<Channel> bound = new ArrayList<>();
        try {
            if (shared) {
                bindShared(bound);
            } else {
                bound.add(bootstrap().handler(withFaults(codec().build())).bind(config.bindAddress()).sync().channel());
            }
            this.sockets = List.copyOf(bound);
        } catch (Exception e) {
            bound.forEach(Channel::close);
            shutdownResources();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new TransportException("cannot bind QUIC server to " + config.bindAddress(), e);
        }
    }

    /** Runs {@code task} on one of the server's event loops after {@code delayNanos}; dropped once it shuts down. */
    private void schedule(Runnable task, long delayNanos) {
        try {
            group.next().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: nothing is waiting for the retry any more.
        }
    }

    static ShardServer start(ShardStore store, ServerConfig config) {
        return new QuicShardServer(store, config);
    }

    private Bootstrap bootstrap() {
        return QuicIo.datagramBootstrap(group, config.maxUdpPayloadSize(), config.socketReceiveBuffer(),
                config.socketSendBuffer());
    }

    /**
     * Binds one {@code SO_REUSEPORT} socket per event loop (the bootstrap registers each bind on the group's next
     * loop, so they get a loop each), all sharing one {@link SocketDispatcher}.
     */
    private void bindShared(List<Channel> bound) throws InterruptedException, IOException {
        QuicServerCodecBuilder codec = codec();
        Bootstrap bootstrap = bootstrap()
                .option(UnixChannelOption.SO_REUSEPORT, true)
                .handler(filtered(new SocketDispatcher((idLength, ids) -> withFaults(codec.clone()
                        .localConnectionIdLength(idLength)
                        .connectionIdAddressGenerator(ids)
                        .build()))));
        InetSocketAddress address = config.bindAddress().getPort() == 0 ? freePort(config.bindAddress())
                : config.bindAddress();
        for (int i = 0; i < config.ioThreads(); i++) {
            bound.add(bootstrap.bind(address).sync().channel());
        }
    }

    /**
     * A free port on the host of {@code address}. Binding port 0 with {@code SO_REUSEPORT} could be given a
     * port that another reuse-port socket of this user already holds (the kernel lets them share); a probe
     * socket without the option gets a port nobody holds, which the sockets then bind at once.
     */
    private static InetSocketAddress freePort(InetSocketAddress address) throws IOException {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(address.getAddress(), 0))) {
            return new InetSocketAddress(address.getAddress(), probe.getLocalPort());
        }
    }

    /** The socket's pipeline: the QUIC codec, then {@link DatagramFaults} for what the codec fails on. */
    private ChannelHandler withFaults(ChannelHandler codec) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel socket) {
                socket.pipeline().addLast(codec, datagramFaults);
            }
        };
    }

    /** A dispatcher behind the filter of datagrams it would leak (see {@link DatagramFaults#truncatedFilter()}). */
    private ChannelHandler filtered(ChannelHandler dispatcher) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel socket) {
                socket.pipeline().addLast(datagramFaults.truncatedFilter(), dispatcher);
            }
        };
    }

    private QuicServerCodecBuilder codec() {
        QuicSslContextBuilder tls = QuicSslContextBuilder
                .forServer(config.certificate().privateKey(), null, config.certificate().certificate())
                .applicationProtocols(Protocol.ALPN);
        if (config.acceptsPut()) {
            // Mutual TLS for PUT: ask every client for a certificate, require none (GET, HAS and MANIFEST need
            // none), accept any that proves its key; a PUT then checks the fingerprint against ingestClients.
            tls.clientAuth(ClientAuth.OPTIONAL).trustManager(FingerprintTrustManager.anyClient());
        }
        QuicSslContext ssl = tls.build();
        int streams = config.maxStreamsPerConnection();
        return new QuicServerCodecBuilder()
                .sslContext(ssl)
                .maxIdleTimeout(config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .congestionControlAlgorithm(config.congestionControl().algorithm())
                .maxSendUdpPayloadSize(QuicIo.sendPayload(config.maxUdpPayloadSize()))
                .maxRecvUdpPayloadSize(config.maxUdpPayloadSize())
                .initialMaxData((long) STREAM_RECEIVE_WINDOW * streams)
                .initialMaxStreamDataBidirectionalRemote(STREAM_RECEIVE_WINDOW)
                .initialMaxStreamDataBidirectionalLocal(0)
                .initialMaxStreamDataUnidirectional(0)
                .initialMaxStreamsBidirectional(streams)
                .initialMaxStreamsUnidirectional(0)
                // Address validation by Retry costs every client a round trip; quiche's 3x anti-amplification
                // limit already bounds what an unvalidated address can make the node send.
                .tokenHandler(null)
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, QuicIo.segmentation(group,
                        QuicIo.sendPayload(config.maxUdpPayloadSize())))
                .handler(new ConnectionGuard(context, connections))
                .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel stream) {
                        stream.pipeline().addLast(
                                new RequestDecoder(() -> new ShardStreamHandler(context, ResponseFormat.LEGACY)),
                                new ShardStreamHandler(context, ResponseFormat.BINARY));
                    }
                });
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) sockets.get(0).localAddress();
    }

    /** The number of bound UDP sockets (one per event loop). */
    int socketCount() {
        return sockets.size();
    }

    @Override
    public String certificateFingerprint() {
        return config.certificate().sha256Fingerprint();
    }

    @Override
    public int activeConnections() {
        return context.metrics().activeConnections.get();
    }

    @Override
    public int activeRequests() {
        return context.metrics().activeStreams.get();
    }

    /** Bytes of the PUT memory budget reserved right now. */
    long putBytesReserved() {
        return context.ingestBudget().used();
    }

    @Override
    public boolean drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        context.draining().set(true);
        // Polled: a drain happens once per process life, and a 5 ms step is nothing beside a transfer.
        while (activeRequests() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, DRAIN_POLL_NANOS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return activeRequests() == 0;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Tell every client why: CONNECTION_CLOSE with the reason (closeConnection), then close the sockets.
        List<Future<Void>> closing = new ArrayList<>();
        for (Channel connection : connections) {
            closing.add(closeConnection((QuicChannel) connection));
        }
        long closeDeadline = System.nanoTime() + MAX_SETTLE_NANOS + TimeUnit.SECONDS.toNanos(1);
        for (Future<Void> f : closing) {
            f.awaitUninterruptibly(Math.max(0, closeDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        for (Channel socket : sockets) {
            socket.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        shutdownResources();
    }

    /**
     * Closes {@code connection} with the shutdown code and reason, so that its client learns at once why. quiche sends
     * no packet beyond the congestion window, the one carrying CONNECTION_CLOSE included, and Netty frees the
     * connection as it closes it: a connection whose window was full of a transfer's data closed without a word, and
     * its client waited for its idle timeout (30 s; ServerLimitsTest saw it in about one close of twenty on a loaded
     * machine). So the streams still sending are reset first (quiche drops their unsent data), and the connection
     * closes once its client has had two round trips and its ACK delay to acknowledge what is in flight; one whose
     * last request ended longer ago than that closes at once.
     */
    private static Future<Void> closeConnection(QuicChannel connection) {
        Promise<Void> closed = connection.eventLoop().newPromise();
        connection.eventLoop().execute(() -> {
            ConnectionState state = connection.attr(ConnectionState.KEY).get();
            long settle = 0;
            if (state != null) {
                boolean reset = state.shutDownStreams();
                long window = settleWindow(connection);
                settle = reset ? window : Math.max(0, window - state.nanosSinceStreamActivity());
            }
            connection.eventLoop().schedule(() -> connection.close(true, Protocol.ERR_SHUTDOWN,
                    Unpooled.copiedBuffer(Protocol.SHUTTING_DOWN, StandardCharsets.US_ASCII))
                    .addListener(f -> closed.trySuccess(null)), settle, TimeUnit.NANOSECONDS);
        });
        return closed;
    }

    /** Two round trips of {@code connection} and the peer's largest ACK delay, at most {@link #MAX_SETTLE_NANOS}. */
    private static long settleWindow(QuicChannel connection) {
        Future<QuicConnectionPathStats> stats = connection.collectPathStats(0);
        long rtt = stats.isSuccess() ? stats.getNow().rtt() : TimeUnit.MILLISECONDS.toNanos(50);
        return Math.min(MAX_SETTLE_NANOS, 2 * Math.max(0, rtt) + MAX_ACK_DELAY_NANOS);
    }

    private void shutdownResources() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (ownedDiskExecutor != null) {
            ownedDiskExecutor.shutdown();
            try {
                if (!ownedDiskExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                    ownedDiskExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                ownedDiskExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        context.metrics().close();
    }

    @Override
    public String toString() {
        return "ShardServer[" + (sockets != null ? localAddress() : config.bindAddress()) + ", fingerprint "
                + certificateFingerprint() + "]";
    }
}

package io.icn.transport.quic;

import io.icn.storage.ShardStore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link ShardServer} on Netty's QUIC codec (quiche). One UDP socket on one event loop carries every
 * connection; store calls run on the disk executor.
 *
 * <p>Thread-safe; see {@link ShardServer} for the lifecycle.
 */
final class QuicShardServer implements ShardServer {

    /** Receive window for request bytes per stream: a request frame is at most 132 bytes. */
    private static final int STREAM_RECEIVE_WINDOW = 4 * 1024;

    private final ServerConfig config;
    private final EventLoopGroup group;
    private final ExecutorService ownedDiskExecutor;
    private final ServingContext context;
    private final ChannelGroup connections;
    private final Channel channel;
    private final AtomicBoolean closed = new AtomicBoolean();

    private QuicShardServer(ShardStore store, ServerConfig config) {
        this.config = config;
        QuicIo.ensureQuic();
        this.ownedDiskExecutor = config.diskExecutor() == null
                ? Executors.newFixedThreadPool(config.diskThreads(), new io.netty.util.concurrent.DefaultThreadFactory(
                        "icn-shard-disk", true))
                : null;
        ServerMetrics metrics = new ServerMetrics(config.meterRegistry());
        this.context = new ServingContext(store, config,
                ownedDiskExecutor != null ? ownedDiskExecutor : config.diskExecutor(),
                new Semaphore(config.maxConcurrentRequests()), new PeerLimits(config), metrics);
        this.group = QuicIo.newGroup(1, "icn-shard-server");
        this.connections = new DefaultChannelGroup(group.next());
        try {
            this.channel = QuicIo.datagramBootstrap(group, config.maxUdpPayloadSize())
                    .handler(codec())
                    .bind(config.bindAddress()).sync().channel();
        } catch (Exception e) {
            shutdownResources();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new TransportException("cannot bind QUIC server to " + config.bindAddress(), e);
        }
    }

    static ShardServer start(ShardStore store, ServerConfig config) {
        return new QuicShardServer(store, config);
    }

    private ChannelHandler codec() {
        QuicSslContext ssl = QuicSslContextBuilder
                .forServer(config.certificate().privateKey(), null, config.certificate().certificate())
                .applicationProtocols(Protocol.ALPN)
                .build();
        int streams = config.maxStreamsPerConnection();
        return new QuicServerCodecBuilder()
                .sslContext(ssl)
                .maxIdleTimeout(config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .maxSendUdpPayloadSize(config.maxUdpPayloadSize())
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
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, QuicIo.segmentation(group))
                .handler(new ConnectionGuard(context, connections))
                .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel stream) {
                        stream.pipeline().addLast(new RequestDecoder(), new ShardStreamHandler(context));
                    }
                })
                .build();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
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

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Tell every client first (CONNECTION_CLOSE), then give the packets a moment to leave.
        connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        shutdownResources();
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
        return "ShardServer[" + (channel != null ? localAddress() : config.bindAddress()) + ", fingerprint "
                + certificateFingerprint() + "]";
    }
}

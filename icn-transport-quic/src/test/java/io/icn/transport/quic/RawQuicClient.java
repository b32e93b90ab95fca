package io.icn.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A bare QUIC client for tests that must send what {@link ShardClient} never would: arbitrary bytes on a
 * stream, a stream that never finishes. Collects each stream's response bytes until the stream closes.
 */
final class RawQuicClient implements AutoCloseable {

    private final EventLoopGroup group = QuicIo.newGroup(1, "raw-quic-test");
    private final Channel datagram;
    private final QuicChannel connection;

    RawQuicClient(InetSocketAddress server) throws Exception {
        this(server, null);
    }

    /** @param clientCertificate presented to the node (a director's), or {@code null} */
    RawQuicClient(InetSocketAddress server, NodeCertificate clientCertificate) throws Exception {
        QuicSslContextBuilder tls = QuicSslContextBuilder.forClient().trustManager(new FingerprintTrustManager(null))
                .applicationProtocols(Protocol.ALPN);
        if (clientCertificate != null) {
            tls.keyManager(clientCertificate.privateKey(), null, clientCertificate.certificate());
        }
        var codec = new QuicClientCodecBuilder()
                .sslContext(tls.build())
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                .initialMaxData(16 << 20)
                .initialMaxStreamDataBidirectionalLocal(1 << 20)
                .build();
        datagram = QuicIo.datagramBootstrap(group, 1350, QuicIo.CLIENT_SOCKET_BUFFER, QuicIo.CLIENT_SOCKET_BUFFER)
                .handler(codec).bind(new InetSocketAddress(0)).sync().channel();
        connection = QuicChannel.newBootstrap(datagram).streamHandler(new ChannelInboundHandlerAdapter())
                .remoteAddress(server).connect().get(10, TimeUnit.SECONDS);
    }

    boolean isActive() {
        return connection.isActive();
    }

    /**
     * Opens a stream, writes {@code bytes} (then FIN if {@code finish}), and completes with every byte the
     * server sent once the stream closes.
     */
    CompletableFuture<byte[]> exchange(byte[] bytes, boolean finish) {
        CompletableFuture<byte[]> response = new CompletableFuture<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        connection.newStreamBootstrap()
                .option(ChannelOption.ALLOW_HALF_CLOSURE, false)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        byte[] a = new byte[buf.readableBytes()];
                        buf.readBytes(a);
                        received.writeBytes(a);
                        ReferenceCountUtil.release(msg);
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        response.complete(received.toByteArray());
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        response.complete(received.toByteArray());
                        ctx.close();
                    }
                })
                .type(QuicStreamType.BIDIRECTIONAL).create()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        response.completeExceptionally(f.cause());
                        return;
                    }
                    QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
                    var write = stream.writeAndFlush(Unpooled.copiedBuffer(bytes));
                    if (finish) {
                        write.addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
                    }
                });
        return response;
    }

    @Override
    public void close() {
        connection.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        datagram.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}

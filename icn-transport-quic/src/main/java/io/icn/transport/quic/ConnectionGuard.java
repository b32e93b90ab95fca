package io.icn.transport.quic;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.quic.QuicChannel;
import java.nio.charset.StandardCharsets;

/**
 * The server's handler on every {@link QuicChannel}: enforces the connection limit, attaches the
 * client's {@link ConnectionState} (its per-client budgets), and tracks open connections for shutdown.
 *
 * <p>Sharable and thread-safe: its own fields are immutable; state lives in channel attributes and the
 * thread-safe {@link ServingContext}.
 */
@ChannelHandler.Sharable
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    private final ServingContext context;
    private final ChannelGroup connections;

    ConnectionGuard(ServingContext context, ChannelGroup connections) {
        this.context = context;
        this.connections = connections;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        QuicChannel channel = (QuicChannel) ctx.channel();
        ServerMetrics metrics = context.metrics();
        if (metrics.activeConnections.incrementAndGet() > context.config().maxConnections()) {
            metrics.activeConnections.decrementAndGet();
            metrics.refused(ServerMetrics.Refusal.CONNECTIONS);
            channel.close(true, Protocol.ERR_TOO_MANY_CONNECTIONS,
                    Unpooled.copiedBuffer("connection limit reached", StandardCharsets.US_ASCII));
            return;
        }
        channel.attr(ConnectionState.KEY).set(new ConnectionState(context.peers().acquire(channel.remoteSocketAddress())));
        connections.add(channel);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        ConnectionState state = ctx.channel().attr(ConnectionState.KEY).getAndSet(null);
        if (state != null) {
            context.peers().release(state.peer);
            context.metrics().activeConnections.decrementAndGet();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A connection-level failure (handshake, protocol violation) ends only that connection.
        ctx.close();
    }
}

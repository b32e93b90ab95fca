package io.icn.transport.quic;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The client's connection to one node, and the gate that keeps its concurrent streams within both the
 * client's limit and the stream credit the node granted (opening a stream without credit would fail).
 *
 * <p>Threading: {@link #ready()} is thread-safe; the gate ({@link #acquire}, {@link #release}) and the
 * handler callbacks are confined to the connection's event loop.
 */
final class NodeConnection extends ChannelInboundHandlerAdapter {

    final InetSocketAddress address;
    private final int maxStreams;
    private final CompletableFuture<QuicChannel> ready = new CompletableFuture<>();
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private QuicChannel channel;
    private int open;
    /** What the node said when it closed the connection (its CONNECTION_CLOSE), or null. */
    private volatile String closedByNode;

    NodeConnection(InetSocketAddress address, int maxStreams) {
        this.address = address;
        this.maxStreams = maxStreams;
    }

    /** Completes with the established connection, or exceptionally if it could not be established. */
    CompletableFuture<QuicChannel> ready() {
        return ready;
    }

    /** @return false if the connection had already been given up (connect timeout, client closed) */
    boolean established(QuicChannel channel) {
        this.channel = channel;
        return ready.complete(channel);
    }

    void failed(Throwable cause) {
        ready.completeExceptionally(cause);
    }

    /** Runs {@code openStream} as soon as a stream may be opened; pair each run with {@link #release()}. */
    void acquire(Runnable openStream) {
        waiting.add(openStream);
        drain();
    }

    void release() {
        open--;
        drain();
    }

    private void drain() {
        if (channel == null) {
            return;
        }
        while (!waiting.isEmpty() && open < maxStreams && channel.isActive()
                && channel.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) > 0) {
            open++;
            waiting.poll().run();
        }
    }

    /**
     * Why the node closed this connection, from its CONNECTION_CLOSE ("the node is shutting down", "connection
     * limit reached", or the code), or null if it has not closed it. Thread-safe.
     */
    String closedByNode() {
        return closedByNode;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof QuicStreamLimitChangedEvent) {
            drain();
        } else if (evt instanceof QuicConnectionCloseEvent close) {
            closedByNode = describe(close);
            // Closed now, not after QUIC's draining period (three probe timeouts, seconds on a loaded machine):
            // the node sends nothing more, and every request on the connection fails with its reason at once.
            ctx.channel().close();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // Waiting openers see the inactive channel and fail their requests themselves.
        while (!waiting.isEmpty()) {
            open++;
            waiting.poll().run();
        }
        super.channelInactive(ctx);
    }

    private static String describe(QuicConnectionCloseEvent close) {
        String reason = new String(close.reason(), StandardCharsets.UTF_8);
        if (close.isApplicationClose() && close.error() == Protocol.ERR_SHUTDOWN) {
            return Protocol.SHUTTING_DOWN;
        }
        return "the node closed the connection (" + (close.isApplicationClose() ? "application" : "transport")
                + " code 0x" + Integer.toHexString(close.error()) + (reason.isEmpty() ? "" : ": " + reason) + ")";
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

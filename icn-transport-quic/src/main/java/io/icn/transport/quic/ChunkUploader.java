package io.icn.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;

/**
 * Client side of a PUT's upload: writes the request frame, then the chunk in pieces of {@link #PIECE_BYTES}
 * copied into direct buffers, each only while the stream is writable (QUIC flow and congestion control have
 * room), the last with FIN. So at most one piece beyond what QUIC took is queued, and the caller's array is
 * never copied whole. Stops at the first failed write (the node answered early and sent STOP_SENDING) or once
 * the request's future is done; the answer itself is the {@link ResponseReader}'s to read.
 *
 * <p>Buffer ownership: each piece is allocated here and released by the stream's write, successful or not.
 *
 * <p>Threading: event-loop confined, one instance per stream.
 */
final class ChunkUploader extends ChannelInboundHandlerAdapter {

    /** Bytes per write. */
    static final int PIECE_BYTES = 128 * 1024;

    private final Request.Put request;
    private final byte[] chunk;
    private final CompletableFuture<?> result;
    private ChannelHandlerContext ctx;
    private int sent;
    private boolean stopped;

    /** @param chunk the bytes announced by {@code request}; read, never modified */
    ChunkUploader(Request.Put request, byte[] chunk, CompletableFuture<?> result) {
        if (chunk.length != request.length()) {
            throw new IllegalArgumentException(request + " announces " + request.length() + " bytes, the chunk has "
                    + chunk.length);
        }
        this.request = request;
        this.chunk = chunk;
        this.result = result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.write(Frames.encodeRequest(ctx.alloc(), request)).addListener(this::onWritten);
        pump();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        pump();
        ctx.fireChannelWritabilityChanged();
    }

    private void pump() {
        while (!stopped && !result.isDone() && sent < chunk.length && ctx.channel().isWritable()) {
            int n = Math.min(PIECE_BYTES, chunk.length - sent);
            ByteBuf piece = ctx.alloc().directBuffer(n).writeBytes(chunk, sent, n);
            sent += n;
            Object message = sent == chunk.length ? new DefaultQuicStreamFrame(piece, true) : piece;
            ctx.write(message).addListener(this::onWritten);
        }
        ctx.flush();
    }

    private void onWritten(Future<? super Void> write) {
        if (!write.isSuccess()) {
            stopped = true;
        }
    }
}

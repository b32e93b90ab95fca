package io.icn.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * multistream-select 1.0 on a whole connection (to agree on {@code /noise}, then {@code /yamux/1.0.0}). The
 * initiator sends the header and its one proposal together and expects both echoed; the responder answers the
 * header, echoes the proposal it supports and answers {@code na} to others (at most
 * {@link Multistream#MAX_PROPOSALS}). On agreement it calls {@code agreed}, which installs the next handlers, and
 * removes itself; bytes that followed go to them.
 *
 * <p>Faults: {@link NoSuchProtocolException} (the responder said {@code na}), {@link ProtocolViolationException}.
 *
 * <p>Not thread-safe: confined to the channel's event loop.
 */
final class MultistreamHandler extends ByteToMessageDecoder {
    private final boolean initiator;
    private final String protocol;
    private final BiConsumer<ChannelHandlerContext, String> agreed;
    private boolean sentProposal;
    private boolean headerSeen;
    private boolean done;
    private int proposals;

    MultistreamHandler(boolean initiator, String protocol, BiConsumer<ChannelHandlerContext, String> agreed) {
        this.initiator = initiator;
        this.protocol = protocol;
        this.agreed = agreed;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            propose(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        propose(ctx);
        super.channelActive(ctx);
    }

    private void propose(ChannelHandlerContext ctx) {
        if (initiator && !sentProposal) {
            sentProposal = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(Multistream.encode(Multistream.HEADER, protocol)), ctx.voidPromise());
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!done) {
            ByteBuffer view = in.nioBuffer();
            String msg = Multistream.read(view);
            if (msg == null) {
                return;
            }
            in.skipBytes(view.position());
            if (!headerSeen) {
                if (!Multistream.HEADER.equals(msg)) {
                    throw new ProtocolViolationException("expected " + Multistream.HEADER + ", got '" + msg + "'");
                }
                headerSeen = true;
                if (!initiator) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(Multistream.encode(Multistream.HEADER)), ctx.voidPromise());
                }
                continue;
            }
            if (msg.equals(protocol)) {
                if (!initiator) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(Multistream.encode(protocol)), ctx.voidPromise());
                }
                done = true;
                agreed.accept(ctx, protocol);
                ctx.pipeline().remove(this);
                return;
            }
            if (initiator) {
                if (Multistream.NA.equals(msg)) {
                    throw new NoSuchProtocolException("the remote does not support " + protocol);
                }
                throw new ProtocolViolationException("proposed " + protocol + ", the remote answered '" + msg + "'");
            }
            if (++proposals > Multistream.MAX_PROPOSALS) {
                throw new ProtocolViolationException("more than " + Multistream.MAX_PROPOSALS + " unsupported proposals");
            }
            ctx.writeAndFlush(Unpooled.wrappedBuffer(Multistream.encode(Multistream.NA)), ctx.voidPromise());
        }
    }
}

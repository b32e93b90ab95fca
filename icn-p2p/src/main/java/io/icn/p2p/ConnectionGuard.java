package io.icn.p2p;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of every connection: any fault that reaches it (a protocol violation, a bad peer, an I/O
 * error) fails the upgrade if it is still running and closes the channel; stray messages are released. The
 * upgrade also fails if the channel closes before it completes.
 *
 * <p>Not thread-safe: confined to the channel's event loop.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {
    private final Upgrade upgrade;
    private volatile Throwable cause;

    ConnectionGuard(Upgrade upgrade) {
        this.upgrade = upgrade;
    }

    /** The fault that closed the connection, if one did. */
    Throwable cause() {
        return cause;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable thrown) {
        Throwable root = thrown instanceof DecoderException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (cause == null) {
            cause = root;
        }
        upgrade.fail(root instanceof P2pException ? root
                : new DialException("connection to " + ctx.channel().remoteAddress() + " failed: " + root, root));
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        upgrade.fail(new DialException("connection to " + ctx.channel().remoteAddress() + " closed during its upgrade"
                + (cause == null ? "" : ": " + cause), cause));
        super.channelInactive(ctx);
    }
}

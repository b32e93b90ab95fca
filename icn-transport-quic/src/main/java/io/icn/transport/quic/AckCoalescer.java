package io.icn.transport.quic;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.util.concurrent.TimeUnit;

/**
 * Delayed acknowledgements for a receiving QUIC endpoint, in front of Netty's QUIC codec on the UDP channel.
 *
 * <p>The codec calls quiche's send at the end of every socket read ({@code channelReadComplete}), and quiche
 * acknowledges at every send after it received something, so a reader that keeps up with its socket (one datagram
 * per wake-up, as on loopback) sends one ACK per datagram read. Each ACK frees a little of the sender's congestion
 * window, which quiche fills at once with whatever room there is: the transfer settles into a ping-pong of small
 * packets and ACKs, each a wake-up on both sides (docs/benchmarks.md, "where a chunk fetch's time goes"). This
 * handler passes the end of a read on only once {@code bytesPerAck} bytes have arrived since the last one it
 * passed on, or {@code delay} after the first it held back, whichever is first, as TCP's delayed ACKs do (an ACK
 * for every second full-sized segment, or after a timer; the client asks for one per eight packets, see
 * {@code QuicShardClient.ACK_PACKETS}). Stream data is not delayed: the codec hands it to the
 * streams as each datagram is read; only the ACKs, window updates and the client's own sends queued meanwhile
 * wait, at most {@code delay}, far inside the 25 ms {@code max_ack_delay} quiche announces to the peer.
 *
 * <p>One instance per UDP channel (not sharable); all calls on its event loop.
 */
final class AckCoalescer extends ChannelInboundHandlerAdapter {
    private final int bytesPerAck;
    private final long delayNanos;
    private int bytesSinceAck;
    private boolean held;
    private boolean timerSet;

    /**
     * @param bytesPerAck bytes received after which the end of a read is passed on at once
     * @param delayNanos longest time an end of read is held back, > 0
     */
    AckCoalescer(int bytesPerAck, long delayNanos) {
        if (bytesPerAck < 1 || delayNanos < 1) {
            throw new IllegalArgumentException("bytesPerAck and delayNanos must be positive: " + bytesPerAck + ", "
                    + delayNanos);
        }
        this.bytesPerAck = bytesPerAck;
        this.delayNanos = delayNanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet) {
            bytesSinceAck += packet.content().readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (bytesSinceAck >= bytesPerAck) {
            passOn(ctx);
            return;
        }
        held = true;
        if (!timerSet) {
            timerSet = true;
            ctx.executor().schedule(() -> {
                timerSet = false;
                if (held) {
                    passOn(ctx);
                }
            }, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (held) {
            passOn(ctx);
        }
        super.channelInactive(ctx);
    }

    private void passOn(ChannelHandlerContext ctx) {
        held = false;
        bytesSinceAck = 0;
        ctx.fireChannelReadComplete();
    }
}

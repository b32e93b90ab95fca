package io.icn.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The last handler of a server socket's pipeline: takes the exceptions the QUIC codec raises for datagrams
 * it cannot process (random bytes, truncated or forged packets), counts them in
 * {@code icn.transport.datagrams.malformed} and logs at most one line per {@link #LOG_INTERVAL}, saying how
 * many were dropped since the last line. Without it each one reached Netty's pipeline tail, which logs a WARN
 * with a stack trace: a stream of junk datagrams could flood the log. Its {@link #truncatedFilter()} goes first
 * in the pipeline and drops what would make the dispatcher leak.
 *
 * <p>Buffer ownership: the filter releases the datagrams it drops and passes the others on untouched.
 *
 * <p>Threading: sharable and thread-safe (all sockets of one server share one instance).
 */
@ChannelHandler.Sharable
final class DatagramFaults extends ChannelInboundHandlerAdapter {

    static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    private static final System.Logger LOG = System.getLogger(DatagramFaults.class.getName());

    private final ServerMetrics metrics;
    private final LongSupplier nanoTime;
    /** When the next line may be logged; {@link Long#MIN_VALUE} before the first. */
    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unlogged = new AtomicLong();

    DatagramFaults(ServerMetrics metrics, LongSupplier nanoTime) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * The handler that goes before a {@link SocketDispatcher}: drops, releases and counts short-header datagrams
     * too short to hold the {@value #CONNECTION_ID_LENGTH}-byte connection id the dispatcher reads. Netty's
     * dispatcher throws on those from its {@code final channelRead} without releasing the datagram, so each one
     * leaked a buffer; no valid QUIC packet is that short.
     */
    ChannelHandler truncatedFilter() {
        return filter;
    }

    /** The destination connection id length the dispatcher reads (Netty's default, which it uses). */
    static final int CONNECTION_ID_LENGTH = 20;

    private final ChannelHandler filter = new Filter();

    @ChannelHandler.Sharable
    private final class Filter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket packet) {
                ByteBuf content = packet.content();
                int n = content.readableBytes();
                if (n > 1 && (content.getByte(content.readerIndex()) & 0x80) == 0 && n < 1 + CONNECTION_ID_LENGTH) {
                    packet.release();
                    count(ctx, "a short-header datagram of " + n + " bytes, too short for a "
                            + CONNECTION_ID_LENGTH + "-byte connection id");
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        count(ctx, String.valueOf(cause));
    }

    private void count(ChannelHandlerContext ctx, String latest) {
        metrics.malformedDatagrams.increment();
        long dropped = unlogged.incrementAndGet();
        long now = nanoTime.getAsLong();
        long next = nextLogAt.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextLogAt.compareAndSet(next, now + LOG_INTERVAL.toNanos())) {
            unlogged.addAndGet(-dropped);
            LOG.log(System.Logger.Level.WARNING, "dropped {0} malformed datagram(s) on {1} since the last report; "
                    + "latest: {2} (counted in icn.transport.datagrams.malformed; next report in at most {3} s)",
                    dropped, ctx.channel().localAddress(), latest, LOG_INTERVAL.toSeconds());
        }
    }
}

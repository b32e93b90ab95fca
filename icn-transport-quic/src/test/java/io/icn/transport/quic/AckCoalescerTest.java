package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delayed acknowledgements' gate on an embedded channel with a frozen clock: which ends of reads reach the
 * codec's place in the pipeline, and when. Nothing is timed.
 */
class AckCoalescerTest {

    private static final int PACKET = 16_383;
    private static final long DELAY = TimeUnit.MICROSECONDS.toNanos(250);
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 9002);

    private final Counter codec = new Counter();
    private EmbeddedChannel channel;

    /** Stands where the QUIC codec is: counts the datagrams and the ends of reads it is handed. */
    private static final class Counter extends ChannelInboundHandlerAdapter {
        int datagrams;
        int readCompletes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            datagrams++;
            ((DatagramPacket) msg).release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readCompletes++;
        }
    }

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel(new AckCoalescer(2 * PACKET, DELAY), codec);
        channel.freezeTime();
    }

    /** One socket read of datagrams of these sizes, as the UDP channel delivers it. */
    private void read(int... sizes) {
        for (int size : sizes) {
            channel.pipeline().fireChannelRead(new DatagramPacket(Unpooled.wrappedBuffer(new byte[size]), PEER));
        }
        channel.pipeline().fireChannelReadComplete();
    }

    @Test
    void datagramsPassAtOnceWhileTheEndOfTheReadWaitsForTwoFullPackets() {
        read(PACKET);
        assertThat(codec.datagrams).isEqualTo(1);
        assertThat(codec.readCompletes).isZero();

        read(PACKET);
        assertThat(codec.datagrams).isEqualTo(2);
        assertThat(codec.readCompletes).isEqualTo(1);

        read(PACKET);
        assertThat(codec.readCompletes).as("the count starts again after each end of read passed on").isEqualTo(1);
    }

    @Test
    void aReadOfABatchOfPacketsPassesAtOnce() {
        read(PACKET, PACKET, PACKET);
        assertThat(codec.readCompletes).isEqualTo(1);
    }

    @Test
    void smallPacketsAddUpToTheThreshold() {
        for (int i = 0; i < 24; i++) {
            read(1_350);
        }
        assertThat(codec.readCompletes).isZero();
        read(1_350);
        assertThat(codec.readCompletes).as("25 x 1,350 >= 2 x 16,383").isEqualTo(1);
    }

    @Test
    void aHeldEndOfReadPassesWhenTheDelayRunsOut() {
        read(1_200);
        read(1_200);
        channel.advanceTimeBy(DELAY - 1, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(codec.readCompletes).isZero();

        channel.advanceTimeBy(1, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(codec.readCompletes).as("one end of read for both held ones").isEqualTo(1);

        channel.advanceTimeBy(10 * DELAY, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(codec.readCompletes).as("nothing more was held").isEqualTo(1);
    }

    @Test
    void theTimerOfAnEndOfReadPassedOnEarlyPassesNothingTwice() {
        read(1_200);
        read(2 * PACKET);
        assertThat(codec.readCompletes).isEqualTo(1);
        channel.advanceTimeBy(DELAY, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(codec.readCompletes).isEqualTo(1);

        read(1_200);
        channel.advanceTimeBy(DELAY, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(codec.readCompletes).as("a later held end of read gets its own timer").isEqualTo(2);
    }

    @Test
    void aHeldEndOfReadPassesWhenTheChannelCloses() {
        read(1_200);
        channel.close();
        assertThat(codec.readCompletes).isEqualTo(1);
    }

    @Test
    void theClientsAckDelayIsBoundedByWhatQuicheAnnounces() {
        ShardClientBuilder builder = ShardClient.builder();
        assertThat(builder.ackDelay).isEqualTo(Duration.ofNanos(DELAY));
        builder.ackDelay(Duration.ZERO).ackDelay(ShardClientBuilder.MAX_ACK_DELAY);
        assertThatThrownBy(() -> builder.ackDelay(Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.ackDelay(ShardClientBuilder.MAX_ACK_DELAY.plusNanos(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNonPositiveSettings() {
        assertThatThrownBy(() -> new AckCoalescer(0, DELAY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AckCoalescer(PACKET, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}

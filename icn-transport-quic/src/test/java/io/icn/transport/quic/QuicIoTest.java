package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** GSO batches must fit one sendmsg: the kernel refuses more than 65,507 bytes and Netty drops the batch. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QuicIoTest {

    @Test
    void gsoBatchesNeverExceedOneUdpDatagram() {
        assertThat(QuicIo.gsoSegments(1350)).isEqualTo(16);
        assertThat(QuicIo.gsoSegments(4096)).isEqualTo(15);
        assertThat(QuicIo.gsoSegments(16384)).isEqualTo(3);
        assertThat(QuicIo.gsoSegments(32768)).isEqualTo(1);
        assertThat(QuicIo.gsoSegments(65527)).isZero();
        for (int payload = 1200; payload <= 65527; payload += 97) {
            assertThat((long) QuicIo.gsoSegments(payload) * payload).as("payload %d", payload)
                    .isLessThanOrEqualTo(QuicIo.MAX_SENDMSG_PAYLOAD);
        }
    }

    @Test
    void sendingIsCappedAtTheLargestPacketQuicheBuildsSoLargePayloadsStillBatch() {
        assertThat(QuicIo.sendPayload(1350)).isEqualTo(1350);
        assertThat(QuicIo.sendPayload(16_383)).isEqualTo(16_383);
        assertThat(QuicIo.sendPayload(32_768)).isEqualTo(16_383);
        assertThat(QuicIo.sendPayload(65_527)).isEqualTo(16_383);
        assertThat(QuicIo.gsoSegments(QuicIo.sendPayload(32_768))).isEqualTo(3);
        assertThat(QuicIo.gsoSegments(QuicIo.sendPayload(65_527))).isEqualTo(3);
    }

    @Test
    void payloadsAboveHalfTheLimitGetNoSegmentation() throws Exception {
        EventLoopGroup group = QuicIo.newGroup(1, "quic-io-test");
        try {
            assertThat(QuicIo.segmentation(group, 32768)).isSameAs(SegmentedDatagramPacketAllocator.NONE);
            if (Epoll.isAvailable()) {
                assertThat(QuicIo.segmentation(group, 1350).maxNumSegments()).isEqualTo(16);
                assertThat(QuicIo.segmentation(group, 16384).maxNumSegments()).isEqualTo(3);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}

package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The default server holds no client to a bandwidth cap; {@code maxEgress} paces the node's sending. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EgressLimitTest {

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    @Test
    void byDefaultALoneClientIsNeverPaused() throws Exception {
        assertThat(pauses(b -> b)).isZero();
    }

    @Test
    void aNodeWideEgressLimitPausesStreamsWithoutAPerClientCap() throws Exception {
        // 2 Mbit/s (250 kB/s, below what a test JVM moves even at a load average of 20) with a 64 KiB burst and
        // reads: a 1.2 MB shard needs about 4.5 s of tokens beyond the burst.
        assertThat(pauses(b -> b.maxEgress(2_000_000L).perClientBandwidth(0, 64 * 1024).chunkSize(64 * 1024)))
                .isPositive();
    }

    @Test
    void negativeEgressIsRefusedNamingTheValue() {
        assertThatThrownBy(() -> ShardServer.builder(Fixtures.store()).maxEgress(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    /** Fetches one 1.2 MB shard from a server with the given limits; returns how often a stream paused. */
    private static double pauses(UnaryOperator<ShardServerBuilder> limits) throws Exception {
        InMemoryShardStore store = Fixtures.store();
        Cid cid = Fixtures.cid(7);
        Fixtures.storeChunk(store, cid, 7, 12_000_000);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShardServer server = null;
        ShardClient client = null;
        try {
            server = limits.apply(ShardServer.builder(store).bindAddress(new InetSocketAddress("127.0.0.1", 0))
                    .certificate(Fixtures.CERT).meterRegistry(registry)).start();
            client = Fixtures.client(server).build();
            ShardData shard = client.fetchShard(server.localAddress(), cid, 2).get(30, TimeUnit.SECONDS);
            assertThat(shard.bytes()).isEqualTo(store.readShard(cid, 2));
            return registry.get("icn.transport.throttle.waits").counter().count();
        } finally {
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.close();
            }
            store.close();
        }
    }
}

package io.icn.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class KadMetricsTest {
    @Test
    void queriesAreCountedByTypeAndOutcomeAndTheTableAndStoreAreGauged() {
        RecordValidators v = RecordValidators.of(RecordValidator.acceptAll()).with("test", RecordValidator.acceptAll());
        KadConfig config = KadConfig.builder().requestTimeout(Duration.ofSeconds(30)).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SimulatedDht dht = new SimulatedDht(30).grow(10, config, v); KadMetrics metrics = new KadMetrics(registry)) {
            Kademlia k = Kademlia.builder(dht.network.join(KadPeer.of(SimulatedDht.randomId(dht.random), List.of()), config))
                    .config(config).validators(v).scheduler(dht.executor).random(dht.random).listener(metrics).build().start();
            metrics.watch(k);
            k.bootstrap(List.of(dht.nodes.get(0).self())).orTimeout(30, TimeUnit.SECONDS).join();
            byte[] key = "/test/m".getBytes(StandardCharsets.UTF_8);
            k.putValue(key, new byte[] {1}).orTimeout(30, TimeUnit.SECONDS).join();
            try {
                k.getValue("/test/absent".getBytes(StandardCharsets.UTF_8)).orTimeout(30, TimeUnit.SECONDS).join();
            } catch (CompletionException expected) {
                assertThat(expected).hasCauseInstanceOf(RecordNotFoundException.class);
            }
            assertThat(registry.get("icn_super_node_dht_query_seconds").tags("type", "put_value", "outcome", "success")
                    .timer().count()).isEqualTo(1);
            assertThat(registry.get("icn_super_node_dht_query_seconds").tags("type", "get_value", "outcome", "not_found")
                    .timer().count()).isEqualTo(1);
            assertThat(registry.get("icn_super_node_dht_query_requests").tags("type", "put_value").summary().totalAmount())
                    .isGreaterThanOrEqualTo(10);
            assertThat(registry.get("icn_super_node_dht_peers").gauge().value()).isEqualTo(10);
            assertThat(registry.get("icn_super_node_dht_stored_records").gauge().value()).isEqualTo(1);
            k.close();
        }
        assertThat(registry.getMeters()).isEmpty();
    }
}

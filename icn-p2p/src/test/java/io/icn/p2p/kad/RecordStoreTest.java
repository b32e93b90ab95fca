package io.icn.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordStoreTest {
    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-12-06T00:00:00Z"));
    private final KadConfig config = KadConfig.builder().maxRecords(3).maxValueBytes(100).maxProviderKeys(2)
            .maxProvidersPerKey(2).build();
    private final RecordStore store = new RecordStore(clock, config);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static KadPeer peer(int i) {
        return KadPeer.of(new byte[] {(byte) i}, List.of());
    }

    @Test
    void recordsExpireAfterTheRecordTtlFromTheirLastPut() {
        store.put(new KadRecord(b("a"), b("1")));
        assertThat(store.get(b("a")).orElseThrow().timeReceived()).isEqualTo("2026-12-06T00:00:00Z");
        clock.advance(Duration.ofHours(35));
        store.put(new KadRecord(b("a"), b("2")));
        clock.advance(Duration.ofHours(35));
        assertThat(store.get(b("a")).orElseThrow().value()).isEqualTo(b("2"));
        clock.advance(Duration.ofHours(1));
        assertThat(store.get(b("a"))).isEmpty();
    }

    @Test
    void boundsGiveSpecificErrorsAndExpiredEntriesMakeRoom() {
        assertThatThrownBy(() -> store.put(new KadRecord(b("big"), new byte[101])))
                .isInstanceOf(RecordTooLargeException.class).hasMessageContaining("101");
        store.put(new KadRecord(b("a"), b("1")));
        store.put(new KadRecord(b("b"), b("1")));
        store.put(new KadRecord(b("c"), b("1")));
        store.put(new KadRecord(b("a"), b("replaced")));
        assertThatThrownBy(() -> store.put(new KadRecord(b("d"), b("1"))))
                .isInstanceOf(RecordStoreFullException.class).hasMessageContaining("3 records").hasMessageContaining("d");
        clock.advance(Duration.ofHours(37));
        store.put(new KadRecord(b("d"), b("1")));
        assertThat(store.recordCount()).isEqualTo(1);
    }

    @Test
    void providersExpireAreBoundedPerKeyAndByKeys() {
        store.addProvider(b("k"), peer(1));
        clock.advance(Duration.ofHours(1));
        store.addProvider(b("k"), peer(2));
        store.addProvider(b("k"), peer(3));
        assertThat(store.providers(b("k"))).containsExactly(peer(2), peer(3));
        store.addProvider(b("k2"), peer(1));
        assertThatThrownBy(() -> store.addProvider(b("k3"), peer(1))).isInstanceOf(RecordStoreFullException.class)
                .hasMessageContaining("2 keys");
        clock.advance(Duration.ofHours(23).plusMinutes(30));
        store.addProvider(b("k"), peer(3));
        clock.advance(Duration.ofHours(1));
        assertThat(store.providers(b("k"))).containsExactly(peer(3));
        assertThat(store.providers(b("k2"))).isEmpty();
        assertThat(store.expire()).isZero();
        assertThat(store.providerKeyCount()).isEqualTo(1);
    }
}

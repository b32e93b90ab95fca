package io.icn.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.storage.Cid;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ManifestDhtTest {
    private static final KadConfig CONFIG = KadConfig.builder().requestTimeout(Duration.ofSeconds(30))
            .queryTimeout(Duration.ofSeconds(60)).build();
    private static final RecordValidators ICN = RecordValidators.icn(ManifestRecordTest.KEYS);

    /** Manifests of chunks "held" by the test publisher, signed with the vector key. */
    private static final class Chunks implements ManifestSource {
        final Map<Cid, ManifestRecord> manifests = new ConcurrentHashMap<>();

        Cid add(int i) {
            ManifestRecord base = ManifestRecordTest.vector();
            Cid cid = Cid.ofRaw(("chunk " + i).getBytes(StandardCharsets.UTF_8));
            manifests.put(cid, ManifestRecord.unsigned(cid, 10, 4, 5, 45, base.shardSha256(), base.locations(),
                    base.quicCertSha256(), 1_765_000_000L + i, ManifestRecordTest.PEER_ID).sign(ManifestRecordTest::sign));
            return cid;
        }

        @Override
        public Optional<ManifestRecord> manifest(Cid cid) {
            return Optional.ofNullable(manifests.get(cid));
        }
    }

    private static <T> T await(CompletableFuture<T> f) {
        return f.orTimeout(60, TimeUnit.SECONDS).join();
    }

    @Test
    void aPublishedManifestIsReadFromEveryNodeUnderBothKeysAndTheNodeProvidesIt() {
        try (SimulatedDht dht = new SimulatedDht(21).grow(30, CONFIG, ICN)) {
            Chunks chunks = new Chunks();
            Kademlia node = dht.nodes.get(4);
            try (ManifestDht publisher = new ManifestDht(node, chunks, RepublishConfig.defaults(), dht.executor,
                    System::nanoTime)) {
                Cid cid = chunks.add(1);
                ManifestDht.PublishResult r = await(publisher.publish(cid));
                assertThat(r.manifestAcks()).isEqualTo(20);
                assertThat(r.legacyAcks()).isEqualTo(20);
                assertThat(r.providerAcks()).isEqualTo(20);
                for (Kademlia k : dht.nodes) {
                    ManifestRecord m = ManifestRecord.parse(await(k.getValue(RecordKeys.manifestKey(cid))).value());
                    assertThat(m).isEqualTo(chunks.manifests.get(cid));
                    assertThat(await(k.getValue(RecordKeys.legacyManifestKey(cid))).value()).isEqualTo(m.toJson());
                    assertThat(await(k.findProviders(RecordKeys.providerKey(cid), 1))).contains(node.self());
                }

                publisher.withdraw(cid);
                assertThat(publisher.holds(cid)).isFalse();
                assertThat(publisher.value(RecordKeys.manifestKey(cid))).isEmpty();
                assertThat(node.provides(RecordKeys.providerKey(cid))).isFalse();
            }
        }
    }

    @Test
    void withoutLegacyKeysOnlyTheNamespacedKeyIsPutOrServed() {
        try (SimulatedDht dht = new SimulatedDht(22).grow(10, CONFIG, ICN)) {
            Chunks chunks = new Chunks();
            RepublishConfig noLegacy = new RepublishConfig(Duration.ofHours(1), Duration.ofHours(12), 0.8, 8, false);
            try (ManifestDht publisher = new ManifestDht(dht.nodes.get(0), chunks, noLegacy, dht.executor, System::nanoTime)) {
                Cid cid = chunks.add(2);
                assertThat(await(publisher.publish(cid)).legacyAcks()).isZero();
                assertThat(publisher.value(RecordKeys.legacyManifestKey(cid))).isEmpty();
                assertThat(publisher.value(RecordKeys.manifestKey(cid))).isPresent();
                Throwable e = null;
                try {
                    await(dht.nodes.get(5).getValue(RecordKeys.legacyManifestKey(cid)));
                } catch (CompletionException ce) {
                    e = ce.getCause();
                }
                assertThat(e).isInstanceOf(RecordNotFoundException.class);
            }
        }
    }

    @Test
    void republishingPutsEveryHeldRecordBackOnTheClosestPeers() {
        try (SimulatedDht dht = new SimulatedDht(23).grow(30, CONFIG, ICN)) {
            Chunks chunks = new Chunks();
            try (ManifestDht publisher = new ManifestDht(dht.nodes.get(2), chunks, RepublishConfig.defaults(),
                    dht.executor, System::nanoTime)) {
                List<Cid> cids = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    cids.add(chunks.add(100 + i));
                    await(publisher.publish(cids.get(i)));
                }
                int stored = stored(dht);
                assertThat(stored).isEqualTo(20 * 2 * 20);
                // The peers lose everything (restarts, expiry) ...
                for (Kademlia k : dht.nodes) {
                    for (Cid cid : cids) {
                        k.removeStoredRecord(RecordKeys.manifestKey(cid));
                        k.removeStoredRecord(RecordKeys.legacyManifestKey(cid));
                    }
                }
                assertThat(stored(dht)).isZero();
                // ... a withdrawn chunk is not republished ...
                publisher.withdraw(cids.get(0));
                // ... and one sweep restores the rest.
                ManifestDht.SweepResult r = await(publisher.republishRecords(Duration.ofMillis(200)));
                assertThat(r.chunks()).isEqualTo(19);
                assertThat(r.failed()).isZero();
                assertThat(stored(dht)).isEqualTo(19 * 2 * 20);
                assertThat(await(publisher.reprovide(Duration.ZERO)).chunks()).isEqualTo(19);
                ManifestDht.Stats s = publisher.stats();
                assertThat(s.recordsPut()).isEqualTo(19);
                assertThat(s.providersAnnounced()).isEqualTo(19);
                assertThat(s.held()).isEqualTo(19);
            }
        }
    }

    @Test
    void aSweepYieldsToABusyShardServerButEndsWithinItsInterval() {
        try (SimulatedDht dht = new SimulatedDht(27).grow(10, CONFIG, ICN)) {
            Chunks chunks = new Chunks();
            AtomicInteger serving = new AtomicInteger(3);
            try (ManifestDht publisher = new ManifestDht(dht.nodes.get(1), chunks, RepublishConfig.defaults(),
                    dht.executor, System::nanoTime).yieldTo(serving::get)) {
                for (int i = 0; i < 20; i++) {
                    publisher.hold(chunks.add(200 + i));
                }
                // window 400 ms for 20 chunks: 20 ms a chunk at its own pace, 25 ms (window / spread 0.8) while the
                // server is busy, so the last chunk is issued no sooner than 19 x 25 ms
                ManifestDht.SweepResult busy = await(publisher.republishRecords(Duration.ofMillis(400)));
                assertThat(busy.chunks()).isEqualTo(20);
                assertThat(busy.failed()).isZero();
                assertThat(busy.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(19 * 25));
                assertThat(publisher.stats().busyPumps()).isPositive();
                assertThat(publisher.stats().recordsPut()).isEqualTo(20);
                serving.set(0);
                long before = publisher.stats().busyPumps();
                assertThat(await(publisher.republishRecords(Duration.ZERO)).chunks()).isEqualTo(20);
                assertThat(publisher.stats().busyPumps()).isEqualTo(before);
            }
        }
    }

    private static int stored(SimulatedDht dht) {
        int n = 0;
        for (Kademlia k : dht.nodes) {
            n += k.storedRecords();
        }
        return n;
    }

    @Test
    void heldChunksAreServedAtOnceAndPutByTheNextSweep() {
        try (SimulatedDht dht = new SimulatedDht(26).grow(25, CONFIG, ICN)) {
            Chunks chunks = new Chunks();
            Kademlia node = dht.nodes.get(7);
            try (ManifestDht publisher = new ManifestDht(node, chunks, RepublishConfig.defaults(), dht.executor,
                    System::nanoTime)) {
                Cid cid = chunks.add(4);
                publisher.hold(cid);
                assertThat(publisher.value(RecordKeys.manifestKey(cid))).isPresent();
                assertThat(node.provides(RecordKeys.providerKey(cid))).isTrue();
                assertThat(stored(dht)).isZero();
                assertThat(await(publisher.republishRecords(Duration.ZERO)).chunks()).isEqualTo(1);
                assertThat(stored(dht)).isEqualTo(2 * 20);
                assertThat(await(publisher.reprovide(Duration.ZERO)).failed()).isZero();
                assertThat(await(dht.nodes.get(0).findProviders(RecordKeys.providerKey(cid), 1))).contains(node.self());
            }
        }
    }

    @Test
    void aChunkWithoutManifestCannotBePublished() {
        try (SimulatedDht dht = new SimulatedDht(24).grow(3, CONFIG, ICN)) {
            try (ManifestDht publisher = new ManifestDht(dht.nodes.get(0), new Chunks(), RepublishConfig.defaults(),
                    dht.executor, System::nanoTime)) {
                Cid cid = Cid.ofRaw(new byte[] {9});
                Throwable e = null;
                try {
                    await(publisher.publish(cid));
                } catch (CompletionException ce) {
                    e = ce.getCause();
                }
                assertThat(e).isInstanceOf(KadException.class).hasMessageContaining(cid.toString());
                assertThat(publisher.holds(cid)).isFalse();
            }
        }
    }

    @Test
    void aNodeAloneStillHoldsAndServesWhatItPublishes() {
        try (SimulatedDht dht = new SimulatedDht(25)) {
            Kademlia alone = dht.add(CONFIG, ICN, Clock.systemUTC());
            Chunks chunks = new Chunks();
            try (ManifestDht publisher = new ManifestDht(alone, chunks, RepublishConfig.defaults(), dht.executor,
                    System::nanoTime)) {
                Cid cid = chunks.add(3);
                assertThat(await(publisher.publish(cid))).isEqualTo(new ManifestDht.PublishResult(0, 0, 0));
                assertThat(await(alone.getValue(RecordKeys.manifestKey(cid))).value())
                        .isEqualTo(chunks.manifests.get(cid).toJson());
            }
        }
    }
}

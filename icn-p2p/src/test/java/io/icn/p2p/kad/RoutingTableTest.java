package io.icn.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-12-06T00:00:00Z"));

    private static KadPeer peer(Random r) {
        byte[] id = new byte[34];
        r.nextBytes(id);
        return KadPeer.of(id, List.of());
    }

    @Test
    void bucketIndexIsThePositionOfTheHighestDifferingBit() {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        KadKey zero = KadKey.ofBits(a);
        b[0] = (byte) 0x80;
        assertThat(zero.bucketIndex(KadKey.ofBits(b))).isEqualTo(255);
        b[0] = 0x01;
        assertThat(zero.bucketIndex(KadKey.ofBits(b))).isEqualTo(248);
        b[0] = 0;
        b[31] = 1;
        assertThat(zero.bucketIndex(KadKey.ofBits(b))).isZero();
        assertThat(zero.bucketIndex(zero)).isEqualTo(-1);
    }

    @Test
    void closestMatchesABruteForceSortByXorDistance() {
        long seed = System.nanoTime();
        System.out.println("RoutingTableTest seed " + seed);
        Random r = new Random(seed);
        RoutingTable t = new RoutingTable(peer(r).key(), 20, clock);
        List<KadPeer> inTable = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            KadPeer p = peer(r);
            if (t.seen(p, Duration.ofMinutes(1)) instanceof RoutingTable.Added) {
                inTable.add(p);
            }
        }
        assertThat(t.size()).isEqualTo(inTable.size());
        for (int q = 0; q < 20; q++) {
            KadKey target = peer(r).key();
            List<KadPeer> expected = new ArrayList<>(inTable);
            expected.sort(Comparator.comparing(p -> new java.math.BigInteger(1, target.distance(p.key()))));
            assertThat(t.closest(target, 20)).as("seed %d", seed).containsExactlyElementsOf(expected.subList(0, 20));
        }
    }

    @Test
    void fullBucketCachesNewPeersAndFailurePromotesTheNewestReplacement() {
        Random r = new Random(7);
        KadKey self = peer(r).key();
        RoutingTable t = new RoutingTable(self, 2, clock);
        // Peers of the farthest bucket (255): half of all random peers fall there.
        List<KadPeer> far = new ArrayList<>();
        while (far.size() < 4) {
            KadPeer p = peer(r);
            if (self.bucketIndex(p.key()) == 255) {
                far.add(p);
            }
        }
        assertThat(t.seen(far.get(0), Duration.ofMinutes(1))).isInstanceOf(RoutingTable.Added.class);
        assertThat(t.seen(far.get(1), Duration.ofMinutes(1))).isInstanceOf(RoutingTable.Added.class);
        assertThat(t.seen(far.get(2), Duration.ofMinutes(1))).isInstanceOf(RoutingTable.Cached.class);
        assertThat(t.bucketSize(255)).isEqualTo(2);
        assertThat(t.replacementCount(255)).isEqualTo(1);

        // After the least recently seen peer has been silent long enough, a newcomer asks for a probe of it.
        clock.advance(Duration.ofMinutes(2));
        RoutingTable.Update u = t.seen(far.get(3), Duration.ofMinutes(1));
        assertThat(u).isEqualTo(new RoutingTable.Probe(far.get(0)));
        // Only one probe per bucket at a time.
        assertThat(t.seen(far.get(2), Duration.ofMinutes(1))).isInstanceOf(RoutingTable.Cached.class);

        t.probed(far.get(0), false);
        assertThat(t.find(far.get(0).id())).isEmpty();
        // far(2) was seen again after far(3), so it is the newest replacement and takes the place.
        assertThat(t.find(far.get(2).id())).isPresent();
        assertThat(t.bucketSize(255)).isEqualTo(2);

        // A live probe keeps the peer.
        clock.advance(Duration.ofMinutes(2));
        RoutingTable.Update again = t.seen(peerIn(r, self, 255), Duration.ofMinutes(1));
        assertThat(again).isInstanceOf(RoutingTable.Probe.class);
        KadPeer probed = ((RoutingTable.Probe) again).stale();
        t.probed(probed, true);
        assertThat(t.find(probed.id())).isPresent();
    }

    private static KadPeer peerIn(Random r, KadKey self, int bucket) {
        while (true) {
            KadPeer p = peer(r);
            if (self.bucketIndex(p.key()) == bucket) {
                return p;
            }
        }
    }

    @Test
    void selfIsNeverAdded() {
        KadPeer me = KadPeer.of(new byte[] {1, 2, 3}, List.of());
        RoutingTable t = new RoutingTable(me.key(), 20, clock);
        assertThat(t.seen(me, Duration.ofMinutes(1))).isInstanceOf(RoutingTable.Ignored.class);
        assertThat(t.size()).isZero();
    }

    @Test
    void staleBucketsAreThoseNotUsedSinceTheCutoffDownToTheClosestOccupiedOne() {
        Random r = new Random(3);
        KadKey self = peer(r).key();
        RoutingTable t = new RoutingTable(self, 20, clock);
        t.seen(peerIn(r, self, 250), Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(10));
        t.used(peerIn(r, self, 253).key());
        List<Integer> stale = t.staleBuckets(clock.instant().minus(Duration.ofMinutes(5)), 12);
        assertThat(stale).containsExactly(255, 254, 252, 251, 250);
    }
}

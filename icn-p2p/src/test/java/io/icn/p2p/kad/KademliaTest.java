package io.icn.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class KademliaTest {
    private static final RecordValidators ACCEPT = RecordValidators.of(RecordValidator.acceptAll())
            .with("test", RecordValidator.acceptAll());
    private static final KadConfig CONFIG = KadConfig.builder().requestTimeout(Duration.ofSeconds(30))
            .queryTimeout(Duration.ofSeconds(60)).build();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        return f.orTimeout(30, TimeUnit.SECONDS).join();
    }

    private static Throwable failure(java.util.concurrent.CompletableFuture<?> f) {
        try {
            await(f);
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void everyRecordPutFromAnyNodeIsFoundFromEveryNode() {
        long seed = System.nanoTime();
        System.out.println("KademliaTest seed " + seed);
        try (SimulatedDht dht = new SimulatedDht(seed).grow(40, CONFIG, ACCEPT)) {
            for (Kademlia k : dht.nodes) {
                assertThat(k.routingTableSize()).as("seed %d", seed).isGreaterThanOrEqualTo(20);
            }
            for (int from : new int[] {0, 7, 39}) {
                byte[] key = utf8("/test/record-" + from);
                PutResult put = await(dht.nodes.get(from).putValue(key, utf8("value " + from)));
                assertThat(put.acknowledged()).isEqualTo(20);
                for (Kademlia k : dht.nodes) {
                    assertThat(await(k.getValue(key)).value()).as("seed %d", seed).isEqualTo(utf8("value " + from));
                }
            }
        }
    }

    @Test
    void findClosestPeersReturnsTheTrueKClosest() {
        long seed = System.nanoTime();
        System.out.println("KademliaTest seed " + seed);
        try (SimulatedDht dht = new SimulatedDht(seed).grow(60, CONFIG, ACCEPT)) {
            for (int q = 0; q < 10; q++) {
                byte[] target = SimulatedDht.randomId(dht.random);
                KadKey t = KadKey.of(target);
                Kademlia asker = dht.nodes.get(dht.random.nextInt(60));
                List<KadPeer> all = new ArrayList<>();
                for (Kademlia k : dht.nodes) {
                    if (k != asker) {
                        all.add(k.self());
                    }
                }
                all.sort(Comparator.comparing(p -> new BigInteger(1, t.distance(p.key()))));
                assertThat(await(asker.findClosestPeers(target))).as("seed %d", seed)
                        .containsExactlyElementsOf(all.subList(0, 20));
            }
        }
    }

    @Test
    void providersAreFoundFromEveryNodeAndUntilWithdrawnLocally() {
        try (SimulatedDht dht = new SimulatedDht(11).grow(30, CONFIG, ACCEPT)) {
            byte[] key = utf8("chunk-multihash");
            Kademlia provider = dht.nodes.get(5);
            assertThat(await(provider.provide(key)).acknowledged()).isEqualTo(20);
            for (Kademlia k : dht.nodes) {
                assertThat(await(k.findProviders(key, 5))).contains(provider.self());
            }
            provider.stopProviding(key);
            assertThat(provider.provides(key)).isFalse();
        }
    }

    @Test
    void recordsSurviveHalfTheClosestPeersGoingOffline() {
        try (SimulatedDht dht = new SimulatedDht(12).grow(40, CONFIG, ACCEPT)) {
            byte[] key = utf8("/test/durable");
            await(dht.nodes.get(1).putValue(key, utf8("v")));
            List<KadPeer> holders = await(dht.nodes.get(2).findClosestPeers(key));
            for (int i = 0; i < 10; i++) {
                dht.network.setOnline(holders.get(i).id(), false);
            }
            Kademlia reader = dht.nodes.stream().filter(k -> !holders.contains(k.self()) && k != dht.nodes.get(1))
                    .findFirst().orElseThrow();
            assertThat(await(reader.getValue(key)).value()).isEqualTo(utf8("v"));
        }
    }

    @Test
    void aMissingRecordIsNotFound() {
        try (SimulatedDht dht = new SimulatedDht(13).grow(10, CONFIG, ACCEPT)) {
            assertThat(failure(dht.nodes.get(3).getValue(utf8("/test/absent"))))
                    .isInstanceOf(RecordNotFoundException.class).hasMessageContaining("/test/absent");
        }
    }

    @Test
    void recordsOfAnUnknownNamespaceOrTooLargeAreRefusedLocally() {
        try (SimulatedDht dht = new SimulatedDht(14).grow(5, CONFIG, ACCEPT)) {
            assertThat(failure(dht.nodes.get(0).putValue(utf8("/other/x"), utf8("v"))))
                    .isInstanceOf(RecordRejectedException.class).hasMessageContaining("/other/");
            assertThat(failure(dht.nodes.get(0).putValue(utf8("/test/big"), new byte[CONFIG.maxValueBytes() + 1])))
                    .isInstanceOf(RecordTooLargeException.class).hasMessageContaining(String.valueOf(CONFIG.maxValueBytes() + 1));
        }
    }

    @Test
    void peersThatRejectARecordDoNotAcknowledgeIt() {
        try (SimulatedDht dht = new SimulatedDht(15).grow(10, CONFIG, ACCEPT)) {
            // A node that accepts every namespace puts a record the others have no validator for.
            RecordValidators lax = RecordValidators.of(RecordValidator.acceptAll()).with("other", RecordValidator.acceptAll());
            Kademlia rogue = dht.add(CONFIG, lax, Clock.systemUTC());
            await(rogue.bootstrap(List.of(dht.nodes.get(0).self())));
            assertThat(failure(rogue.putValue(utf8("/other/x"), utf8("v"))))
                    .isInstanceOf(KadPeerUnreachableException.class).hasMessageContaining("stored by 0");
        }
    }

    @Test
    void aClientModeNodeQueriesButStaysOutOfRoutingTables() {
        try (SimulatedDht dht = new SimulatedDht(16).grow(15, CONFIG, ACCEPT)) {
            await(dht.nodes.get(3).putValue(utf8("/test/c"), utf8("v")));
            Kademlia client = dht.add(CONFIG.toBuilder().serverMode(false).build(), ACCEPT, Clock.systemUTC());
            await(client.bootstrap(List.of(dht.nodes.get(0).self())));
            assertThat(await(client.getValue(utf8("/test/c"))).value()).isEqualTo(utf8("v"));
            for (Kademlia k : dht.nodes) {
                if (k != client) {
                    assertThat(k.routingTablePeers()).doesNotContain(client.self());
                }
            }
        }
    }

    @Test
    void aNodeThatLostEveryPeerJoinsAgainThroughItsBootstrapPeers() throws InterruptedException {
        try (SimulatedDht dht = new SimulatedDht(20).grow(5, CONFIG, ACCEPT)) {
            Kademlia node = dht.add(CONFIG.toBuilder().refreshInterval(Duration.ofMillis(100)).build(), ACCEPT,
                    Clock.systemUTC());
            await(node.bootstrap(List.of(dht.nodes.get(0).self())));
            for (Kademlia k : dht.nodes.subList(0, 5)) {
                dht.network.setOnline(k.self().id(), false);
            }
            // Lookups fail against every peer, which evicts them all.
            for (int i = 0; i < 3 && node.routingTableSize() > 0; i++) {
                node.findClosestPeers(utf8("anything " + i)).orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> List.of()).join();
            }
            assertThat(node.routingTableSize()).isZero();
            for (Kademlia k : dht.nodes.subList(0, 5)) {
                dht.network.setOnline(k.self().id(), true);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (node.routingTableSize() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(node.routingTableSize()).isEqualTo(5);
        }
    }

    @Test
    void bootstrapThroughNobodyFails() {
        try (SimulatedDht dht = new SimulatedDht(17)) {
            Kademlia lone = dht.add(CONFIG, ACCEPT, Clock.systemUTC());
            KadPeer ghost = KadPeer.of(SimulatedDht.randomId(dht.random), List.of());
            assertThat(failure(lone.bootstrap(List.of(ghost)))).isInstanceOf(KadPeerUnreachableException.class)
                    .hasMessageContaining("no bootstrap peer answered");
        }
    }

    @Test
    void closedNodeRefusesQueries() {
        try (SimulatedDht dht = new SimulatedDht(18).grow(3, CONFIG, ACCEPT)) {
            Kademlia k = dht.nodes.get(1);
            k.close();
            k.close();
            assertThatThrownBy(() -> k.getValue(utf8("/test/x"))).isInstanceOf(KadClosedException.class);
        }
    }

    @Test
    void aNewerRecordReplacesAnOlderOneAndOutdatedPeersAreCorrected() {
        // Selector: the greater value wins.
        RecordValidator greatest = new RecordValidator() {
            @Override
            public void validate(byte[] key, byte[] value) {
            }

            @Override
            public int select(byte[] key, List<byte[]> values) {
                int best = 0;
                for (int i = 1; i < values.size(); i++) {
                    if (java.util.Arrays.compare(values.get(i), values.get(best)) > 0) {
                        best = i;
                    }
                }
                return best;
            }
        };
        RecordValidators v = RecordValidators.of(RecordValidator.acceptAll()).with("test", greatest);
        KadConfig quorum3 = CONFIG.toBuilder().getQuorum(3).build();
        try (SimulatedDht dht = new SimulatedDht(19).grow(30, quorum3, v)) {
            byte[] key = utf8("/test/versioned");
            await(dht.nodes.get(0).putValue(key, utf8("2")));
            await(dht.nodes.get(1).putValue(key, utf8("1")));
            for (Kademlia k : dht.nodes) {
                assertThat(await(k.getValue(key)).value()).isEqualTo(utf8("2"));
            }
        }
    }
}

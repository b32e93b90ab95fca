package io.icn.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.icn.p2p.kad.HostDht;
import io.icn.p2p.kad.KadConfig;
import io.icn.p2p.kad.KadPeer;
import io.icn.p2p.kad.Kademlia;
import io.icn.p2p.kad.ManifestDht;
import io.icn.p2p.kad.ManifestRecord;
import io.icn.p2p.kad.RecordKeys;
import io.icn.p2p.kad.RecordValidators;
import io.icn.p2p.kad.RepublishConfig;
import io.icn.storage.Cid;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Kademlia DHT against real js-libp2p kad-dht 16 peers (interop/js/host-peer.mjs with KAD=1):
 * manifests and provider records both ways, and a mixed DHT of 20 Java and 5 js nodes.
 */
class KadJsInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KadConfig CONFIG = KadConfig.builder().requestTimeout(Duration.ofSeconds(10))
            .queryTimeout(Duration.ofSeconds(30)).build();
    private static final AtomicInteger IDS = new AtomicInteger();

    /** A js kad peer with a known seed (so that Java can sign manifests it publishes). */
    private record Js(JsPeer peer, HostIdentity identity, String peerId) implements AutoCloseable {
        static Js start(int n) throws Exception {
            byte[] seed = new byte[32];
            java.util.Arrays.fill(seed, (byte) (0x40 + n));
            JsPeer p = JsPeer.start(Map.of("KAD", "1", "SEED_HEX", HexFormat.of().formatHex(seed), "RUN_SECONDS", "400"));
            HostIdentity id = HostIdentity.fromSeed(seed);
            JsonNode listening = p.await("listening", WAIT);
            assertThat(listening.get("peerId").asText()).isEqualTo(id.peerId().toString());
            p.await("kad:ready", WAIT);
            return new Js(p, id, id.peerId().toString());
        }

        JsonNode command(String cmd, Map<String, Object> args) throws Exception {
            int id = IDS.incrementAndGet();
            ObjectNode c = JSON.createObjectNode().put("id", id).put("cmd", cmd);
            args.forEach((k, v) -> c.set(k, JSON.valueToTree(v)));
            peer.send(JSON.writeValueAsString(c));
            JsonNode answer = peer.await("kad:" + cmd, n -> n.path("id").asInt() == id, WAIT);
            assertThat(answer.path("ok").asBoolean()).as("%s: %s", cmd, answer).isTrue();
            return answer;
        }

        @Override
        public void close() throws InterruptedException {
            peer.close();
        }
    }

    private static ManifestRecord manifest(String text, String publisher, HostIdentity signer) {
        Cid cid = Cid.ofRaw(text.getBytes(StandardCharsets.UTF_8));
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            hashes.add(ManifestRecord.sha256Hex((text + i).getBytes(StandardCharsets.UTF_8)));
        }
        return ManifestRecord.unsigned(cid, 10, 4, 100, 1000, hashes, List.of("/ip4/127.0.0.1/udp/9002/quic-v1"),
                ManifestRecord.sha256Hex(new byte[0]), 1_765_000_000L, publisher).sign(signer::sign);
    }

    private static <T> T await(CompletableFuture<T> f) {
        return f.orTimeout(60, TimeUnit.SECONDS).join();
    }

    private static ManifestDht publisherOf(Kademlia node, Map<Cid, ManifestRecord> held, HostDht dht) {
        return new ManifestDht(node, cid -> Optional.ofNullable(held.get(cid)), RepublishConfig.defaults(),
                dht.executor, System::nanoTime);
    }

    @Test
    @Timeout(180)
    void manifestsAndProvidersBothWaysThroughAThirdNode() throws Exception {
        try (HostDht dht = new HostDht(); Js js = Js.start(1)) {
            RecordValidators icn = RecordValidators.icn();
            Kademlia a = dht.add(CONFIG, icn);
            Kademlia c = dht.add(CONFIG, icn);
            await(a.bootstrap(io.icn.p2p.kad.BootstrapPeers.parse(List.of(dht.address(1)))));

            // Java node A publishes a manifest (and provides its CID) before the js node exists in the DHT.
            Map<Cid, ManifestRecord> held = new ConcurrentHashMap<>();
            ManifestRecord mine = manifest("java chunk", dht.hosts.get(0).peerId().toString(), dht.identities.get(0));
            held.put(mine.cid(), mine);
            try (ManifestDht publisher = publisherOf(a, held, dht)) {
                assertThat(await(publisher.publish(mine.cid())).manifestAcks()).isEqualTo(1);

                // The js node knows only C, and reads A's manifest and A as provider through it.
                js.command("dial", Map.of("addr", dht.address(1)));
                js.command("waitTable", Map.of("min", 1));
                JsonNode got = js.command("get", Map.of("key", "/icn/manifest/" + mine.cid()));
                assertThat(got.path("found").path("valueB64").asText()).isEqualTo(Base64.getEncoder().encodeToString(mine.toJson()));
                JsonNode providers = js.command("findProviders", Map.of("cid", mine.cid().toString()));
                assertThat(providers.get("providers").toString()).contains(dht.hosts.get(0).peerId().toString());

                // The js node puts a manifest of its own (signed with its key) and provides a CID.
                ManifestRecord theirs = manifest("js chunk", js.peerId(), js.identity());
                JsonNode put = js.command("put", Map.of("key", "/icn/manifest/" + theirs.cid(),
                        "valueB64", Base64.getEncoder().encodeToString(theirs.toJson())));
                assertThat(put.get("acks").asInt()).isPositive();
                Cid provided = Cid.ofRaw("js provides".getBytes(StandardCharsets.UTF_8));
                js.command("provide", Map.of("cid", provided.toString()));

                // A new Java node that never talked to js reads both through C.
                Kademlia d = dht.add(CONFIG, icn);
                await(d.bootstrap(io.icn.p2p.kad.BootstrapPeers.parse(List.of(dht.address(1)))));
                ManifestRecord read = ManifestRecord.parse(await(d.getValue(RecordKeys.manifestKey(theirs.cid()))).value());
                assertThat(read).isEqualTo(theirs);
                List<KadPeer> jsProviders = await(d.findProviders(RecordKeys.providerKey(provided), 1));
                assertThat(jsProviders).extracting(p -> p.peerId().toString()).contains(js.peerId());
            }
        }
    }

    @Test
    @Timeout(420)
    void twentyJavaAndFiveJsNodesFindEveryRecordFromEveryNode() throws Exception {
        List<Js> jsNodes = new ArrayList<>();
        long start = System.nanoTime();
        try (HostDht dht = new HostDht()) {
            RecordValidators icn = RecordValidators.icn();
            for (int i = 0; i < 20; i++) {
                Kademlia k = dht.add(CONFIG, icn);
                if (i > 0) {
                    await(k.bootstrap(io.icn.p2p.kad.BootstrapPeers.parse(List.of(dht.address(0)))));
                }
            }
            for (int j = 0; j < 5; j++) {
                Js js = Js.start(10 + j);
                jsNodes.add(js);
                js.command("dial", Map.of("addr", dht.address(j)));
                js.command("dial", Map.of("addr", dht.address(10 + j)));
                js.command("waitTable", Map.of("min", 2));
            }
            for (Js js : jsNodes) {
                // Bring the js nodes into each other's and the Java nodes' tables through lookups.
                js.command("get", Map.of("key", "/icn/manifest/warm-up"));
            }
            System.out.printf("20 Java + 5 js nodes up in %d ms%n", (System.nanoTime() - start) / 1_000_000);
            List<ManifestRecord> records = new ArrayList<>();
            List<ManifestDht> publishers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ManifestRecord m = manifest("java " + i, dht.hosts.get(i).peerId().toString(), dht.identities.get(i));
                ManifestDht p = publisherOf(dht.nodes.get(i), Map.of(m.cid(), m), dht);
                publishers.add(p);
                assertThat(await(p.publish(m.cid())).manifestAcks()).isPositive();
                records.add(m);
            }
            for (Js js : jsNodes) {
                ManifestRecord m = manifest("js " + js.peerId(), js.peerId(), js.identity());
                assertThat(js.command("put", Map.of("key", "/icn/manifest/" + m.cid(),
                        "valueB64", Base64.getEncoder().encodeToString(m.toJson()))).get("acks").asInt()).isPositive();
                records.add(m);
            }
            long t = System.nanoTime();
            for (Kademlia k : dht.nodes) {
                for (ManifestRecord m : records) {
                    assertThat(await(k.getValue(RecordKeys.manifestKey(m.cid()))).value())
                            .as("java node %s reading %s", k.self().peerId(), m.cid()).isEqualTo(m.toJson());
                }
            }
            System.out.printf("20 Java nodes read 25 records each in %d ms%n", (System.nanoTime() - t) / 1_000_000);
            t = System.nanoTime();
            for (Js js : jsNodes) {
                for (ManifestRecord m : records) {
                    JsonNode got = js.command("get", Map.of("key", "/icn/manifest/" + m.cid(), "first", true));
                    assertThat(got.path("found").path("valueB64").asText()).as("js %s reading %s", js.peerId(), m.cid())
                            .isEqualTo(Base64.getEncoder().encodeToString(m.toJson()));
                }
            }
            System.out.printf("5 js nodes read 25 records each in %d ms%n", (System.nanoTime() - t) / 1_000_000);
            publishers.forEach(ManifestDht::close);
        } finally {
            for (Js js : jsNodes) {
                js.close();
            }
        }
    }
}

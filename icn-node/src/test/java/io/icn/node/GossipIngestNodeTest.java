package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.icn.erasure.ErasureCodec;
import io.icn.p2p.JsPeer;
import io.icn.p2p.PeerId;
import io.icn.p2p.gossip.GossipSub;
import io.icn.p2p.kad.ManifestRecord;
import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gossip ingest end to end on loopback: js-libp2p gossipsub peers ({@code interop/js/host-peer.mjs}, started and
 * ended by the test) publish on {@code /icn/video/1.0.0} to a Java {@link SuperNode} whose {@code trusted_directors}
 * names one of them (Ed25519 seed 01×32). Every wait is bounded; no timing is asserted.
 */
@Timeout(420)
class GossipIngestNodeTest {
    private static final String TOPIC = GossipIngest.TOPIC;
    private static final String DIRECTOR_SEED = "01".repeat(32);
    private static final String DIRECTOR = "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration BIG_WAIT = Duration.ofSeconds(180);
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private SuperNode startNode() {
        NodeConfig base = TestNodes.config(tmp.resolve("node"));
        NodeConfig config = base.withNetwork(base.network().withEnabled(true))
                .withGossip(ServiceConfig.Gossip.DEFAULT.withTrustedDirectors(List.of(DIRECTOR)))
                .withIngest(base.ingest().withDealBlocks(1_000));
        SuperNode node = SuperNode.builder(config).random(new SplittableRandom(3)).calibrateKernels(false).build();
        node.start();
        return node;
    }

    private static JsPeer gossipPeer(SuperNode node, String seedHex) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("GOSSIP_TOPIC", TOPIC, "MSG_ID_FN", "blake3-hex",
                "SEND_COMMANDS", "1", "RUN_SECONDS", "400", "DIAL", dialAddress(node)));
        if (seedHex != null) {
            env.put("SEED_HEX", seedHex);
        }
        return JsPeer.start(env);
    }

    private static String dialAddress(SuperNode node) {
        return node.network().orElseThrow().listenAddresses().get(0);
    }

    private static GossipSub router(SuperNode node) {
        return node.network().orElseThrow().gossip().orElseThrow();
    }

    private static PeerId listening(JsPeer peer) throws Exception {
        return PeerId.parse(peer.await("listening", WAIT).path("peerId").asText());
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static void awaitMeshed(SuperNode node, PeerId peer) throws InterruptedException {
        await("the node meshes " + peer, WAIT, () -> {
            try {
                return router(node).meshPeers(TOPIC).get(5, TimeUnit.SECONDS).contains(peer);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static double count(MeterRegistry registry, String name, String tag, String value) {
        Counter c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    private static Cid cidOf(JsonNode published) {
        return Cid.of(Cid.RAW, HexFormat.of().parseHex(published.path("sha256").asText()));
    }

    /** The chunk rebuilt from its stored shards with the first four (data) shards taken as lost. */
    private static byte[] rebuild(SuperNode node, Cid cid) {
        ChunkMeta meta = node.store().meta(cid).orElseThrow();
        byte[][] shards = new byte[14][];
        boolean[] present = new boolean[14];
        for (int i = 0; i < 14; i++) {
            present[i] = i >= 4;
            shards[i] = present[i] ? node.store().readShard(cid, i) : new byte[meta.spec().shardLength()];
        }
        ErasureCodec.reedSolomon(10, 4).reconstruct(shards, present);
        byte[] chunk = new byte[(int) meta.originalLength()];
        int shardLength = meta.spec().shardLength();
        for (int i = 0, at = 0; i < 10 && at < chunk.length; i++, at += shardLength) {
            System.arraycopy(shards[i], 0, chunk, at, Math.min(shardLength, chunk.length - at));
        }
        return chunk;
    }

    /**
     * An untrusted publisher's message is rejected and neither stored nor forwarded, while the trusted director's
     * next message is forwarded to the node's other mesh peer; the director's 50 MiB chunk is stored (rebuilt from
     * its shards with the same SHA-256) and its manifest is read from the DHT by a js kad-dht node.
     */
    @Test
    void aTrustedDirectorsFiftyMebibyteChunkIsStoredAndAnnouncedAndAnUntrustedOneIsNot() throws Exception {
        try (SuperNode node = startNode(); JsPeer director = gossipPeer(node, DIRECTOR_SEED);
                JsPeer observer = gossipPeer(node, null); JsPeer stranger = gossipPeer(node, null)) {
            MeterRegistry registry = node.meterRegistry();
            assertThat(listening(director)).hasToString(DIRECTOR);
            PeerId observerId = listening(observer);
            PeerId strangerId = listening(stranger);
            awaitMeshed(node, observerId);
            awaitMeshed(node, strangerId);
            awaitMeshed(node, PeerId.parse(DIRECTOR));
            stranger.awaitGossipMesh(1, WAIT);
            director.awaitGossipMesh(1, WAIT);
            observer.awaitGossipMesh(1, WAIT);

            JsonNode untrusted = stranger.publish(1_000, "stranger", WAIT);
            assertThat(untrusted.path("recipients").toString()).contains(node.network().orElseThrow().peerId());
            await("the untrusted message is rejected", WAIT,
                    () -> count(registry, "icn_super_node_gossip_rejected", "reason", GossipIngest.UNTRUSTED) == 1);
            assertThat(router(node).score(strangerId).get(5, TimeUnit.SECONDS)).as("the relaying peer is penalised")
                    .isNegative();

            // a small chunk of the director's is forwarded to the node's other mesh peer (observer is connected to
            // the node only), the untrusted message before it never was, and was never stored
            JsonNode small = director.publish(1_000, "barrier", WAIT);
            observer.await("gossip:message", n -> n.path("sha256").asText().equals(small.path("sha256").asText()), WAIT);
            assertThat(observer.all("gossip:message")).extracting(n -> n.path("sha256").asText())
                    .doesNotContain(untrusted.path("sha256").asText());
            assertThat(node.store().contains(cidOf(untrusted))).isFalse();
            await("the small chunk is stored", WAIT,
                    () -> count(registry, "icn_super_node_gossip_chunks", "result", "stored") == 1);

            JsonNode big = director.publish(50 * MIB, "director", BIG_WAIT);
            Cid cid = cidOf(big);
            await("the 50 MiB chunk is stored and announced", BIG_WAIT,
                    () -> count(registry, "icn_super_node_gossip_chunks", "result", "stored") == 2);
            assertThat(node.store().contains(cid)).isTrue();
            assertThat(node.network().orElseThrow().holds(cid)).as("its manifest is held in the DHT").isTrue();
            byte[] rebuilt = rebuild(node, cid);
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rebuilt)))
                    .isEqualTo(big.path("sha256").asText());
            assertThat(node.store().list()).containsExactlyInAnyOrder(cid, cidOf(small));
            Timer timer = registry.find("icn_super_node_gossip_ingest_seconds").timer();
            assertThat(timer).isNotNull();
            assertThat(timer.count()).isEqualTo(2);
            assertThat(registry.find("icn_super_node_gossip_accepted").functionCounter().count()).isEqualTo(2);
            assertThat(registry.find("icn_super_node_gossip_forwarded").functionCounter().count()).isPositive();

            try (JsPeer reader = JsPeer.start(Map.of("KAD", "1", "RUN_SECONDS", "120"))) {
                reader.await("kad:ready", WAIT);
                reader.send("{\"id\":1,\"cmd\":\"dial\",\"addr\":\"" + dialAddress(node) + "\"}");
                assertThat(reader.await("kad:dial", n -> n.path("id").asInt() == 1, WAIT).path("ok").asBoolean()).isTrue();
                reader.send("{\"id\":2,\"cmd\":\"waitTable\",\"min\":1}");
                reader.await("kad:waitTable", n -> n.path("id").asInt() == 2, WAIT);
                reader.send("{\"id\":3,\"cmd\":\"get\",\"key\":\"/icn/manifest/" + cid + "\",\"first\":true}");
                JsonNode got = reader.await("kad:get", n -> n.path("id").asInt() == 3, WAIT);
                assertThat(got.path("found").isObject()).as("js found the manifest: %s", got).isTrue();
                ManifestRecord manifest = ManifestRecord.parse(Base64.getDecoder().decode(got.path("found")
                        .path("valueB64").asText()));
                manifest.verify(node.identity().account().bytes());
                assertThat(manifest.cid()).isEqualTo(cid);
                assertThat(manifest.originalLength()).isEqualTo(50L * MIB);
                assertThat(manifest.publisherPeerId()).isEqualTo(node.network().orElseThrow().peerId());
            }
        }
    }

    /** A chunk PUT first and then gossiped by the director is stored once; the gossip finds it already stored. */
    @Test
    void aChunkPutAndThenGossipedIsStoredOnce() throws Exception {
        try (SuperNode node = startNode(); JsPeer director = gossipPeer(node, DIRECTOR_SEED)) {
            MeterRegistry registry = node.meterRegistry();
            listening(director);
            awaitMeshed(node, PeerId.parse(DIRECTOR));
            director.awaitGossipMesh(1, WAIT);
            byte[] chunk = JsPeer.pattern(MIB, "twice");
            Cid cid = Cid.ofRaw(chunk);
            ChunkIngest.IngestedChunk put = node.ingest().ingestChunk(cid, chunk, 1_000);
            assertThat(put.alreadyStored()).isFalse();

            JsonNode published = director.publish(MIB, "twice", WAIT);
            assertThat(cidOf(published)).isEqualTo(cid);
            await("the gossiped copy went through ingest", WAIT,
                    () -> count(registry, "icn_super_node_gossip_chunks", "result", "already_stored") == 1);
            assertThat(count(registry, "icn_super_node_gossip_chunks", "result", "stored")).isZero();
            assertThat(node.store().list()).containsExactly(cid);
            assertThat(node.store().meta(cid).orElseThrow().shards()).hasSize(14);
        }
    }
}

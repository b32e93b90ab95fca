package io.icn.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.icn.p2p.gossip.GossipConfig;
import io.icn.p2p.gossip.GossipMessage;
import io.icn.p2p.gossip.GossipSub;
import io.icn.p2p.gossip.MessageIdFunction;
import io.icn.p2p.gossip.MessageValidator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * GossipSub between this module's router and js-libp2p's {@code @libp2p/gossipsub} 17.1.1 ({@code host-peer.mjs}
 * with {@code GOSSIP_TOPIC}), on loopback; every js process is ended in {@code finally}.
 */
@Timeout(240)
class GossipJsInteropTest {
    private static final String TOPIC = "/icn/video/1.0.0";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MIB = 1 << 20;

    /** A Java host with its router; deliveries counted by SHA-256 of the data. */
    private record Node(P2pHost host, GossipSub gossip, Map<String, AtomicInteger> deliveries) implements AutoCloseable {
        static Node start(GossipConfig config) throws Exception {
            HostIdentity id = HostIdentity.generate(new SecureRandom());
            P2pHost host = Hosts.loopback().identity(id).build();
            GossipSub gossip = GossipSub.builder(host, id).config(config).build();
            Node node = new Node(host, gossip, new ConcurrentHashMap<>());
            try {
                host.start().get(10, TimeUnit.SECONDS);
                gossip.subscribe(TOPIC, m -> node.deliveries.computeIfAbsent(sha256(m), k -> new AtomicInteger()).incrementAndGet());
                gossip.start();
            } catch (Exception e) {
                node.close();
                throw e;
            }
            return node;
        }

        String dial() {
            return Hosts.dialable(host).toString();
        }

        @Override
        public void close() {
            gossip.close();
            host.close();
        }
    }

    private static String sha256(GossipMessage m) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(m.dataView());
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static JsPeer js(MessageIdFunction f, String dial) throws Exception {
        return JsPeer.start(Map.of("GOSSIP_TOPIC", TOPIC, "MSG_ID_FN", f.configName(), "SEND_COMMANDS", "1",
                "RUN_SECONDS", "120", "DIAL", dial));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static void awaitJsMesh(JsPeer peer, int count) throws Exception {
        peer.awaitGossipMesh(count, WAIT);
    }

    private static boolean quietly(java.util.concurrent.Callable<Boolean> c) {
        try {
            return c.call();
        } catch (Exception e) {
            return false;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(MessageIdFunction.class)
    void javaAndJsExchangeOneMebibyteBothWays(MessageIdFunction idFunction) throws Exception {
        try (Node java = Node.start(GossipConfig.defaults().withMessageIdFunction(idFunction));
                JsPeer peer = js(idFunction, java.dial())) {
            JsonNode listening = peer.await("listening", WAIT);
            PeerId jsId = PeerId.parse(listening.path("peerId").asText());
            await("java sees js subscribed", () -> quietly(() -> java.gossip.topicPeers(TOPIC).get().contains(jsId)));
            awaitJsMesh(peer, 1);

            byte[] data = new byte[MIB];
            new Random(idFunction.ordinal()).nextBytes(data);
            GossipSub.Published sent = java.gossip.publish(TOPIC, data).get(10, TimeUnit.SECONDS);
            assertThat(sent.peers()).isEqualTo(1);
            JsonNode got = peer.await("gossip:message", WAIT);
            assertThat(got.path("sha256").asText()).isEqualTo(sha256(data));
            assertThat(got.path("from").asText()).isEqualTo(java.host.peerId().toBase58());
            assertThat(got.path("id").asText()).as("js computed the same message id")
                    .isEqualTo(Base64.getEncoder().withoutPadding().encodeToString(sent.id().toBytes()));

            peer.command("{\"id\":2,\"cmd\":\"publish\",\"bytes\":" + MIB + ",\"seed\":\"" + idFunction + "\"}");
            JsonNode published = peer.await("gossip:published", n -> n.path("id").asInt() == 2, WAIT);
            assertThat(published.path("recipients").toString()).contains(java.host.peerId().toBase58());
            String jsSha = published.path("sha256").asText();
            await("java receives js's message", () -> java.deliveries.containsKey(jsSha));
            Thread.sleep(500);
            assertThat(java.deliveries.get(jsSha).get()).isEqualTo(1);
            assertThat(peer.all("gossip:message")).hasSize(1);
            assertThat(java.gossip.stats().rejectedTotal()).isZero();
            assertThat(java.gossip.stats().accepted()).isEqualTo(1);
        }
    }

    @Test
    void aJsMessageTheValidatorRejectsIsNotForwarded() throws Exception {
        try (Node gate = Node.start(GossipConfig.defaults()); Node behind = Node.start(GossipConfig.defaults());
                JsPeer peer = js(MessageIdFunction.BLAKE3_HEX, gate.dial())) {
            PeerId jsId = PeerId.parse(peer.await("listening", WAIT).path("peerId").asText());
            gate.gossip.setValidator(TOPIC, m -> m.size() == 1000 ? MessageValidator.Result.REJECT : MessageValidator.Result.ACCEPT);
            behind.host.connect(Hosts.dialable(gate.host)).get(10, TimeUnit.SECONDS);
            await("gate meshes js and behind", () -> quietly(() -> gate.gossip.meshPeers(TOPIC).get()
                    .containsAll(Set.of(jsId, behind.host.peerId()))));
            awaitJsMesh(peer, 1);

            peer.command("{\"id\":1,\"cmd\":\"publish\",\"bytes\":1000,\"seed\":\"bad\"}");
            String bad = peer.await("gossip:published", n -> n.path("id").asInt() == 1, WAIT).path("sha256").asText();
            await("gate rejects", () -> gate.gossip.stats().rejected().getOrDefault("validator", 0L) == 1);
            peer.command("{\"id\":2,\"cmd\":\"publish\",\"bytes\":1001,\"seed\":\"good\"}");
            String good = peer.await("gossip:published", n -> n.path("id").asInt() == 2, WAIT).path("sha256").asText();
            await("the good one crosses the gate", () -> behind.deliveries.containsKey(good));
            assertThat(behind.deliveries).doesNotContainKey(bad);
            assertThat(gate.deliveries).doesNotContainKey(bad);
            assertThat(behind.gossip.stats().received()).isEqualTo(1);
            assertThat(gate.gossip.score(jsId).get(5, TimeUnit.SECONDS)).isNegative();
        }
    }

    @Test
    void tenJavaNodesAndTwoJsNodesDeliverEveryMessageExactlyOnce() throws Exception {
        List<Node> nodes = new ArrayList<>();
        List<JsPeer> peers = new ArrayList<>();
        try {
            GossipConfig config = GossipConfig.defaults().withHeartbeat(Duration.ofMillis(500));
            for (int i = 0; i < 10; i++) {
                nodes.add(Node.start(config));
            }
            Random random = new Random(5);
            for (int i = 1; i < nodes.size(); i++) {
                nodes.get(i).host.connect(Hosts.dialable(nodes.get(random.nextInt(i)).host)).get(10, TimeUnit.SECONDS);
                if (i > 2) {
                    nodes.get(i).host.connect(Hosts.dialable(nodes.get(random.nextInt(i - 1)).host)).get(10, TimeUnit.SECONDS);
                }
            }
            peers.add(js(MessageIdFunction.BLAKE3_HEX, nodes.get(2).dial()));
            peers.add(js(MessageIdFunction.BLAKE3_HEX, nodes.get(7).dial()));
            List<PeerId> jsIds = new ArrayList<>();
            for (JsPeer p : peers) {
                jsIds.add(PeerId.parse(p.await("listening", WAIT).path("peerId").asText()));
                awaitJsMesh(p, 1);
            }
            await("every java mesh formed", () -> nodes.stream().allMatch(n -> quietly(() -> !n.gossip.meshPeers(TOPIC).get().isEmpty())));

            List<String> hashes = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                byte[] data = new byte[64 * 1024];
                new Random(100 + i).nextBytes(data);
                nodes.get(i).gossip.publish(TOPIC, data).get(10, TimeUnit.SECONDS);
                hashes.add(sha256(data));
            }
            for (int j = 0; j < peers.size(); j++) {
                peers.get(j).command("{\"id\":" + (10 + j) + ",\"cmd\":\"publish\",\"bytes\":65536,\"seed\":\"js" + j + "\"}");
                int id = 10 + j;
                hashes.add(peers.get(j).await("gossip:published", n -> n.path("id").asInt() == id, WAIT).path("sha256").asText());
            }
            await("every java node has every message", () -> nodes.stream().allMatch(n -> hashes.stream().allMatch(n.deliveries::containsKey)));
            for (int j = 0; j < peers.size(); j++) {
                JsPeer p = peers.get(j);
                String own = hashes.get(nodes.size() + j);
                for (String h : hashes) {
                    if (!h.equals(own)) {
                        p.await("gossip:message", n -> n.path("sha256").asText().equals(h), WAIT);
                    }
                }
            }
            Thread.sleep(2000); // late duplicates, if any, would arrive now
            for (Node n : nodes) {
                for (String h : hashes) {
                    assertThat(n.deliveries.get(h).get()).as("deliveries of %s at %s", h, n.host.peerId()).isEqualTo(1);
                }
            }
            for (JsPeer p : peers) {
                List<String> got = p.all("gossip:message").stream().map(n -> n.path("sha256").asText()).toList();
                assertThat(got).doesNotHaveDuplicates().hasSize(hashes.size() - 1);
            }
            long duplicates = nodes.stream().mapToLong(n -> n.gossip.stats().duplicates()).sum();
            assertThat(duplicates).as("duplicates were received and suppressed").isPositive();
        } finally {
            peers.forEach(JsPeer::close);
            nodes.forEach(Node::close);
        }
    }

    @Test
    void fiftyMebibyteMessagesCrossBothWays() throws Exception {
        try (Node java = Node.start(GossipConfig.defaults()); JsPeer peer = js(MessageIdFunction.BLAKE3_HEX, java.dial())) {
            PeerId jsId = PeerId.parse(peer.await("listening", WAIT).path("peerId").asText());
            await("java sees js subscribed", () -> quietly(() -> java.gossip.topicPeers(TOPIC).get().contains(jsId)));
            awaitJsMesh(peer, 1);
            peer.command("{\"id\":1,\"cmd\":\"publish\",\"bytes\":" + 50 * MIB + ",\"seed\":\"big\"}");
            JsonNode published = peer.await("gossip:published", n -> n.path("id").asInt() == 1, Duration.ofSeconds(60));
            assertThat(published.path("recipients").toString()).contains(java.host.peerId().toBase58());
            String sha = published.path("sha256").asText();
            await("java receives 50 MiB", () -> java.deliveries.containsKey(sha));
            assertThat(java.gossip.stats().protocolViolations()).isZero();

            byte[] data = new byte[50 * MIB];
            new Random(50).nextBytes(data);
            java.gossip.publish(TOPIC, data).get(10, TimeUnit.SECONDS);
            JsonNode got = peer.await("gossip:message", Duration.ofSeconds(60));
            assertThat(got.path("sha256").asText()).isEqualTo(sha256(data));
        }
    }
}

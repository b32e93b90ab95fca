package io.icn.p2p.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.p2p.HostIdentity;
import io.icn.p2p.Multiaddr;
import io.icn.p2p.P2pHost;
import io.icn.p2p.P2pStream;
import io.icn.p2p.PeerId;
import io.icn.p2p.internal.ProtoWriter;
import io.icn.p2p.internal.Varint;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
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

@Timeout(120)
class GossipSubTest {
    static final String TOPIC = "/icn/video/1.0.0";
    static final GossipConfig FAST = GossipConfig.defaults().withHeartbeat(Duration.ofMillis(200));

    /** One host and its router. */
    record Node(P2pHost host, GossipSub gossip, Map<MessageId, AtomicInteger> deliveries) implements AutoCloseable {
        static Node start(GossipConfig config) throws Exception {
            HostIdentity id = HostIdentity.generate(new SecureRandom());
            P2pHost host = P2pHost.builder().identity(id).listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).ioThreads(1).build();
            GossipSub gossip = GossipSub.builder(host, id).config(config).random(new Random(1)).build();
            Node node = new Node(host, gossip, new ConcurrentHashMap<>());
            try {
                host.start().get(10, TimeUnit.SECONDS);
                gossip.start();
            } catch (Exception e) {
                node.close();
                throw e;
            }
            return node;
        }

        void subscribe() {
            gossip.subscribe(TOPIC, m -> deliveries.computeIfAbsent(m.id(), k -> new AtomicInteger()).incrementAndGet());
        }

        void connect(Node other) throws Exception {
            host.connect(other.host.listenAddresses().get(0).withPeerId(other.host.peerId())).get(10, TimeUnit.SECONDS);
        }

        int topicPeers() throws Exception {
            return gossip.topicPeers(TOPIC).get(5, TimeUnit.SECONDS).size();
        }

        @Override
        public void close() {
            gossip.close();
            host.close();
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Whether following mesh links (each node's own mesh peers) leads from every node to every other. */
    static boolean meshReachesAll(List<Node> nodes) throws Exception {
        Map<PeerId, Set<PeerId>> mesh = new HashMap<>();
        for (Node n : nodes) {
            mesh.put(n.host.peerId(), n.gossip.meshPeers(TOPIC).get(5, TimeUnit.SECONDS));
        }
        for (PeerId start : mesh.keySet()) {
            Set<PeerId> reached = new HashSet<>(Set.of(start));
            Deque<PeerId> next = new ArrayDeque<>(reached);
            while (!next.isEmpty()) {
                for (PeerId p : mesh.getOrDefault(next.poll(), Set.of())) {
                    if (reached.add(p)) {
                        next.add(p);
                    }
                }
            }
            if (reached.size() < nodes.size()) {
                return false;
            }
        }
        return true;
    }

    static boolean quietly(java.util.concurrent.Callable<Boolean> c) {
        try {
            return c.call();
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void oneMebibyteCrossesTwoNodesOnceAndNotBack() throws Exception {
        List<Node> nodes = new ArrayList<>();
        try {
            Node a = Node.start(FAST);
            nodes.add(a);
            Node b = Node.start(FAST);
            nodes.add(b);
            a.subscribe();
            b.subscribe();
            a.connect(b);
            await("subscriptions exchanged", () -> quietly(() -> a.topicPeers() == 1 && b.topicPeers() == 1));
            byte[] data = new byte[1 << 20];
            new Random(7).nextBytes(data);
            Map<MessageId, byte[]> got = new ConcurrentHashMap<>();
            b.gossip.subscribe(TOPIC, m -> got.put(m.id(), m.data()));
            GossipSub.Published p = a.gossip.publish(TOPIC, data).get(10, TimeUnit.SECONDS);
            assertThat(p.peers()).isEqualTo(1);
            assertThat(p.id().toBytes()).hasSize(64);
            await("delivery", () -> got.containsKey(p.id()));
            assertThat(MessageDigest.getInstance("SHA-256").digest(got.get(p.id())))
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            await("mesh formed", () -> quietly(() -> a.gossip.meshPeers(TOPIC).get().contains(b.host.peerId())));
            assertThat(b.gossip.stats().accepted()).isEqualTo(1);
            assertThat(a.gossip.stats().published()).isEqualTo(1);
            assertThat(a.gossip.stats().received()).isZero();
        } finally {
            nodes.forEach(Node::close);
        }
    }

    @Test
    void tenNodeMeshDeliversEveryMessageExactlyOnce() throws Exception {
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                Node n = Node.start(FAST);
                nodes.add(n);
                n.subscribe();
            }
            Random random = new Random(3);
            for (int i = 1; i < nodes.size(); i++) {
                nodes.get(i).connect(nodes.get(random.nextInt(i)));
                if (i > 2) {
                    nodes.get(i).connect(nodes.get(random.nextInt(i - 1)));
                }
            }
            // Forwarding alone reaches every node once each node's mesh leads, link by link, to every other: a message
            // published while the meshes still form may reach a node only by IHAVE gossip, which is announced for three
            // heartbeats (600 ms here) and then never again. The test waited for one mesh peer per node only and once
            // timed out in CI (2026-12-07) with some message missing somewhere; not reproduced in 32 runs since, and
            // which message was missing where is now part of the failure.
            await("a mesh that leads from every node to every other", () -> quietly(() -> meshReachesAll(nodes)));
            List<MessageId> ids = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                byte[] data = new byte[i % 2 == 0 ? (1 << 20) + i : 100 + i]; // large ones take the bounded fan-out
                random.nextBytes(data);
                ids.add(nodes.get(i).gossip.publish(TOPIC, data).get(10, TimeUnit.SECONDS).id());
            }
            try {
                await("every message everywhere", () -> nodes.stream().allMatch(n -> ids.stream().allMatch(n.deliveries::containsKey)));
            } catch (AssertionError e) {
                List<String> missing = new ArrayList<>();
                for (int i = 0; i < nodes.size(); i++) {
                    for (int m = 0; m < ids.size(); m++) {
                        if (!nodes.get(i).deliveries.containsKey(ids.get(m))) {
                            missing.add("node " + i + " lacks message " + m);
                        }
                    }
                }
                throw new AssertionError(e.getMessage() + ": " + missing, e);
            }
            Thread.sleep(1000); // time for late duplicates to arrive, which must then be suppressed
            for (Node n : nodes) {
                for (MessageId id : ids) {
                    assertThat(n.deliveries.get(id).get()).as("deliveries of %s at %s", id, n.host.peerId()).isEqualTo(1);
                }
            }
        } finally {
            nodes.forEach(Node::close);
        }
    }

    @Test
    void rejectedMessagesAreCountedPenalisedAndNotForwarded() throws Exception {
        List<Node> nodes = new ArrayList<>();
        try {
            Node a = Node.start(FAST);
            Node b = Node.start(FAST);
            Node c = Node.start(FAST);
            nodes.addAll(List.of(a, b, c));
            nodes.forEach(Node::subscribe);
            b.gossip.setValidator(TOPIC, m -> m.size() == 3 ? MessageValidator.Result.REJECT : MessageValidator.Result.ACCEPT);
            a.connect(b);
            c.connect(b);
            await("mesh through b", () -> quietly(() -> b.gossip.meshPeers(TOPIC).get().size() == 2
                    && a.gossip.meshPeers(TOPIC).get().contains(b.host.peerId())
                    && c.gossip.meshPeers(TOPIC).get().contains(b.host.peerId())));
            MessageId bad = a.gossip.publish(TOPIC, new byte[] {1, 2, 3}).get(10, TimeUnit.SECONDS).id();
            MessageId good = a.gossip.publish(TOPIC, new byte[] {1, 2, 3, 4}).get(10, TimeUnit.SECONDS).id();
            await("good message through b", () -> c.deliveries.containsKey(good));
            assertThat(c.deliveries).doesNotContainKey(bad);
            assertThat(b.deliveries).doesNotContainKey(bad);
            assertThat(b.gossip.stats().rejected()).containsEntry("validator", 1L);
            assertThat(b.gossip.score(a.host.peerId()).get(5, TimeUnit.SECONDS)).isNegative();
            await("a pruned from b's mesh", () -> quietly(() -> !b.gossip.meshPeers(TOPIC).get().contains(a.host.peerId())));
        } finally {
            nodes.forEach(Node::close);
        }
    }

    @Test
    void malformedAndOversizedRpcsResetTheStream() throws Exception {
        List<Node> nodes = new ArrayList<>();
        GossipConfig small = FAST.withMaxMessageBytes(1000);
        try {
            Node a = Node.start(small);
            nodes.add(a);
            a.subscribe();
            HostIdentity rawId = HostIdentity.generate(new SecureRandom());
            try (P2pHost raw = P2pHost.builder().identity(rawId).listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).ioThreads(1).build()) {
                raw.start().get(10, TimeUnit.SECONDS);
                raw.connect(a.host.listenAddresses().get(0).withPeerId(a.host.peerId())).get(10, TimeUnit.SECONDS);
                P2pStream s = raw.newStream(a.host.peerId(), GossipSub.MESHSUB_V11).get(10, TimeUnit.SECONDS);
                s.writeMessage(new byte[] {0x0A, 0x05, 0x08}).get(10, TimeUnit.SECONDS); // SubOpts claims 5 bytes, has 1
                await("violation counted", () -> a.gossip.stats().protocolViolations() == 1);
                P2pStream big = raw.newStream(a.host.peerId(), GossipSub.MESHSUB_V11).get(10, TimeUnit.SECONDS);
                // a length prefix far over the limit, then a little: refused at the prefix, nothing buffered
                big.write(Varint.encode(1L << 30)).get(10, TimeUnit.SECONDS);
                big.write(new byte[100]).exceptionally(e -> null).get(10, TimeUnit.SECONDS);
                await("oversize counted", () -> a.gossip.stats().protocolViolations() == 2);
                assertThat(a.deliveries).isEmpty();
                // an unsigned message is rejected with its reason
                P2pStream s3 = raw.newStream(a.host.peerId(), GossipSub.MESHSUB_V11).get(10, TimeUnit.SECONDS);
                byte[] message = new ProtoWriter().bytes(2, new byte[] {9}).string(4, TOPIC).toByteArray();
                s3.writeMessage(new ProtoWriter().bytes(2, message).toByteArray()).get(10, TimeUnit.SECONDS);
                await("unsigned rejected", () -> a.gossip.stats().rejected().containsKey("signature:missing_from"));
                assertThat(a.gossip.score(rawId.peerId()).get(5, TimeUnit.SECONDS)).isNegative();
            }
        } finally {
            nodes.forEach(Node::close);
        }
    }

    @Test
    void aMeshsub10OnlyPeerGetsOurSubscriptionsOnMeshsub10() throws Exception {
        List<Node> nodes = new ArrayList<>();
        try {
            Node a = Node.start(FAST);
            nodes.add(a);
            a.subscribe();
            HostIdentity oldId = HostIdentity.generate(new SecureRandom());
            try (P2pHost old = P2pHost.builder().identity(oldId).listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).ioThreads(1).build()) {
                java.util.concurrent.CompletableFuture<Rpc> first = new java.util.concurrent.CompletableFuture<>();
                old.bind(GossipSub.MESHSUB_V10, stream -> stream.readMessage().whenComplete((m, e) -> {
                    if (e != null) {
                        first.completeExceptionally(e);
                    } else {
                        first.complete(RpcCodec.decode(m.orElseThrow(), RpcLimits.forMaxData(1024)));
                    }
                }));
                old.start().get(10, TimeUnit.SECONDS);
                old.connect(a.host.listenAddresses().get(0).withPeerId(a.host.peerId())).get(10, TimeUnit.SECONDS);
                Rpc rpc = first.get(30, TimeUnit.SECONDS);
                assertThat(rpc.subscriptions()).containsExactly(new Rpc.Subscription(true, TOPIC));
            }
        } finally {
            nodes.forEach(Node::close);
        }
    }

    @Test
    void iwantIsAnsweredFromTheCacheAndIhaveOfUnseenIdsIsAskedFor() throws Exception {
        List<Node> nodes = new ArrayList<>();
        try {
            Node a = Node.start(FAST);
            nodes.add(a);
            a.subscribe();
            HostIdentity rawId = HostIdentity.generate(new SecureRandom());
            try (P2pHost raw = P2pHost.builder().identity(rawId).listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).ioThreads(1).build()) {
                java.util.concurrent.LinkedBlockingQueue<Rpc> fromA = new java.util.concurrent.LinkedBlockingQueue<>();
                raw.bind(GossipSub.MESHSUB_V11, 1 << 20, stream -> readAll(stream, fromA));
                raw.start().get(10, TimeUnit.SECONDS);
                raw.connect(a.host.listenAddresses().get(0).withPeerId(a.host.peerId())).get(10, TimeUnit.SECONDS);
                MessageId id = a.gossip.publish(TOPIC, new byte[] {4, 5, 6}).get(10, TimeUnit.SECONDS).id();
                P2pStream toA = raw.newStream(a.host.peerId(), GossipSub.MESHSUB_V11).get(10, TimeUnit.SECONDS);
                toA.writeMessage(RpcCodec.encode(Rpc.ofControl(new Rpc.Control(List.of(), List.of(new Rpc.IWant(List.of(id))),
                        List.of(), List.of())))).get(10, TimeUnit.SECONDS);
                Rpc answer = poll(fromA, r -> !r.publish().isEmpty());
                assertThat(answer.publish().get(0).dataCopy()).containsExactly(4, 5, 6);
                assertThat(StrictSign.verify(answer.publish().get(0))).isEmpty();

                MessageId unseen = MessageId.of(new byte[] {1, 2, 3});
                toA.writeMessage(RpcCodec.encode(Rpc.ofControl(new Rpc.Control(List.of(new Rpc.IHave(TOPIC, List.of(unseen, id))),
                        List.of(), List.of(), List.of())))).get(10, TimeUnit.SECONDS);
                Rpc iwant = poll(fromA, r -> !r.control().iwant().isEmpty());
                assertThat(iwant.control().iwant().get(0).messageIds()).containsExactly(unseen);
            }
        } finally {
            nodes.forEach(Node::close);
        }
    }

    private static void readAll(P2pStream stream, java.util.concurrent.BlockingQueue<Rpc> into) {
        stream.readMessage().whenComplete((m, e) -> {
            if (e == null && m.isPresent()) {
                into.add(RpcCodec.decode(m.get(), RpcLimits.forMaxData(1 << 19)));
                readAll(stream, into);
            }
        });
    }

    private static Rpc poll(java.util.concurrent.BlockingQueue<Rpc> queue, java.util.function.Predicate<Rpc> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Rpc r = queue.poll(100, TimeUnit.MILLISECONDS);
            if (r != null && wanted.test(r)) {
                return r;
            }
        }
        throw new AssertionError("no such RPC within 30 s");
    }
}

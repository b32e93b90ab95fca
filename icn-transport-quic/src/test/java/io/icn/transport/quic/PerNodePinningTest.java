package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One client, two nodes with different certificates, each trusted only with its own ({@code pinnedNodes}). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PerNodePinningTest {

    private static final NodeCertificate OTHER_CERT = NodeCertificate.selfSigned("other-node", new SecureRandom());

    private final Cid cid = Fixtures.cid(41);
    private InMemoryShardStore storeA;
    private InMemoryShardStore storeB;
    private ShardServer a;
    private ShardServer b;
    private ShardClient client;

    @BeforeAll
    static void quic() {
        Fixtures.requireQuic();
    }

    @BeforeEach
    void twoNodes() {
        storeA = Fixtures.store();
        storeB = Fixtures.store();
        Fixtures.storeChunk(storeA, cid, 41, 20_000);
        Fixtures.storeChunk(storeB, cid, 41, 20_000);
        a = Fixtures.server(storeA).start();
        b = Fixtures.server(storeB).certificate(OTHER_CERT).start();
        assertThat(a.certificateFingerprint()).isNotEqualTo(b.certificateFingerprint());
    }

    @AfterEach
    void closeAll() {
        ShardTransferTest.close(client, a);
        ShardTransferTest.close(null, b);
        storeA.close();
        storeB.close();
    }

    @Test
    void eachNodeIsTrustedWithItsOwnCertificate() throws Exception {
        client = ShardClient.builder().pinnedNodes(Map.of(a.localAddress(), a.certificateFingerprint(),
                b.localAddress(), b.certificateFingerprint())).build();
        assertThat(client.has(a.localAddress(), cid).get(30, TimeUnit.SECONDS)).hasSize(14);
        assertThat(client.has(b.localAddress(), cid).get(30, TimeUnit.SECONDS)).hasSize(14);
    }

    @Test
    void aNodePresentingAnotherNodesPinnedCertificateIsRefused() {
        // Both fingerprints are pinned, each for the other node: every handshake offers a pinned certificate.
        client = ShardClient.builder().pinnedNodes(Map.of(a.localAddress(), b.certificateFingerprint(),
                b.localAddress(), a.certificateFingerprint())).build();
        assertRefused(client.has(a.localAddress(), cid), a.localAddress(), "is pinned for it");
        assertRefused(client.has(b.localAddress(), cid), b.localAddress(), "is pinned for it");
    }

    @Test
    void aNodeWithoutAPinIsRefusedWithoutConnecting() {
        client = ShardClient.builder().pinnedNodes(Map.of(a.localAddress(), a.certificateFingerprint())).build();
        assertRefused(client.has(b.localAddress(), cid), b.localAddress(), "no certificate fingerprint is pinned");
    }

    @Test
    void pinsChangeWhileTheClientRuns() throws Exception {
        client = ShardClient.builder().pinnedNodes(Map.of()).build();
        InetSocketAddress nodeA = a.localAddress();
        assertRefused(client.has(nodeA, cid), nodeA, "no certificate fingerprint is pinned");

        client.pinNode(nodeA, a.certificateFingerprint().toUpperCase(java.util.Locale.ROOT));
        assertThat(client.has(nodeA, cid).get(30, TimeUnit.SECONDS)).hasSize(14);

        // Re-pinned to B's certificate: the open connection is dropped and A is no longer trusted.
        client.pinNode(nodeA, b.certificateFingerprint());
        assertRefused(client.has(nodeA, cid), nodeA, "is pinned for it");

        client.pinNode(nodeA, a.certificateFingerprint());
        assertThat(client.has(nodeA, cid).get(30, TimeUnit.SECONDS)).hasSize(14);
        client.unpinNode(nodeA);
        assertRefused(client.has(nodeA, cid), nodeA, "no certificate fingerprint is pinned");
        assertThatThrownBy(() -> client.pinNode(nodeA, "abc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNodesOwnPinOverridesTheSharedOnes() throws Exception {
        // Both certificates may be presented by any node, except A, which must present B's.
        client = ShardClient.builder().pinnedFingerprints(List.of(a.certificateFingerprint(), b.certificateFingerprint()))
                .pinnedNodes(Map.of(a.localAddress(), b.certificateFingerprint())).build();
        assertRefused(client.has(a.localAddress(), cid), a.localAddress(), "is pinned for it");
        assertThat(client.has(b.localAddress(), cid).get(30, TimeUnit.SECONDS)).hasSize(14);
    }

    @Test
    void withOnlyPinnedNodesANodeAddedLaterIsTrustedAndAnUnlistedOneIsNot() throws Exception {
        // A third node C presents A's certificate, pinned for A only.
        InMemoryShardStore storeC = Fixtures.store();
        ShardServer c = null;
        try {
            Fixtures.storeChunk(storeC, cid, 41, 20_000);
            c = Fixtures.server(storeC).start(); // A's certificate
            client = ShardClient.builder().pinnedNodes(Map.of(a.localAddress(), a.certificateFingerprint())).build();
            assertThat(client.has(a.localAddress(), cid).get(30, TimeUnit.SECONDS)).hasSize(14);
            client.pinNode(b.localAddress(), b.certificateFingerprint());
            assertThat(client.has(b.localAddress(), cid).get(30, TimeUnit.SECONDS)).hasSize(14);
            // C is not pinned: refused before connecting, although its certificate is pinned (for A).
            assertRefused(client.has(c.localAddress(), cid), c.localAddress(), "no certificate fingerprint is pinned");
        } finally {
            ShardTransferTest.close(null, c);
            storeC.close();
        }
    }

    @Test
    void builderValidatesPins() {
        assertThatThrownBy(() -> ShardClient.builder().pinnedNodes(Map.of(new InetSocketAddress("127.0.0.1", 1), "zz")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRefused(CompletableFuture<?> request, InetSocketAddress node, String why) {
        assertThatThrownBy(() -> request.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(NodeIdentityException.class)
                .hasMessageContaining(node.toString()).hasMessageContaining(why)
                .satisfies(e -> assertThat(((NodeIdentityException) e).node()).isEqualTo(node));
    }
}

package io.icn.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.p2p.PeerId;
import io.icn.storage.Cid;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Kademlia between Java nodes over the real host (TCP, Noise, Yamux) on loopback. */
@Timeout(120)
class HostKadNetworkTest {
    private static final KadConfig CONFIG = KadConfig.builder().requestTimeout(Duration.ofSeconds(10))
            .queryTimeout(Duration.ofSeconds(30)).build();

    private static <T> T await(CompletableFuture<T> f) {
        return f.orTimeout(60, TimeUnit.SECONDS).join();
    }

    @Test
    void manifestsAndProvidersTravelBetweenJavaNodesOverTheHost() {
        try (HostDht dht = new HostDht()) {
            RecordValidators icn = RecordValidators.icn();
            for (int i = 0; i < 8; i++) {
                Kademlia k = dht.add(CONFIG, icn);
                if (i > 0) {
                    assertThat(await(k.bootstrap(BootstrapPeers.parse(List.of(dht.address(0)))))).isPositive();
                }
            }
            // Node 3 publishes a manifest signed by its own host identity; its peer id inlines the key.
            Kademlia publisher = dht.nodes.get(3);
            String peerId = dht.hosts.get(3).peerId().toString();
            ManifestRecord base = ManifestRecordTest.vector();
            Cid cid = Cid.ofRaw("over the host".getBytes(StandardCharsets.UTF_8));
            ManifestRecord m = ManifestRecord.unsigned(cid, 10, 4, 5, 45, base.shardSha256(), base.locations(),
                    base.quicCertSha256(), 1_765_000_000L, peerId).sign(dht.identities.get(3)::sign);
            try (ManifestDht manifests = new ManifestDht(publisher, c -> c.equals(cid) ? Optional.of(m) : Optional.empty(),
                    RepublishConfig.defaults(), dht.executor, System::nanoTime)) {
                ManifestDht.PublishResult r = await(manifests.publish(cid));
                assertThat(r.manifestAcks()).isEqualTo(7);
                assertThat(r.providerAcks()).isEqualTo(7);
                for (Kademlia k : dht.nodes) {
                    assertThat(ManifestRecord.parse(await(k.getValue(RecordKeys.manifestKey(cid))).value())).isEqualTo(m);
                    assertThat(await(k.getValue(RecordKeys.legacyManifestKey(cid))).value()).isEqualTo(m.toJson());
                    List<KadPeer> providers = await(k.findProviders(RecordKeys.providerKey(cid), 1));
                    assertThat(providers).extracting(KadPeer::peerId).containsExactly(dht.hosts.get(3).peerId());
                    assertThat(providers.get(0).multiaddrs()).isNotEmpty();
                }
            }
            // A manifest whose signature is not its publisher's is refused by every peer.
            ManifestRecord forged = ManifestRecord.unsigned(cid, 10, 4, 5, 45, base.shardSha256(), base.locations(),
                    base.quicCertSha256(), 1_765_000_001L, peerId).sign(dht.identities.get(4)::sign);
            assertThatThrownBy(() -> await(dht.nodes.get(5).putValue(RecordKeys.manifestKey(cid), forged.toJson())))
                    .hasCauseInstanceOf(RecordRejectedException.class);
            PeerId someone = dht.hosts.get(6).peerId();
            assertThat(await(dht.nodes.get(1).findPeer(someone.toBytes()))).map(KadPeer::peerId).contains(someone);
        }
    }

    @Test
    void badBootstrapEntriesAreConfigurationErrorsNamingThem() {
        assertThatThrownBy(() -> BootstrapPeers.parse(List.of("/ip4/127.0.0.1/tcp/4001")))
                .isInstanceOf(KadConfigurationException.class).hasMessageContaining("'/ip4/127.0.0.1/tcp/4001'")
                .hasMessageContaining("/p2p/<peer id>");
        assertThatThrownBy(() -> BootstrapPeers.parse(List.of("not-a-multiaddr")))
                .isInstanceOf(KadConfigurationException.class).hasMessageContaining("'not-a-multiaddr'");
        assertThatThrownBy(() -> BootstrapPeers.parse(List.of("/p2p/12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5")))
                .isInstanceOf(KadConfigurationException.class).hasMessageContaining("no address");
        List<KadPeer> peers = BootstrapPeers.parse(List.of(
                "/ip4/10.0.0.1/tcp/4001/p2p/12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5",
                "/dns4/boot.example/tcp/4001/p2p/12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5"));
        assertThat(peers).hasSize(1);
        assertThat(peers.get(0).multiaddrs()).extracting(Object::toString)
                .containsExactly("/ip4/10.0.0.1/tcp/4001", "/dns4/boot.example/tcp/4001");
    }
}

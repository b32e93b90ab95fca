package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.chain.local.LocalChain;
import io.icn.p2p.PeerInfo;
import io.icn.p2p.kad.KadPeer;
import io.icn.p2p.kad.ManifestRecord;
import io.icn.storage.Cid;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes on one shared {@link LocalChain}, on the libp2p network over loopback: B bootstraps from A, C from B.
 * A put on A publishes the chunk's manifest; C, which was only told of B, finds it in the DHT (signatures
 * verified, locations naming A's QUIC address), finds A among the CID's providers and as the CID's QUIC holder;
 * cleanup on A withdraws it.
 */
@Timeout(120)
class NetworkEndToEndTest {
    private static final long DEAL_BLOCKS = 20;

    @TempDir
    Path tmp;

    @Test
    void aPutIsPublishedFoundFromAnotherNodeAndWithdrawnByCleanup() throws Exception {
        List<SuperNode> nodes = new ArrayList<>();
        try (LocalChain chain = LocalChain.builder().random(new SplittableRandom(13)).automaticAudits(false).build()) {
            try {
                List<String> bootstrap = List.of();
                for (int i = 0; i < 3; i++) {
                    NodeConfig base = TestNodes.config(tmp.resolve("node-" + i));
                    NodeConfig config = base.withNetwork(base.network().withEnabled(true).withBootstrapPeers(bootstrap))
                            .withIngest(base.ingest().withDealBlocks(DEAL_BLOCKS))
                            .withCleanup(new ServiceConfig.Cleanup(1_000_000));
                    SuperNode node = SuperNode.builder(config).chain(chain).random(new SplittableRandom(i))
                            .calibrateKernels(false).build();
                    nodes.add(node);
                    node.start();
                    NetworkService net = node.network().orElseThrow();
                    assertThat(net.peerId()).startsWith("12D3KooW");
                    assertThat(net.listenAddresses()).allSatisfy(a -> assertThat(a)
                            .matches("/ip4/127\\.0\\.0\\.1/tcp/[1-9][0-9]*/p2p/" + net.peerId()));
                    bootstrap = net.listenAddresses();
                }
                SuperNode a = nodes.get(0);
                SuperNode c = nodes.get(2);
                NetworkService netA = a.network().orElseThrow();
                NetworkService netC = c.network().orElseThrow();
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (netA.routingTableSize() < 1 || netC.routingTableSize() < 1) {
                    assertThat(System.nanoTime()).as("routing tables not filled in 30 s").isLessThan(deadline);
                    Thread.sleep(50);
                }
                List<PeerInfo> peersOfC = netC.peers();
                assertThat(peersOfC).isNotEmpty();
                assertThat(peersOfC).anySatisfy(p -> assertThat(p.agentVersion()).startsWith("icn-super-node/"));

                byte[] file = new byte[300_000];
                new SplittableRandom(7).nextBytes(file);
                ChunkIngest.IngestReport report = a.ingest().ingest(new ByteArrayInputStream(file), DEAL_BLOCKS);
                Cid cid = Cid.parse(report.chunks().get(0).cid());
                assertThat(netA.holds(cid)).isTrue();

                ManifestRecord manifest = netC.manifestOf(cid).get(30, TimeUnit.SECONDS);
                manifest.verify(a.identity().account().bytes());
                assertThat(manifest.cid()).isEqualTo(cid);
                assertThat(manifest.publisherPeerId()).isEqualTo(netA.peerId());
                assertThat(manifest.locations()).containsExactly(
                        "/ip4/127.0.0.1/udp/" + a.quicAddress().getPort() + "/quic-v1");
                assertThat(manifest.quicCertSha256()).isEqualTo(a.quicFingerprint());
                assertThat(manifest.k() + manifest.m()).isEqualTo(14);
                assertThat(manifest.originalLength()).isEqualTo(file.length);
                assertThat(manifest.shardSha256()).hasSize(14);

                List<String> providers = new ArrayList<>();
                deadline = System.nanoTime() + 30_000_000_000L;
                while (!providers.contains(netA.peerId())) {
                    assertThat(System.nanoTime()).as("A not among the providers in 30 s: %s", providers)
                            .isLessThan(deadline);
                    providers = netC.providers(cid, 20).get(30, TimeUnit.SECONDS).stream()
                            .map(p -> p.peerId().toString()).toList();
                }

                // C finds A as a QUIC holder through the DHT: the manifest's location, and A as a provider the
                // chain's registry knows; the entries agree, so A is named once.
                String aHolder = "127.0.0.1:" + a.quicAddress().getPort() + "#" + a.quicFingerprint();
                assertThat(netC.quicHolders(cid, chain.nodeEndpoints()).get(30, TimeUnit.SECONDS))
                        .containsExactly(aHolder);
                assertThat(netC.quicHolders(cid, List.of()).get(30, TimeUnit.SECONDS)).as("from the manifest alone")
                        .containsExactly(aHolder);
                assertThat(netA.quicHolders(cid, chain.nodeEndpoints()).get(30, TimeUnit.SECONDS))
                        .as("a node leaves itself out").isEmpty();

                // The deal expires; cleanup (a pass of A's schedule at the first block it sees past the expiry, or
                // this one) deletes the chunk and withdraws its manifest.
                chain.produceBlocks(DEAL_BLOCKS + 1);
                deadline = System.nanoTime() + 30_000_000_000L;
                a.cleanup().runNow(false);
                while (a.store().contains(cid)) {
                    assertThat(System.nanoTime()).as("cleanup did not delete %s in 30 s", cid).isLessThan(deadline);
                    chain.produceBlock();
                    Thread.sleep(100);
                    a.cleanup().runNow(false);
                }
                assertThat(netA.holds(cid)).isFalse();
            } finally {
                for (int i = nodes.size() - 1; i >= 0; i--) {
                    nodes.get(i).close();
                }
            }
        }
    }
}

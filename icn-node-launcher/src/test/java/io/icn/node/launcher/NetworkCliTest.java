package io.icn.node.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.node.NetworkService;
import io.icn.node.SuperNode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network's operator commands against running nodes: A, and B which bootstraps from A over loopback. A's
 * {@code status} shows its peer id and full listen multiaddrs, {@code peers} lists B with its agent and protocols;
 * a chunk put on B is found through A by {@code dht get /icn/manifest/<cid>} and {@code dht providers <cid>}.
 */
@Timeout(120)
class NetworkCliTest {
    @TempDir
    Path tmp;

    @Test
    void statusPeersAndDhtQueriesThroughTheRunningNode() throws Exception {
        NodeLauncher a = launcher(NodeHttpTest.testConfig(tmp.resolve("a")));
        NodeLauncher b = null;
        try {
            a.start();
            NetworkService netA = a.node().network().orElseThrow();
            b = launcher(NodeHttpTest.testConfig(tmp.resolve("b"),
                    "bootstrap_peers = [\"" + netA.listenAddresses().get(0) + "\"]"));
            b.start();
            NetworkService netB = b.node().network().orElseThrow();
            Path configFile = Files.writeString(tmp.resolve("a.toml"), "admin_bind = \"127.0.0.1\"\nadmin_port = "
                    + a.adminAddress().getPort() + "\n");

            String status = NodeHttpTest.cli("status", "--config", configFile.toString());
            assertThat(status).contains("\"peer_id\":\"" + netA.peerId() + "\"",
                    "/ip4/127.0.0.1/tcp/", "/p2p/" + netA.peerId(), "\"enabled\":true");

            long deadline = System.nanoTime() + 30_000_000_000L;
            while (netA.routingTableSize() < 1 || netB.routingTableSize() < 1) {
                assertThat(System.nanoTime()).as("routing tables not filled in 30 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(NodeHttpTest.cli("peers", "--config", configFile.toString()))
                    .contains("\"peer_id\":\"" + netB.peerId() + "\"", "\"agent\":\"icn-super-node/", "/ipfs/kad/1.0.0");

            byte[] chunk = new byte[100_000];
            new SplittableRandom(3).nextBytes(chunk);
            SuperNode nodeB = b.node();
            String cid = nodeB.ingest().ingest(new ByteArrayInputStream(chunk), 100).chunks().get(0).cid();

            assertThat(NodeHttpTest.cli("dht", "get", "--config", configFile.toString(), "/icn/manifest/" + cid))
                    .contains("\\\"cid\\\":\\\"" + cid + "\\\"", netB.peerId());
            String providers = "";
            deadline = System.nanoTime() + 30_000_000_000L;
            while (!providers.contains(netB.peerId())) {
                assertThat(System.nanoTime()).as("B not among the providers in 30 s: %s", providers).isLessThan(deadline);
                providers = NodeHttpTest.cli("dht", "providers", "--config", configFile.toString(), cid);
            }
            assertThat(Main.execute("dht", "providers", "--config", configFile.toString(), "not-a-cid")).isNotZero();
        } finally {
            if (b != null) {
                b.close();
            }
            a.close();
        }
    }

    private static NodeLauncher launcher(LauncherConfig config) {
        return new NodeLauncher(config, c -> SuperNode.builder(c).random(new SplittableRandom(42)).calibrateKernels(false));
    }
}

package io.icn.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.chain.AuditStatus;
import io.icn.chain.PinningAudit;
import io.icn.node.SuperNode;
import io.icn.transport.quic.ShardClient;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: three {@link SuperNode}s of {@code icn-node} alone (the launcher is not on this module's classpath)
 * on one shared chain, through {@link LocalCluster}. A put through node 0's ingest (node 0 its own director) is
 * replicated to the other two by their replicators; an audit on each node is answered by that node's own audit
 * monitor and passes; each node serves the content back bit for bit; once the deals expire, each node's own
 * cleanup, run by the blocks, removes every chunk.
 */
@Timeout(180)
class ThreeSuperNodesEndToEndTest {
    private static final int CONTENT_BYTES = (5 << 20) + 12_345;
    // Long enough to outlive every wait below (a block every 50 ms while waiting; at a load of 20 replication alone
    // took over 200 blocks, the deals expired and their withdrawn assignments looked like replication done); the
    // expiry phase reaches it with one produceBlocks call.
    private static final long DEAL_BLOCKS = LocalCluster.DEFAULT_DEAL_BLOCKS;

    @TempDir
    Path tmp;

    @Test
    void theLauncherIsNotOnTheClasspath() {
        assertThatThrownBy(() -> Class.forName("io.icn.node.launcher.Main"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(SuperNode.class.getPackageName()).isEqualTo("io.icn.node");
    }

    @Test
    void putReplicationAuditsFetchExpiryAndCleanupOnThreeRealNodes() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().nodes(3).root(tmp).chunkBytes(1 << 20)
                .cleanupIntervalBlocks(25).build()) {
            // Every node registered itself and its QUIC endpoint on the shared chain.
            assertThat(cluster.chain().nodeEndpoints()).hasSize(3);
            for (ClusterNode node : cluster.nodes()) {
                assertThat(cluster.chain().endpoint(node.account()).orElseThrow().certificateFingerprint())
                        .isEqualTo(node.certificateFingerprint());
                assertThat(cluster.chain().standing(node.account()).region()).isEqualTo(node.region());
            }

            byte[] content = new byte[CONTENT_BYTES];
            new SplittableRandom(12).nextBytes(content);
            List<StoredChunk> chunks = cluster.ingest(0, content, DEAL_BLOCKS);
            assertThat(chunks).hasSize(6);
            for (StoredChunk c : chunks) {
                assertThat(cluster.node(1).store().contains(c.cid())).isFalse();
            }

            // Blocks wake the replicators of nodes 1 and 2, which pull every shard from node 0.
            for (StoredChunk c : chunks) {
                cluster.awaitReplication(c, Duration.ofSeconds(60));
            }
            for (ClusterNode node : cluster.nodes()) {
                for (StoredChunk c : chunks) {
                    assertThat(node.store().meta(c.cid()).orElseThrow().shards()).as("%s on %s", c.cid(), node)
                            .hasSize(14);
                    assertThat(cluster.chain().pinnersOf(c.deal().id())).contains(node.account());
                }
            }
            for (ClusterNode node : cluster.nodes().subList(1, 3)) {
                assertThat(node.superNode().meterRegistry().get("icn_super_node_replication_shards").counter().count())
                        .as("shards replicated to %s", node).isEqualTo(14.0 * chunks.size());
            }

            // One audit per node, a data shard on one, parity on the others: each answered by the node's own monitor.
            List<PinningAudit> audits = new ArrayList<>();
            int[] shards = {3, 12, 7};
            for (int n = 0; n < 3; n++) {
                audits.add(cluster.audit(n, chunks.get(n + 1).shardHashes().get(shards[n])));
            }
            for (int n = 0; n < 3; n++) {
                PinningAudit decided = cluster.awaitDecided(audits.get(n), Duration.ofSeconds(30));
                assertThat(decided.status()).as("audit of node %d", n).isEqualTo(AuditStatus.PASSED);
                assertThat(decided.pinner()).isEqualTo(cluster.node(n).account());
            }

            // Each node alone serves the whole content back.
            for (ClusterNode node : cluster.nodes()) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                try (ShardClient relay = ShardClient.builder()
                        .pinnedFingerprints(List.of(node.certificateFingerprint())).build()) {
                    for (StoredChunk c : chunks) {
                        got.writeBytes(relay.fetchChunk(List.of(node.address()), c.cid()).get(30, TimeUnit.SECONDS));
                    }
                }
                assertThat(Arrays.equals(got.toByteArray(), content)).as("bytes from %s", node).isTrue();
            }

            // The deals expire; each node's cleanup, every 25 blocks, deletes the chunks and their directories.
            long expiry = chunks.get(0).deal().expiresAt();
            cluster.produceBlocks(expiry - cluster.currentBlock());
            cluster.produceBlocksUntil(() -> nothingLeft(cluster, chunks), Duration.ofSeconds(60));
            for (ClusterNode node : cluster.nodes()) {
                for (StoredChunk c : chunks) {
                    assertThat(node.storageRoot().orElseThrow().resolve(c.cid().toString())).doesNotExist();
                }
                assertThat(node.superNode().cleanup().runNow(false).deleted()).as("left on %s", node).isEmpty();
            }
        }
    }

    private static boolean nothingLeft(LocalCluster cluster, List<StoredChunk> chunks) {
        for (ClusterNode node : cluster.nodes()) {
            for (StoredChunk c : chunks) {
                if (node.store().contains(c.cid())) {
                    return false;
                }
            }
        }
        return true;
    }
}

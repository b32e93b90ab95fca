package io.icn.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.chain.AuditStatus;
import io.icn.chain.PinningAudit;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;
import io.icn.node.SuperNode;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ShardInfo;
import io.icn.storage.StoreClosedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalClusterTest {

    @TempDir
    Path tempDir;

    private static byte[] chunk(long seed, int length) {
        byte[] b = new byte[length];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void chunkPutOnNodeZeroIsFetchedFromAllThreeNodesAfterLosingFourShards() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().nodes(3).root(tempDir).build()) {
            byte[] chunk = chunk(1, 1_000_003);
            StoredChunk stored = cluster.putChunk(chunk, Placement.onNode(0));
            assertThat(stored.shardsOn(0)).hasSize(14);
            assertThat(cluster.node(1).store().contains(stored.cid())).isFalse();

            cluster.removeShards(0, stored.cid(), 0, 5, 11, 13);
            assertThat(cluster.node(0).store().meta(stored.cid()).orElseThrow().shards())
                    .extracting(ShardInfo::index).containsExactly(1, 2, 3, 4, 6, 7, 8, 9, 10, 12);

            byte[] fetched = cluster.client().fetchChunk(cluster.addresses(), stored.cid()).get(30, TimeUnit.SECONDS);
            assertThat(fetched).isEqualTo(chunk);
        }
    }

    @Test
    void spreadChunkNeedsEveryNodeAndSurvivesFourLostShards() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().nodes(3).root(tempDir).build()) {
            byte[] chunk = chunk(2, 700_001);
            StoredChunk stored = cluster.putChunk(chunk, Placement.spread());
            assertThat(stored.shardsOn(0)).containsExactly(0, 3, 6, 9, 12);
            assertThat(stored.shardsOn(1)).containsExactly(1, 4, 7, 10, 13);
            assertThat(stored.shardsOn(2)).containsExactly(2, 5, 8, 11);

            cluster.removeShards(0, stored.cid(), 0, 3);   // data shards on node 0
            cluster.removeShards(1, stored.cid(), 13);     // parity on node 1
            cluster.removeShards(2, stored.cid(), 5);      // data on node 2
            // 10 remain: 6, 9, 12 | 1, 4, 7, 10 | 2, 8, 11 — every node must serve.
            assertThat(cluster.client().has(cluster.node(0).address(), stored.cid()).get(30, TimeUnit.SECONDS))
                    .containsExactly(6, 9, 12);
            assertThat(cluster.client().has(cluster.node(2).address(), stored.cid()).get(30, TimeUnit.SECONDS))
                    .containsExactly(2, 8, 11);

            byte[] fetched = cluster.client().fetchChunk(cluster.addresses(), stored.cid()).get(30, TimeUnit.SECONDS);
            assertThat(fetched).isEqualTo(chunk);
        }
    }

    @Test
    void nodesSitInDistinctRegionsAndTheDealPinsTheHashesTheStoresRecorded() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().nodes(3).root(tempDir).build()) {
            assertThat(cluster.nodes()).extracting(ClusterNode::region)
                    .containsExactly(Region.NA_WEST, Region.NA_EAST, Region.EU_WEST);
            assertThat(cluster.addresses()).allSatisfy(a -> {
                assertThat(a.getAddress().isLoopbackAddress()).isTrue();
                assertThat(a.getPort()).isPositive();
            });
            assertThat(cluster.certificateFingerprints()).doesNotHaveDuplicates();
            assertThat(cluster.node(2).storageRoot()).contains(tempDir.resolve("node-2"));

            StoredChunk stored = cluster.putChunk(chunk(3, 300_000), Placement.everywhere(), 500);
            assertThat(stored.deal().shards()).isEqualTo(stored.shardHashes());
            assertThat(stored.deal().expiresAt()).isEqualTo(500);
            assertThat(cluster.chain().pinnersOf(stored.deal().id()))
                    .containsExactlyInAnyOrderElementsOf(cluster.nodes().stream().map(ClusterNode::account).toList());
            for (ClusterNode node : cluster.nodes()) {
                ChunkMeta meta = node.store().meta(stored.cid()).orElseThrow();
                assertThat(meta.dealId()).isEqualTo(stored.deal().id().toHex());
                assertThat(meta.expiryBlock()).isEqualTo(500);
                List<ShardHash> recorded = meta.shards().stream().map(s -> new ShardHash(s.merkleRoot())).toList();
                assertThat(recorded).isEqualTo(stored.shardHashes());
                assertThat(node.chainClient().shardAssignments())
                        .containsExactlyInAnyOrderElementsOf(stored.shardHashes());
            }
        }
    }

    @Test
    void auditIsAnsweredByTheNodesOwnMonitorAndPasses() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().nodes(3).root(tempDir).build()) {
            StoredChunk stored = cluster.putChunk(chunk(4, 200_000), Placement.onNode(1));
            ClusterNode node = cluster.node(1);
            long reputation = node.chainClient().standing().reputation();

            PinningAudit issued = cluster.audit(1, stored.shardHashes().get(7));
            PinningAudit decided = cluster.awaitDecided(issued, Duration.ofSeconds(30));

            assertThat(decided.status()).isEqualTo(AuditStatus.PASSED);
            assertThat(node.chainClient().standing().reputation()).isEqualTo(reputation + 10);
        }
    }

    @Test
    void hashSchemeVerifiesProofsAgainstTheDirectorsCopyWithInMemoryStores() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().nodes(2).inMemoryStores()
                .proofScheme(ProofScheme.hash()).build()) {
            assertThat(cluster.node(0).storageRoot()).isEmpty();
            StoredChunk stored = cluster.putChunk(chunk(5, 50_000), Placement.spread());
            PinningAudit issued = cluster.audit(0, stored.shardHashes().get(4));
            assertThat(cluster.awaitDecided(issued, Duration.ofSeconds(30)).status()).isEqualTo(AuditStatus.PASSED);

            // A node's own put: the chain checks the proof against a stored copy that hashes to the audited value.
            StoredChunk own = cluster.ingest(1, chunk(55, 40_000)).get(0);
            PinningAudit onOwn = cluster.audit(1, own.shardHashes().get(11));
            assertThat(cluster.awaitDecided(onOwn, Duration.ofSeconds(30)).status()).isEqualTo(AuditStatus.PASSED);
        }
    }

    @Test
    void replicatorsPullWhatThePlacementLeftOutAndRestoreLostShards() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().nodes(3).inMemoryStores().build()) {
            byte[] chunk = chunk(7, 300_001);
            StoredChunk stored = cluster.putChunk(chunk, Placement.onNode(0));
            assertThat(cluster.node(2).store().contains(stored.cid())).isFalse();

            cluster.awaitReplication(stored, Duration.ofSeconds(40));
            for (ClusterNode node : cluster.nodes()) {
                assertThat(node.store().meta(stored.cid()).orElseThrow().shards()).as("%s", node).hasSize(14);
            }
            assertThat(cluster.node(2).superNode().meterRegistry().get("icn_super_node_replication_shards")
                    .counter().count()).isEqualTo(14.0);

            // A node that loses shards gets them back from its replicator on the next blocks.
            cluster.removeShards(1, stored.cid(), 2, 12);
            assertThat(cluster.node(1).store().containsShard(stored.cid(), 2)).isFalse();
            cluster.awaitReplication(stored, Duration.ofSeconds(40));
            assertThat(cluster.node(1).store().readShard(stored.cid(), 12))
                    .isEqualTo(cluster.node(0).store().readShard(stored.cid(), 12));
        }
    }

    @Test
    void awaitingReplicationOfAChunkWhoseDealEndedIsAnErrorNotReplicationDone() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().nodes(2).inMemoryStores().build()) {
            StoredChunk stored = cluster.putChunk(chunk(8, 50_000), Placement.onNode(0), 2);
            cluster.produceBlocks(3); // the deal expires and its assignments are withdrawn before node 1 replicates
            assertThatThrownBy(() -> cluster.awaitReplication(stored, Duration.ofSeconds(10)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(stored.cid().toString())
                    .hasMessageContaining("EXPIRED")
                    .hasMessageContaining("too short");
        }
    }

    @Test
    void ingestThroughANodeCutsChunksAndMakesTheNodeItsOwnDirector() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().nodes(2).inMemoryStores().chunkBytes(100_000).build()) {
            byte[] content = chunk(8, 250_000);
            List<StoredChunk> chunks = cluster.ingest(1, content, 300);
            assertThat(chunks).hasSize(3);
            assertThat(chunks).extracting(c -> c.spec().originalLength()).containsExactly(100_000L, 100_000L, 50_000L);
            for (StoredChunk c : chunks) {
                assertThat(c.deal().expiresAt()).isEqualTo(cluster.currentBlock() + 300);
                assertThat(c.deal().shards()).isEqualTo(c.shardHashes());
                assertThat(c.shardsOn(1)).hasSize(14);
                assertThat(cluster.chain().pinnersOf(c.deal().id())).contains(cluster.node(1).account());
            }
            byte[] first = cluster.client().fetchChunk(List.of(cluster.node(1).address()), chunks.get(0).cid())
                    .get(30, TimeUnit.SECONDS);
            assertThat(first).isEqualTo(Arrays.copyOf(content, 100_000));
            assertThatThrownBy(() -> cluster.ingest(0, new byte[0])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("empty");
            assertThatThrownBy(() -> cluster.ingest(0, content, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dealBlocks");
        }
    }

    @Test
    void waitingForWhatNeverHappensTimesOutNamingTheBlocks() {
        try (LocalCluster cluster = LocalCluster.builder().nodes(1).inMemoryStores().build()) {
            assertThatThrownBy(() -> cluster.produceBlocksUntil(() -> false, Duration.ofMillis(300)))
                    .isInstanceOf(ClusterTimeoutException.class).hasMessageContaining("300 ms")
                    .hasMessageContaining("blocks 0..");
            assertThat(cluster.currentBlock()).isPositive();
            assertThatThrownBy(() -> cluster.produceBlocksUntil(() -> true, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void putRefusesWhatTheChainOrTheStoresWouldRefuse() {
        try (LocalCluster cluster = LocalCluster.builder().nodes(2).inMemoryStores().build()) {
            assertThatThrownBy(() -> cluster.putChunk(new byte[0], Placement.spread()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
            assertThatThrownBy(() -> cluster.putChunk(new byte[1000], Placement.spread()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not all different");
            assertThatThrownBy(() -> cluster.putChunk(chunk(6, 1000), Placement.onNode(2)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 2");
            assertThatThrownBy(() -> cluster.putChunk(chunk(6, 1000), Placement.byShard(0, 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 shard(s)");

            StoredChunk stored = cluster.putChunk(chunk(6, 1000), Placement.onNode(0));
            assertThatThrownBy(() -> cluster.putChunk(chunk(6, 1000), Placement.onNode(0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already holds");
            assertThatThrownBy(() -> cluster.removeShards(1, stored.cid(), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 1");
        }
    }

    @Test
    void closeStopsEverythingOnceAndLaterUseThrows() throws Exception {
        LocalCluster cluster = LocalCluster.builder().nodes(2).root(tempDir).build();
        List<ClusterNode> nodes = cluster.nodes();
        cluster.client();
        cluster.node(1).superNode().close(); // taking a node off the network early is allowed
        cluster.close();
        cluster.close();

        for (ClusterNode node : nodes) {
            assertThat(node.superNode().state()).isEqualTo(SuperNode.State.STOPPED);
            assertThatThrownBy(() -> node.store().list()).isInstanceOf(StoreClosedException.class);
        }
        assertThatThrownBy(() -> nodes.get(0).chainClient().currentBlock()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(cluster::addresses).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(cluster::client).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cluster.produceBlocks(1)).isInstanceOf(IllegalStateException.class);
        // The stores' files stay for the caller's temporary directory to remove.
        assertThat(Files.isDirectory(tempDir.resolve("node-0"))).isTrue();
    }

    @Test
    void inMemoryNodesKeepTheirKeysInATemporaryDirectoryTheClusterDeletes() {
        Path keys;
        LocalCluster cluster = LocalCluster.builder().nodes(2).inMemoryStores().build();
        try {
            keys = cluster.node(0).superNode().config().storagePath().getParent();
            assertThat(keys.getFileName().toString()).startsWith("icn-local-cluster-");
            assertThat(keys.resolve("node-1")).isDirectory();
        } finally {
            cluster.close();
        }
        assertThat(keys).doesNotExist();
    }

    @Test
    void identitiesAreTheSameOnEveryRun() {
        List<io.icn.chain.AccountId> first;
        try (LocalCluster cluster = LocalCluster.builder().nodes(2).inMemoryStores().build()) {
            first = cluster.nodes().stream().map(ClusterNode::account).toList();
        }
        try (LocalCluster cluster = LocalCluster.builder().nodes(2).root(tempDir).build()) {
            assertThat(cluster.nodes().stream().map(ClusterNode::account).toList()).isEqualTo(first);
            assertThat(first.get(0)).isNotEqualTo(first.get(1));
        }
    }

    @Test
    void builderValidatesItsOptions() {
        assertThatThrownBy(() -> LocalCluster.builder().nodes(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> LocalCluster.builder().nodes(8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one per region");
        assertThatThrownBy(() -> LocalCluster.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("root(...) or inMemoryStores()");
        assertThatThrownBy(() -> Placement.byShard(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sevenNodesTakeEveryRegion() {
        try (LocalCluster cluster = LocalCluster.builder().nodes(7).inMemoryStores().build()) {
            Set<Region> regions = cluster.nodes().stream().map(ClusterNode::region)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(regions).containsExactly(Region.values());
        }
    }
}

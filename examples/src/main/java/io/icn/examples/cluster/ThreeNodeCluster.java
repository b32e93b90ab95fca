package io.icn.examples.cluster;

import io.icn.chain.PinningAudit;
import io.icn.chain.local.LocalChain;
import io.icn.testing.ClusterNode;
import io.icn.testing.LocalCluster;
import io.icn.testing.Placement;
import io.icn.testing.StoredChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A whole ICN storage network in one JVM with {@code icn-test-support}'s {@link LocalCluster}: three real
 * super-nodes ({@code icn-node}'s {@code SuperNode}: a file shard store, a QUIC server on loopback, an audit
 * monitor, a replicator, cleanup and ingest each) on one embedded local chain whose blocks this program
 * produces by hand. The nodes do the rest themselves, as deployed nodes do:
 * <ol>
 *   <li>a director puts a chunk, its shards spread over the three nodes; with the next blocks each node's
 *       replicator pulls the shards it lacks from the others;</li>
 *   <li>node 0 takes an upload through its own ingest (as {@code icn-node put} does), as its own director;</li>
 *   <li>the chain audits node 0 and node 2; their audit monitors answer from their stores, and the proofs pass;</li>
 *   <li>a reward block pays the nodes; a relay fetches the chunk back over QUIC from the three;</li>
 *   <li>the upload's deals expire, and each node's cleanup deletes it.</li>
 * </ol>
 *
 * <pre>
 * java -cp ... io.icn.examples.cluster.ThreeNodeCluster
 * </pre>
 */
public final class ThreeNodeCluster {
    private static final int CHUNK_BYTES = 8 << 20;
    private static final int UPLOAD_BYTES = (5 << 20) / 2;
    /** Outlives the waits before step 5 (each produces a block every 50 ms); step 5 reaches it in one call. */
    private static final long UPLOAD_DEAL_BLOCKS = 3_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private ThreeNodeCluster() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory("icn-three-node-cluster-");
        try (LocalCluster cluster = LocalCluster.builder().nodes(3).root(root).chunkBytes(1 << 20)
                .cleanupIntervalBlocks(50).build()) {
            for (ClusterNode node : cluster.nodes()) {
                System.out.printf("node %d: %-7s %s  account %s...%n", node.index(), node.region().wireName(),
                        node.address(), node.account().toHex().substring(0, 16));
            }

            // 1. A director's chunk, spread; the replicators complete it on every node.
            byte[] chunk = new byte[CHUNK_BYTES];
            new SplittableRandom(5).nextBytes(chunk);
            StoredChunk stored = cluster.putChunk(chunk, Placement.spread());
            System.out.printf("director put %,d bytes as %s%n", chunk.length, stored.cid());
            System.out.printf("  deal %s..., expires at block %d, assigned to %d nodes%n",
                    stored.deal().id().toHex().substring(0, 16), stored.deal().expiresAt(),
                    cluster.chain().pinnersOf(stored.deal().id()).size());
            for (int n = 0; n < cluster.size(); n++) {
                System.out.printf("  node %d given shards %s%n", n, stored.shardsOn(n));
            }
            cluster.awaitReplication(stored, WAIT);
            for (ClusterNode node : cluster.nodes()) {
                int held = node.store().meta(stored.cid()).orElseThrow().shards().size();
                System.out.printf("block %d: node %d holds %d shards, %d replicated from the others%n",
                        cluster.currentBlock(), node.index(), held, (long) replicated(node));
            }

            // 2. An upload through node 0's own ingest: node 0 cuts it into chunks and makes their deals.
            byte[] upload = new byte[UPLOAD_BYTES];
            new SplittableRandom(6).nextBytes(upload);
            List<StoredChunk> uploaded = cluster.ingest(0, upload, UPLOAD_DEAL_BLOCKS);
            System.out.printf("node 0 ingested a %,d-byte upload as %d chunks, deals until block %d%n", upload.length,
                    uploaded.size(), uploaded.get(0).deal().expiresAt());
            for (StoredChunk c : uploaded) {
                cluster.awaitReplication(c, WAIT);
            }
            System.out.printf("block %d: the upload is on all three nodes%n", cluster.currentBlock());

            // 3. Audits, answered by the nodes' own monitors.
            for (int n : new int[] {0, 2}) {
                ClusterNode node = cluster.node(n);
                long reputation = node.chainClient().standing().reputation();
                PinningAudit audit = cluster.audit(n, stored.shardHashes().get(3 + n));
                System.out.printf("chain audits node %d on shard %d: bytes [%d, +%d), deadline block %d%n", n, 3 + n,
                        audit.challenge().byteOffset(), audit.challenge().byteLength(), audit.deadline());
                PinningAudit decided = cluster.awaitDecided(audit, WAIT);
                System.out.printf("block %d: audit %s (answered by node %d's audit monitor), reputation %d -> %d%n",
                        cluster.currentBlock(), decided.status(), n, reputation,
                        node.chainClient().standing().reputation());
            }

            // 4. A reward block, and a relay's fetch from the three nodes.
            long interval = LocalChain.REWARD_INTERVAL_BLOCKS;
            long rewardBlock = (cluster.currentBlock() / interval + 1) * interval;
            cluster.produceBlocks(rewardBlock - cluster.currentBlock());
            System.out.printf("block %d (a reward block): node 0 free balance %s%n", cluster.currentBlock(),
                    cluster.node(0).chainClient().standing().freeBalance());
            long start = System.nanoTime();
            byte[] back = cluster.client().fetchChunk(cluster.addresses(), stored.cid()).get(60, TimeUnit.SECONDS);
            System.out.printf("fetched the chunk back over QUIC from 3 nodes in %.1f ms: %s%n",
                    (System.nanoTime() - start) / 1e6, Arrays.equals(back, chunk) ? "identical" : "MISMATCH");
            if (!Arrays.equals(back, chunk)) {
                throw new IllegalStateException("the fetched chunk differs from the one put");
            }

            // 5. The upload's deals expire; each node's cleanup (every 50 blocks) deletes it.
            long expiry = uploaded.get(0).deal().expiresAt();
            if (cluster.currentBlock() < expiry) {
                cluster.produceBlocks(expiry - cluster.currentBlock());
            }
            cluster.produceBlocksUntil(() -> cluster.nodes().stream().noneMatch(
                    node -> uploaded.stream().anyMatch(c -> node.store().contains(c.cid()))), WAIT);
            boolean chunkStays = cluster.nodes().stream().allMatch(n -> n.store().contains(stored.cid()));
            System.out.printf("block %d: the upload's deals ended at block %d; the nodes' cleanup deleted it"
                    + " everywhere, the director's chunk (until block %d) stays: %s%n", cluster.currentBlock(), expiry,
                    stored.deal().expiresAt(), chunkStays);
        } finally {
            deleteTree(root);
        }
    }

    /** How many shards the node's replicator stored: the node's own meter. */
    private static double replicated(ClusterNode node) {
        return node.superNode().meterRegistry().get("icn_super_node_replication_shards").counter().count();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }
}

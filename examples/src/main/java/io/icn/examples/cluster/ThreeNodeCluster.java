package io.icn.examples.cluster;

import io.icn.chain.AuditProofs;
import io.icn.chain.ChainClient;
import io.icn.chain.local.LocalChain;
import io.icn.chain.NodeStanding;
import io.icn.chain.PinningAudit;
import io.icn.testing.ClusterNode;
import io.icn.testing.LocalCluster;
import io.icn.testing.Placement;
import io.icn.testing.StoredChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A whole ICN storage network in one JVM with {@code icn-test-support}'s {@link LocalCluster}: three
 * nodes (a file shard store and a QUIC server each, on loopback) and an embedded local chain whose blocks
 * this program produces by hand. It puts a chunk (a pinning deal on the chain, shards spread over the
 * nodes), produces blocks, has the chain audit node 0, answers the audit from node 0's store, sees the
 * proof verified in the next block, collects a reward, and fetches the chunk back over QUIC.
 *
 * <pre>
 * java -cp ... io.icn.examples.cluster.ThreeNodeCluster
 * </pre>
 *
 * The operator's node answers audits with the launcher's {@code AuditMonitor} wiring; this example
 * proves directly from the store with the chain's reference prover, {@link AuditProofs}, so that it
 * depends on the SDK modules only.
 */
public final class ThreeNodeCluster {
    private static final int CHUNK_BYTES = 8 << 20;

    private ThreeNodeCluster() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory("icn-three-node-cluster-");
        try (LocalCluster cluster = LocalCluster.builder().nodes(3).root(root).build()) {
            for (ClusterNode node : cluster.nodes()) {
                System.out.printf("node %d: %-7s %s  account %s...%n", node.index(), node.region().wireName(),
                        node.address(), node.account().toHex().substring(0, 16));
            }

            byte[] chunk = new byte[CHUNK_BYTES];
            new SplittableRandom(5).nextBytes(chunk);
            StoredChunk stored = cluster.putChunk(chunk, Placement.spread());
            System.out.printf("put %,d bytes as %s%n", chunk.length, stored.cid());
            System.out.printf("  deal %s..., expires at block %d, pinners: %d nodes%n",
                    stored.deal().id().toHex().substring(0, 16), stored.deal().expiresAt(),
                    cluster.chain().pinnersOf(stored.deal().id()).size());
            for (int n = 0; n < cluster.size(); n++) {
                System.out.printf("  node %d holds shards %s%n", n, stored.shardsOn(n));
            }

            System.out.printf("produced blocks up to %d%n", cluster.produceBlocks(10));

            ClusterNode node0 = cluster.node(0);
            PinningAudit audit = cluster.chain().initiateAudit(node0.account(), stored.shardHashes().get(3));
            System.out.printf("chain audits node 0 on shard 3: bytes [%d, +%d), deadline block %d%n",
                    audit.challenge().byteOffset(), audit.challenge().byteLength(), audit.deadline());
            answerAudits(node0, stored);
            cluster.produceBlocks(1);
            PinningAudit decided = node0.chainClient().audit(audit.id()).orElseThrow();
            NodeStanding standing = node0.chainClient().standing();
            System.out.printf("block %d: audit %s, node 0 reputation %d%n", cluster.currentBlock(), decided.status(),
                    standing.reputation());

            long interval = LocalChain.REWARD_INTERVAL_BLOCKS;
            long rewardBlock = (cluster.currentBlock() / interval + 1) * interval;
            cluster.produceBlocks(rewardBlock - cluster.currentBlock());
            System.out.printf("block %d (a reward block): node 0 free balance %s%n", cluster.currentBlock(),
                    node0.chainClient().standing().freeBalance());

            long start = System.nanoTime();
            byte[] back = cluster.client().fetchChunk(cluster.addresses(), stored.cid()).get(60, TimeUnit.SECONDS);
            System.out.printf("fetched the chunk back over QUIC from 3 nodes in %.1f ms: %s%n",
                    (System.nanoTime() - start) / 1e6, Arrays.equals(back, chunk) ? "identical" : "MISMATCH");
            if (!Arrays.equals(back, chunk)) {
                throw new IllegalStateException("the fetched chunk differs from the one put");
            }
        } finally {
            deleteTree(root);
        }
    }

    /** Proves every audit pending for {@code node} from its own store, as the node's audit monitor would. */
    private static void answerAudits(ClusterNode node, StoredChunk stored) {
        ChainClient chain = node.chainClient();
        for (PinningAudit pending : chain.pendingAudits()) {
            int shard = stored.shardIndexOf(pending.shardHash()).orElseThrow();
            byte[] bytes = node.store().readShard(stored.cid(), shard);
            byte[] proof = AuditProofs.prove(chain.proofScheme(), bytes, pending.challenge());
            chain.submitAuditProof(pending.id(), proof);
            System.out.printf("node %d proved shard %d from its store: %d-byte %s proof submitted%n", node.index(),
                    shard, proof.length, chain.proofScheme().mode());
        }
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

package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.chain.AuditStatus;
import io.icn.chain.local.LocalChain;
import io.icn.chain.PinningAudit;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;
import io.icn.storage.Cid;
import java.net.URI;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import io.icn.transport.quic.ShardClient;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 end to end: three super-nodes in three regions share one hand-driven {@link LocalChain} in this
 * JVM. A 50 MiB put on node A makes deals that assign every shard to all three; B and C find A through the
 * chain's node registry and replicate over QUIC; audits on each node pass; B and C each serve the file back
 * bit for bit with four shard files of every chunk deleted; once the deals expire, cleanup removes the
 * chunks everywhere.
 */
@Timeout(180)
class ReplicationEndToEndTest {
    private static final int FILE_BYTES = 50 << 20;
    private static final long DEAL_BLOCKS = 200;

    @TempDir
    Path tmp;


    @Test
    void aPutOnOneNodeIsReplicatedAuditedServedAndCleanedUpOnAllThree() throws Exception {
        long t0 = System.nanoTime();
        Region[] regions = {Region.NA_WEST, Region.EU_WEST, Region.APAC};
        List<SuperNode> nodes = new ArrayList<>();
        try (LocalChain chain = LocalChain.builder().random(new SplittableRandom(6)).automaticAudits(false).build()) {
            try {
                for (int i = 0; i < regions.length; i++) {
                    NodeConfig base = TestNodes.config(tmp.resolve("node-" + i));
                    NodeConfig config = base.withChain(base.chain().withRegion(regions[i]))
                            .withIngest(base.ingest().withChunkBytes(10 << 20).withDealBlocks(DEAL_BLOCKS))
                            .withCleanup(new ServiceConfig.Cleanup(1_000_000));
                    SuperNode node = SuperNode.builder(config).chain(chain).random(new SplittableRandom(i))
                            .calibrateKernels(false).build();
                    nodes.add(node);
                    node.start();
                }
                SuperNode a = nodes.get(0);
                assertThat(chain.nodeEndpoints()).hasSize(3);
                assertThat(chain.endpoint(a.identity().account()).orElseThrow().certificateFingerprint())
                        .isEqualTo(a.quicFingerprint());

                byte[] file = new byte[FILE_BYTES];
                new SplittableRandom(50).nextBytes(file);
                List<Cid> cids = put(a, file);
                assertThat(cids).hasSize(5);
                long putDone = System.nanoTime();

                // Blocks wake the replicators; B and C pull all 14 shards of every chunk from A.
                long deadline = System.nanoTime() + 90_000_000_000L;
                while (!allHeld(nodes, cids)) {
                    assertThat(System.nanoTime()).as("replication did not finish in 90 s").isLessThan(deadline);
                    chain.produceBlock();
                    Thread.sleep(250);
                }
                long replicated = System.nanoTime();
                for (SuperNode n : nodes.subList(1, 3)) {
                    assertThat(n.meterRegistry().get("icn_super_node_replication_shards").counter().count()).isEqualTo(70.0);
                }
                for (Cid cid : cids) {
                    assertThat(chain.pinnersOf(dealOf(chain, a, cid))).containsExactlyInAnyOrderElementsOf(
                            nodes.stream().map(n -> n.identity().account()).toList());
                }

                // Quiet blocks, whose passes the replicators skip (nothing changed); a later put is still pulled.
                chain.produceBlocks(5);
                byte[] more = new byte[1 << 20];
                new SplittableRandom(51).nextBytes(more);
                List<Cid> later = put(a, more);
                deadline = System.nanoTime() + 60_000_000_000L;
                while (!allHeld(nodes, later)) {
                    assertThat(System.nanoTime()).as("the later put was not replicated in 60 s").isLessThan(deadline);
                    chain.produceBlock();
                    Thread.sleep(250);
                }

                // Audits on each node, on a data and a parity shard, are answered from its own disk.
                List<ShardHash> hashes = new StoreExpiredContent(a.store(), ProofScheme.merkle())
                        .shardHashes(cids.get(2).toString());
                List<PinningAudit> audits = new ArrayList<>();
                for (SuperNode n : nodes) {
                    audits.add(chain.initiateAudit(n.identity().account(), hashes.get(3)));
                    audits.add(chain.initiateAudit(n.identity().account(), hashes.get(12)));
                }
                deadline = System.nanoTime() + 30_000_000_000L;
                while (!audits.stream().allMatch(x -> chain.audit(x.id()).orElseThrow().status() == AuditStatus.PASSED)) {
                    assertThat(System.nanoTime()).as("audits not passed in 30 s: %s", audits.stream()
                            .map(x -> chain.audit(x.id()).orElseThrow().status()).toList()).isLessThan(deadline);
                    nodes.forEach(n -> n.monitor().pollNow());
                    Thread.sleep(100);
                    chain.produceBlock();
                }

                // B and C each rebuild the file bit for bit with four shard files of every chunk gone.
                for (SuperNode n : nodes.subList(1, 3)) {
                    Path storage = n.config().storagePath();
                    for (Cid cid : cids) {
                        for (int index : new int[] {0, 4, 9, 13}) {
                            Files.delete(storage.resolve(cid.toString()).resolve(String.format("shard_%02d.bin", index)));
                        }
                    }
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    try (ShardClient relay = ShardClient.builder().pinnedFingerprints(List.of(n.quicFingerprint())).build()) {
                        for (Cid cid : cids) {
                            got.writeBytes(relay.fetchChunk(List.of(n.quicAddress()), cid).get(60, TimeUnit.SECONDS));
                        }
                    }
                    assertThat(Arrays.equals(got.toByteArray(), file)).as("bytes from %s", n.config().region()).isTrue();
                }
                long served = System.nanoTime();

                // The deals expire; cleanup on every node removes every chunk.
                chain.produceBlocks(DEAL_BLOCKS + 1);
                for (SuperNode n : nodes) {
                    assertThat(n.cleanup().runNow(false).deleted()).as("deleted on %s", n.config().region())
                            .hasSize(cids.size() + later.size());
                    for (Cid cid : cids) {
                        assertThat(n.store().contains(cid)).as("%s on %s", cid, n.config().region()).isFalse();
                        assertThat(n.config().storagePath().resolve(cid.toString())).doesNotExist();
                    }
                }
                System.out.printf("replication e2e: put %.1f s, replication %.1f s, audits+get %.1f s, total %.1f s%n",
                        (putDone - t0) / 1e9, (replicated - putDone) / 1e9, (served - replicated) / 1e9,
                        (System.nanoTime() - t0) / 1e9);
            } finally {
                for (int i = nodes.size() - 1; i >= 0; i--) {
                    nodes.get(i).close();
                }
            }
        }
    }

    private static boolean allHeld(List<SuperNode> nodes, List<Cid> cids) {
        for (SuperNode n : nodes) {
            for (Cid cid : cids) {
                if (n.store().meta(cid).map(m -> m.shards().size()).orElse(0) != 14) {
                    return false;
                }
            }
        }
        return true;
    }

    private static io.icn.chain.DealId dealOf(LocalChain chain, SuperNode creator, Cid cid) {
        ShardHash first = new StoreExpiredContent(creator.store(), ProofScheme.merkle()).shardHashes(cid.toString()).get(0);
        try (var client = chain.clientFor(creator.identity().account())) {
            return client.dealsForShard(first).get(0).id();
        }
    }


    private static List<Cid> put(SuperNode node, byte[] file) {
        ChunkIngest.IngestReport report = node.ingest().ingest(new ByteArrayInputStream(file), DEAL_BLOCKS);
        return report.chunks().stream().map(c -> Cid.parse(c.cid())).toList();
    }

}

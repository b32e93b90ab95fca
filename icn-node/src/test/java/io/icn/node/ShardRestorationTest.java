package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.chain.local.LocalChain;
import io.icn.chain.Region;
import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.icn.storage.CorruptShardException;
import io.icn.storage.ShardInfo;
import java.net.URI;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lost shards come back while the node runs. Two super-nodes share one hand-driven {@link LocalChain}: A
 * puts a chunk, B replicates all 14 shards. Then shards are corrupted on disk: one on B (its scrubber finds
 * it and the chunk is repaired from B's own shards), five on B (nine healthy are too few to repair: the
 * scrubber's report makes B's replicator fetch them back from A over QUIC) and one on A, found by a
 * verified read and never scrubbed (A's replicator notices at the next block and repairs it locally).
 */
@Timeout(150)
class ShardRestorationTest {
    private static final int CHUNK_BYTES = 600 * 1024;

    @TempDir
    Path tmp;


    @Test
    void lostShardsAreRepairedLocallyOrFetchedBackFromAPeer() throws Exception {
        try (LocalChain chain = LocalChain.builder().random(new SplittableRandom(21)).automaticAudits(false).build()) {
            // A: no cache, so a read goes to the disk; verified reads; no background scrub during the test.
            NodeConfig baseA = TestNodes.config(tmp.resolve("a"), Region.NA_WEST);
            SuperNode a = TestNodes.onSharedChain(chain,
                    baseA.withStore(baseA.store().withCacheBytes(0).withVerifyOnRead(true)), 1);
            // B: a scrub pass every second.
            NodeConfig baseB = TestNodes.config(tmp.resolve("b"), Region.EU_WEST);
            SuperNode b = TestNodes.onSharedChain(chain,
                    baseB.withStore(baseB.store().withScrub(baseB.store().scrubBytesPerSecond(), Duration.ofSeconds(1))), 2);
            try {
                a.start();
                b.start();
                byte[] data = new byte[CHUNK_BYTES];
                new SplittableRandom(5).nextBytes(data);
                Cid cid = Cid.parse(a.ingest().ingest(new ByteArrayInputStream(data), 500).chunks().get(0).cid());
                awaitProducingBlocks(chain, () -> healthy(b, cid) == 14, "B replicated the chunk");
                awaitProducingBlocks(chain, () -> b.replicator().idle() && a.replicator().idle(), "replicators idle");

                // One shard on B: the scrubber finds it, and B's 13 healthy shards rebuild it.
                corrupt(b, cid, 5);
                await(() -> counter(b, "icn_super_node_scrub_corrupt_shards_total") >= 1 && sameShardFiles(a, b, cid),
                        "B's shard 5 repaired from its own shards");
                assertThat(healthy(b, cid)).isEqualTo(14);

                // Five shards on B: nine healthy are too few; the scrubber's report has them fetched from A.
                awaitScrubPassEnd(b);
                for (int index : new int[] {0, 3, 7, 11, 13}) {
                    corrupt(b, cid, index);
                }
                await(() -> healthy(b, cid) == 14 && sameShardFiles(a, b, cid), "B's five lost shards fetched from A");
                assertThat(counter(b, "icn_super_node_scrub_corrupt_shards_total")).isEqualTo(6);
                assertThat(counter(b, "icn_super_node_replication_restored_total{source=\"peer\"}")).isEqualTo(5);
                assertThat(counter(b, "icn_super_node_repair_failures_total")).as("the store could not").isEqualTo(1);

                // One shard on A, found by a verified read: A's replicator repairs it at the next block.
                corrupt(a, cid, 2);
                try {
                    a.store().readShard(cid, 2);
                    throw new AssertionError("the verified read returned a corrupt shard");
                } catch (CorruptShardException expected) {
                    assertThat(a.store().meta(cid).orElseThrow().quarantined()).extracting(ShardInfo::index)
                            .containsExactly(2);
                }
                // The counter moves right after the store's repair returns: wait for both.
                awaitProducingBlocks(chain, () -> healthy(a, cid) == 14
                        && counter(a, "icn_super_node_replication_restored_total{source=\"local\"}") >= 1,
                        "A's shard 2 restored");
                assertThat(sameShardFiles(a, b, cid)).isTrue();
                assertThat(counter(a, "icn_super_node_replication_restored_total{source=\"local\"}")).isEqualTo(1);
                assertThat(counter(a, "icn_super_node_replication_restored_total{source=\"peer\"}")).isZero();
            } finally {
                b.close();
                a.close();
            }
        }
    }


    private static int healthy(SuperNode node, Cid cid) {
        return node.store().meta(cid).map(m -> m.shards().size()).orElse(0);
    }

    private static Path shardFile(SuperNode node, Cid cid, int index) {
        return node.config().storagePath().resolve(cid.toString()).resolve(String.format("shard_%02d.bin", index));
    }

    /** Flips one byte of the shard's file on disk, behind the store's back. */
    private static void corrupt(SuperNode node, Cid cid, int index) throws Exception {
        Path file = shardFile(node, cid, index);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        Path tmp = file.resolveSibling(file.getFileName() + ".corrupt");
        Files.write(tmp, bytes);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether both nodes hold every shard of the chunk healthy, with the same bytes on disk. */
    private static boolean sameShardFiles(SuperNode x, SuperNode y, Cid cid) {
        ChunkMeta mx = x.store().meta(cid).orElse(null);
        ChunkMeta my = y.store().meta(cid).orElse(null);
        if (mx == null || my == null || mx.shards().size() != 14 || my.shards().size() != 14) {
            return false;
        }
        try {
            for (int i = 0; i < 14; i++) {
                if (!java.util.Arrays.equals(Files.readAllBytes(shardFile(x, cid, i)),
                        Files.readAllBytes(shardFile(y, cid, i)))) {
                    return false;
                }
            }
            return true;
        } catch (java.io.IOException e) {
            return false; // a shard file is being replaced
        }
    }

    /**
     * Waits until B's scrubber has just finished a pass (its byte counter rose and then held still), so the
     * next pass is about a second away and sees corruption made now all at once.
     */
    private static void awaitScrubPassEnd(SuperNode node) throws InterruptedException {
        double before = counter(node, "icn_super_node_scrub_bytes_total");
        await(() -> counter(node, "icn_super_node_scrub_bytes_total") > before, "a scrub pass of B");
        double seen;
        do {
            seen = counter(node, "icn_super_node_scrub_bytes_total");
            Thread.sleep(20);
        } while (counter(node, "icn_super_node_scrub_bytes_total") != seen);
    }

    /**
     * The sum of the counters named {@code series} (Prometheus style: a {@code _total} suffix, an optional
     * {@code {label="v"}} keeping only the counters with that tag); 0 if none.
     */
    private static double counter(SuperNode node, String series) {
        int brace = series.indexOf('{');
        String name = (brace < 0 ? series : series.substring(0, brace)).replaceFirst("_total$", "");
        var search = node.meterRegistry().find(name);
        if (brace >= 0) {
            String[] tag = series.substring(brace + 1, series.length() - 1).split("=", 2);
            search = search.tag(tag[0], tag[1].replace("\"", ""));
        }
        return search.counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("not within 45 s: %s", what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void awaitProducingBlocks(LocalChain chain, BooleanSupplier done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("not within 45 s: %s", what).isLessThan(deadline);
            chain.produceBlock();
            Thread.sleep(100);
        }
    }

}

package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;
import io.icn.chain.local.LocalChain;
import io.icn.storage.Cid;
import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A holder serving a corrupt shard is moved away from, and the refusal counted. Two super-nodes share one
 * hand-driven {@link LocalChain}: A puts a chunk, and before any block wakes B's replicator, A's shard 2 is
 * corrupted on disk behind A's store (no cache, so A serves the file's bytes). B fetches 13 shards from A, refuses
 * A's shard 2 (its SHA-256 is not the one A recorded) and, no other node holding it, rebuilds it from the others;
 * the refusal counts once as {@code hash_mismatch}.
 */
@Timeout(120)
class CorruptHolderReplicationTest {
    private static final int CHUNK_BYTES = 300 * 1024;

    @TempDir
    Path tmp;

    @Test
    void aCorruptShardIsRefusedCountedAndRebuiltFromTheOthers() throws Exception {
        try (LocalChain chain = LocalChain.builder().random(new SplittableRandom(31)).automaticAudits(false).build()) {
            NodeConfig baseA = TestNodes.config(tmp.resolve("a"), Region.NA_WEST);
            SuperNode a = TestNodes.onSharedChain(chain, baseA.withStore(baseA.store().withCacheBytes(0)), 1);
            SuperNode b = TestNodes.onSharedChain(chain, TestNodes.config(tmp.resolve("b"), Region.EU_WEST), 2);
            try {
                a.start();
                b.start();
                byte[] data = new byte[CHUNK_BYTES];
                new SplittableRandom(7).nextBytes(data);
                Cid cid = Cid.parse(a.ingest().ingest(new ByteArrayInputStream(data), 500).chunks().get(0).cid());
                assertThat(b.store().contains(cid)).as("B fetched before any block").isFalse();
                Path shard2 = a.config().storagePath().resolve(cid.toString()).resolve("shard_02.bin");
                byte[] bytes = Files.readAllBytes(shard2);
                bytes[bytes.length / 3] ^= 0x33;
                Path tmpFile = shard2.resolveSibling("shard_02.bin.corrupt");
                Files.write(tmpFile, bytes);
                Files.move(tmpFile, shard2, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (b.store().meta(cid).map(m -> m.shards().size()).orElse(0) != 14 || !b.replicator().idle()) {
                    assertThat(System.nanoTime()).as("B did not replicate the chunk in 60 s").isLessThan(deadline);
                    chain.produceBlock();
                    Thread.sleep(100);
                }
                List<ShardHash> expected = new StoreExpiredContent(a.store(), ProofScheme.merkle())
                        .shardHashes(cid.toString());
                assertThat(new StoreExpiredContent(b.store(), ProofScheme.merkle()).shardHashes(cid.toString()))
                        .isEqualTo(expected);
                assertThat(b.store().readShard(cid, 2)).isNotEqualTo(bytes);
                assertThat(b.meterRegistry().get("icn_super_node_replication_shards").counter().count())
                        .isEqualTo(14.0);
                assertThat(b.meterRegistry().find("icn_super_node_replication_failure").tag("reason", "hash_mismatch")
                        .counters()).extracting(Counter::count).containsExactly(1.0);
                assertThat(b.meterRegistry().find("icn_super_node_replication_failure").tag("reason", "fetch_failed")
                        .counters()).as("the deal itself did not fail").isEmpty();
            } finally {
                b.close();
                a.close();
            }
        }
    }

}

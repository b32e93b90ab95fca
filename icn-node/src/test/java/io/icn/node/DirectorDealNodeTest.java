package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.chain.AccountId;
import io.icn.chain.Balance;
import io.icn.chain.PinningDeal;
import io.icn.chain.PinningTimeoutException;
import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;
import io.icn.chain.local.LocalChain;
import io.icn.storage.Cid;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node pinning as on a real chain: it makes no deal itself; a stored chunk is pinned by the director's deal that
 * names its shards, and dropped when none comes within the grace.
 */
@Timeout(60)
class DirectorDealNodeTest {
    private static final AccountId DIRECTOR = new AccountId(new byte[] {
            9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9});

    @TempDir
    Path tmp;

    @Test
    void aStoredChunkWaitsForTheDirectorsDealOrIsDropped() throws Exception {
        try (LocalChain chain = LocalChain.builder().random(new SplittableRandom(4)).automaticAudits(false).build()) {
            chain.endow(DIRECTOR, Balance.ofIcn(100));
            NodeConfig base = TestNodes.config(tmp.resolve("node"));
            SuperNode node = SuperNode.builder(base.withIngest(base.ingest().withDealGraceBlocks(3))).chain(chain)
                    .random(new SplittableRandom(1)).calibrateKernels(false).awaitDirectorDeals().build();
            try {
                node.start();
                byte[] data = new byte[300_000];
                new SplittableRandom(2).nextBytes(data);
                Cid cid = Cid.ofRaw(data);
                CompletableFuture<ChunkIngest.IngestReport> put = CompletableFuture.supplyAsync(
                        () -> node.ingest().ingest(new ByteArrayInputStream(data), 1_000));
                awaitStored(node, cid);
                assertThat(put).isNotDone();
                // The director makes the deal for the shards the node stored.
                List<ShardHash> shards = new StoreExpiredContent(node.store(), ProofScheme.merkle())
                        .shardHashes(cid.toString());
                PinningDeal deal = chain.createDeal(DIRECTOR, shards,
                        node.store().meta(cid).orElseThrow().spec().shardLength(), chain.currentBlock() + 500,
                        Balance.ofIcn(1));
                chain.produceBlock();
                ChunkIngest.IngestReport report = put.get(10, TimeUnit.SECONDS);
                assertThat(report.chunks().get(0).dealId()).isEqualTo(deal.id().toString());
                assertThat(node.store().meta(cid).orElseThrow().expiryBlock()).isEqualTo(deal.expiresAt());

                // Another chunk, no deal: dropped after the grace of 3 blocks.
                byte[] other = new byte[200_000];
                new SplittableRandom(3).nextBytes(other);
                Cid otherCid = Cid.ofRaw(other);
                CompletableFuture<ChunkIngest.IngestReport> unpinned = CompletableFuture.supplyAsync(
                        () -> node.ingest().ingest(new ByteArrayInputStream(other), 1_000));
                awaitStored(node, otherCid);
                for (int i = 0; i < 10 && !unpinned.isDone(); i++) {
                    chain.produceBlock();
                    Thread.sleep(50);
                }
                assertThatThrownBy(() -> unpinned.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasRootCauseInstanceOf(PinningTimeoutException.class);
                assertThat(node.store().contains(otherCid)).as("an unpinned chunk is dropped").isFalse();
                assertThat(node.store().contains(cid)).isTrue();
            } finally {
                node.close();
            }
        }
    }

    private static void awaitStored(SuperNode node, Cid cid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!node.store().contains(cid)) {
            assertThat(System.nanoTime()).as("%s never stored", cid).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}

package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.chain.AccountId;
import io.icn.chain.AuditStatus;
import io.icn.chain.Balance;
import io.icn.chain.PinningAudit;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;
import io.icn.chain.local.LocalChain;
import io.icn.storage.Cid;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node given its chain client by its embedder, on a chain like the ICN pallet (no endpoint registry, no deal
 * content): it registers nothing, waits for the director's deal, and answers its audits.
 */
@Timeout(60)
class ExternalChainNodeTest {
    private static final AccountId DIRECTOR = new AccountId(filled(7));

    @TempDir
    Path tmp;

    private static byte[] filled(int b) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) b);
        return bytes;
    }

    @Test
    void aNodeOnAnExternalClientWithoutTheOptionalCallsPinsByTheDirectorsDealAndAnswersAudits() throws Exception {
        byte[] seed = filled(3);
        AccountId account = NodeIdentity.loadOrCreate(java.nio.file.Files.createDirectories(tmp.resolve("key-only")), seed)
                .account();
        try (LocalChain chain = LocalChain.builder().random(new SplittableRandom(8)).automaticAudits(false).build()) {
            chain.registerNode(account, Region.EU_WEST, Balance.ofIcn(100));
            chain.endow(DIRECTOR, Balance.ofIcn(100));
            FaultyChainClient client = new FaultyChainClient(chain.clientFor(account));
            client.palletOnly = true;
            SuperNode node = SuperNode.builder(TestNodes.config(tmp.resolve("node"))).chainClient(client)
                    .identitySeed(seed).random(new SplittableRandom(2)).calibrateKernels(false).build();
            try {
                node.start();
                assertThat(node.identity().account()).isEqualTo(account);
                assertThat(client.calls("registerEndpoint")).as("nothing registered without a registry").isZero();
                assertThatThrownBy(node::chain).isInstanceOf(IllegalStateException.class);

                byte[] data = new byte[120_000];
                new SplittableRandom(5).nextBytes(data);
                Cid cid = Cid.ofRaw(data);
                CompletableFuture<ChunkIngest.IngestReport> put = CompletableFuture.supplyAsync(
                        () -> node.ingest().ingest(new ByteArrayInputStream(data), 1_000));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!node.store().contains(cid)) {
                    assertThat(System.nanoTime()).as("never stored").isLessThan(deadline);
                    Thread.sleep(10);
                }
                List<ShardHash> shards = new StoreExpiredContent(node.store(), ProofScheme.merkle())
                        .shardHashes(cid.toString());
                PinningDeal deal = chain.createDeal(DIRECTOR, shards,
                        node.store().meta(cid).orElseThrow().spec().shardLength(), chain.currentBlock() + 500,
                        Balance.ofIcn(1));
                chain.produceBlock();
                assertThat(put.get(10, TimeUnit.SECONDS).chunks().get(0).dealId()).isEqualTo(deal.id().toString());

                PinningAudit audit = chain.initiateAudit(account, shards.get(11));
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (chain.audit(audit.id()).orElseThrow().status() != AuditStatus.PASSED) {
                    assertThat(System.nanoTime()).as("audit not passed").isLessThan(deadline);
                    node.monitor().pollNow();
                    Thread.sleep(50);
                    chain.produceBlock();
                }
            } finally {
                node.close();
                client.close();
            }
        }
    }
}

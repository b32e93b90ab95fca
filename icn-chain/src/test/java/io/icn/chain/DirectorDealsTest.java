package io.icn.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.chain.local.LocalChain;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A node on a chain where directors make the deals waits for the deal that names its stored chunk's shards. */
@Timeout(30)
class DirectorDealsTest {
    private static final AccountId DIRECTOR = Fixtures.account(100);
    private static final AccountId NODE = Fixtures.account(1);

    private final SplittableRandom data = new SplittableRandom(Fixtures.seed("DirectorDealsTest"));
    private final InMemoryShardStore store = new InMemoryShardStore(ProofScheme.merkle());
    private ExecutorService executor;
    private LocalChain chain;
    private ChainClient client;
    private DirectorDeals deals;

    @BeforeEach
    void setUp() {
        executor = Executors.newSingleThreadExecutor();
        chain = LocalChain.builder().random(new SplittableRandom(7)).automaticAudits(false).build();
        chain.registerNode(NODE, Region.NA_WEST, Balance.ofIcn(100));
        chain.endow(DIRECTOR, Balance.ofIcn(1_000));
        client = chain.clientFor(NODE);
        deals = new DirectorDeals(client, 5, executor);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        deals.close();
        client.close();
        chain.close();
        executor.shutdown();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    private InMemoryShardStore.Chunk chunk() {
        byte[] bytes = new byte[20_000];
        data.nextBytes(bytes);
        return store.put(bytes, 1_000);
    }

    private PinRequest request(InMemoryShardStore.Chunk c) {
        return new PinRequest(c.cid(), c.shardHashes(), c.shardSize(), 1_000);
    }

    private PinningDeal directorDeal(InMemoryShardStore.Chunk c) {
        return chain.createDeal(DIRECTOR, c.shardHashes(), c.shardSize(), chain.currentBlock() + 500, Balance.ofIcn(1));
    }

    @Test
    void aDealMadeBeforeTheChunkArrivedPinsItAtOnce() throws Exception {
        InMemoryShardStore.Chunk c = chunk();
        PinningDeal deal = directorDeal(c);
        assertThat(deals.pin(request(c)).get(5, TimeUnit.SECONDS).id()).isEqualTo(deal.id());
    }

    @Test
    void aDealMadeInALaterBlockWithinTheGracePinsIt() throws Exception {
        InMemoryShardStore.Chunk c = chunk();
        CompletableFuture<PinningDeal> pin = deals.pin(request(c));
        chain.produceBlocks(2);
        awaitWaiting(1);
        assertThat(pin).isNotDone();
        PinningDeal deal = directorDeal(c);
        chain.produceBlock();
        assertThat(pin.get(5, TimeUnit.SECONDS).id()).isEqualTo(deal.id());
        assertThat(deals.waiting()).isZero();
    }

    @Test
    void withoutADealNamingExactlyItsShardsTheChunkIsNotPinnedAfterTheGrace() throws Exception {
        InMemoryShardStore.Chunk c = chunk();
        // A deal on other shards, and one that names the chunk's shards in another order, do not count.
        directorDeal(chunk());
        List<ShardHash> reordered = new ArrayList<>(c.shardHashes());
        java.util.Collections.swap(reordered, 0, 1);
        chain.createDeal(DIRECTOR, reordered, c.shardSize(), chain.currentBlock() + 500, Balance.ofIcn(1));
        CompletableFuture<PinningDeal> pin = deals.pin(request(c));
        awaitWaiting(1);
        for (int i = 0; i < 6 && !pin.isDone(); i++) {
            chain.produceBlock();
            Thread.sleep(20);
        }
        assertThatThrownBy(() -> pin.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(PinningTimeoutException.class).hasMessageContaining(c.cid())
                .hasMessageContaining("within 5 blocks");
    }

    @Test
    void closingFailsThePinsStillWaiting() throws Exception {
        CompletableFuture<PinningDeal> pin = deals.pin(request(chunk()));
        awaitWaiting(1);
        deals.close();
        assertThatThrownBy(() -> pin.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ChainException.class)
                .hasMessageContaining("stopping");
        assertThat(deals.pin(request(chunk()))).isCompletedExceptionally();
    }

    private void awaitWaiting(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (deals.waiting() != n) {
            assertThat(System.nanoTime()).as("waiting pins never reached %d", n).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}

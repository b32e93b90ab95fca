package io.icn.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ChainClient} must do, run against each implementation through a {@link Harness}
 * that can drive the chain behind it (create a deal, issue an audit, produce a block).
 */
public abstract class ChainClientContractTest {

    /** Drives the chain behind a client under test. */
    public interface Harness extends AutoCloseable {
        ChainClient client();

        InMemoryShardStore.Chunk createDeal(long expiresAt);

        PinningAudit initiateAudit(ShardHash shard);

        void produceBlocks(int count);

        InMemoryShardStore store();

        @Override
        void close();
    }

    protected abstract Harness harness();

    private Harness h;

    @BeforeEach
    void open() {
        h = harness();
    }

    @AfterEach
    void shut() {
        h.close();
    }

    @Test
    void blocksArriveInOrderAndStopAfterTheSubscriptionCloses() {
        List<Long> seen = new CopyOnWriteArrayList<>();
        long start = h.client().currentBlock();
        BlockSubscription s = h.client().subscribeBlocks(seen::add);
        h.produceBlocks(3);
        s.close();
        s.close();
        h.produceBlocks(2);
        assertThat(seen).containsExactly(start + 1, start + 2, start + 3);
        assertThat(h.client().currentBlock()).isEqualTo(start + 5);
    }

    @Test
    void dealsAssignmentsAndAuditsAreVisibleToTheAssignedNode() {
        InMemoryShardStore.Chunk chunk = h.createDeal(h.client().currentBlock() + 1_000);
        ChainClient c = h.client();
        assertThat(c.shardAssignments()).containsExactlyInAnyOrderElementsOf(chunk.shardHashes());
        List<PinningDeal> deals = c.dealsForShard(chunk.shardHashes().get(0));
        assertThat(deals).hasSize(1);
        assertThat(c.deal(deals.get(0).id())).contains(deals.get(0));
        assertThat(deals.get(0).shardSize()).hasValue(chunk.shardSize());

        PinningAudit audit = h.initiateAudit(chunk.shardHashes().get(1));
        assertThat(c.pendingAudits()).containsExactly(audit);
        c.submitAuditProof(audit.id(), h.store().prove(c.proofScheme(), audit.shardHash(), audit.challenge()));
        h.produceBlocks(1);
        assertThat(c.audit(audit.id()).orElseThrow().status()).isEqualTo(AuditStatus.PASSED);
        assertThat(c.pendingAudits()).isEmpty();
        assertThat(c.standing().reputation()).isPositive();
    }

    @Test
    void unknownAuditsAreRejectedByName() {
        AuditId unknown = new AuditId(new byte[32]);
        assertThatThrownBy(() -> h.client().submitAuditProof(unknown, new byte[32]))
                .isInstanceOf(AuditNotFoundException.class).hasMessageContaining(unknown.toHex());
        assertThat(h.client().audit(unknown)).isEmpty();
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() {
        ChainClient c = h.client();
        c.close();
        c.close();
        assertThatThrownBy(c::currentBlock).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::pendingAudits).isInstanceOf(IllegalStateException.class);
    }
}

package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.icn.chain.AccountId;
import io.icn.chain.Balance;
import io.icn.chain.DealId;
import io.icn.chain.DealStatus;
import io.icn.chain.PinningDeal;
import io.icn.chain.ShardHash;
import io.icn.storage.ChunkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Which holders' manifests fit a deal the node does not hold yet, with and without the deal's shard size. */
class ReplicatorDealShapeTest {

    private static PinningDeal deal(int shards, OptionalInt shardSize) {
        List<ShardHash> hashes = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            byte[] h = new byte[32];
            h[0] = (byte) i;
            hashes.add(new ShardHash(h));
        }
        return new PinningDeal(new DealId(new byte[32]), new AccountId(new byte[32]), hashes, shardSize, 1, 100,
                Balance.ofIcn(1), DealStatus.ACTIVE);
    }

    @Test
    void aRecordedShardSizeMustMatchTheHoldersManifest() {
        ChunkSpec holder = ChunkSpec.rs10x4(100_000, "d", 100); // 10,000-byte shards
        assertThat(Replicator.fitsDeal(holder, null, deal(14, OptionalInt.of(10_000)))).isTrue();
        assertThat(Replicator.fitsDeal(holder, null, deal(14, OptionalInt.of(10_001)))).isFalse();
        assertThat(Replicator.fitsDeal(holder, null, deal(12, OptionalInt.of(10_000)))).isFalse();
    }

    @Test
    void withoutARecordedShardSizeTheManifestsSizeIsTakenAndTheShardCountStillChecked() {
        // The pallet's deals: no size. Any manifest length is accepted here; the shard hashes decide (a shard of
        // another length cannot have the deal's hash, and the store refuses one that does not fit the spec).
        assertThat(Replicator.fitsDeal(ChunkSpec.rs10x4(100_000, "d", 100), null, deal(14, OptionalInt.empty())))
                .isTrue();
        assertThat(Replicator.fitsDeal(ChunkSpec.rs10x4(7, "d", 100), null, deal(14, OptionalInt.empty()))).isTrue();
        assertThat(Replicator.fitsDeal(ChunkSpec.rs10x4(100_000, "d", 100), null, deal(15, OptionalInt.empty())))
                .isFalse();
    }
}

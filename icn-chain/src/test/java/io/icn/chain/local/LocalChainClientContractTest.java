package io.icn.chain.local;

import io.icn.chain.ChainClientContractTest;
import io.icn.chain.Fixtures;
import io.icn.chain.InMemoryShardStore;
import io.icn.chain.AccountId;
import io.icn.chain.Balance;
import io.icn.chain.ChainClient;
import io.icn.chain.PinningAudit;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;

import java.util.SplittableRandom;

class LocalChainClientContractTest extends ChainClientContractTest {

    @Override
    protected Harness harness() {
        long seed = Fixtures.seed(getClass().getSimpleName());
        LocalChain chain = LocalChain.builder().random(new SplittableRandom(seed)).automaticAudits(false).build();
        AccountId node = Fixtures.account(1);
        AccountId director = Fixtures.account(100);
        chain.registerNode(node, Region.EU_EAST, Balance.ofIcn(200));
        chain.endow(director, Balance.ofIcn(1_000));
        InMemoryShardStore store = new InMemoryShardStore(chain.proofScheme());
        ChainClient client = chain.clientFor(node);
        SplittableRandom data = new SplittableRandom(seed);
        return new Harness() {
            @Override
            public ChainClient client() {
                return client;
            }

            @Override
            public InMemoryShardStore.Chunk createDeal(long expiresAt) {
                byte[] bytes = new byte[12_345];
                data.nextBytes(bytes);
                InMemoryShardStore.Chunk chunk = store.put(bytes, expiresAt);
                chain.createDeal(director, chunk.shardHashes(), chunk.shardSize(), expiresAt, Balance.ofIcn(1));
                return chunk;
            }

            @Override
            public PinningAudit initiateAudit(ShardHash shard) {
                return chain.initiateAudit(node, shard);
            }

            @Override
            public void produceBlocks(int count) {
                chain.produceBlocks(count);
            }

            @Override
            public InMemoryShardStore store() {
                return store;
            }

            @Override
            public void close() {
                client.close();
                chain.close();
            }
        };
    }
}

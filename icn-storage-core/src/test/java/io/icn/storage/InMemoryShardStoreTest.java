package io.icn.storage;

class InMemoryShardStoreTest extends ShardStoreContract {

    @Override
    ShardStore create(long capacityBytes) {
        return new InMemoryShardStore(capacityBytes, MerkleProof.DEFAULT_LEAF_SIZE, CLOCK);
    }

    @Override
    void corrupt(ShardStore store, Cid cid, int index, long offset) {
        ((InMemoryShardStore) store).corruptShard(cid, index, offset);
    }
}

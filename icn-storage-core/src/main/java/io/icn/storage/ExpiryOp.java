package io.icn.storage;

/**
 * Moves a chunk's recorded deal expiry: journals the chunk's new entry and publishes it; no file changes. Answers
 * the chunk's metadata, or fails with {@link ShardNotFoundException} when the chunk is absent. Confined to the writer
 * once submitted.
 */
final class ExpiryOp extends JournaledOp<ChunkMeta> {

    private final long expiryBlock;

    ExpiryOp(Cid cid, long expiryBlock) {
        super(cid);
        this.expiryBlock = expiryBlock;
    }

    @Override
    boolean prepare(GroupCommit group) {
        ChunkEntry cur = group.current(cid);
        if (cur == null) {
            fail(new ShardNotFoundException(cid, -1));
            return false;
        }
        before = cur;
        after = cur.withSpec(cur.spec.withExpiryBlock(expiryBlock));
        txid = group.newTxid();
        return true;
    }

    @Override
    byte[] record() {
        return IndexJournal.setRecord(txid, after);
    }

    @Override
    void apply(GroupCommit group) {
        group.publish(this);
    }

    @Override
    void publish(GroupCommit group) {
        complete(after.toMeta());
    }
}

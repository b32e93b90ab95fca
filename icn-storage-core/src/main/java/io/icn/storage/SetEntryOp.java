package io.icn.storage;

/**
 * A change to the entry of a chunk the store holds, journalled as a {@link IndexJournal#SET} record of the whole new
 * entry: the deal expiry moved ({@link ExpiryOp}), a shard quarantined ({@link QuarantineOp}). The subclass says what
 * the entry becomes ({@link #change}) and how to answer when there is nothing to journal ({@link #unchanged});
 * preparing and the record are the same for all. Confined to the writer once submitted.
 *
 * @param <R> what the operation answers its caller
 */
abstract class SetEntryOp<R> extends JournaledOp<R> {

    SetEntryOp(Cid cid) {
        super(cid);
    }

    /** The entry {@code cur} becomes, or null when it is to stay as it is. */
    abstract ChunkEntry change(ChunkEntry cur);

    /** Completes or fails this operation when nothing is journalled: the chunk is absent ({@code cur} null) or unchanged. */
    abstract void unchanged(ChunkEntry cur);

    @Override
    final boolean prepare(GroupCommit group) {
        ChunkEntry cur = group.current(cid);
        ChunkEntry next = cur == null ? null : change(cur);
        if (next == null) {
            unchanged(cur);
            return false;
        }
        return changes(cur, next, group.newTxid());
    }

    @Override
    final byte[] record() {
        return IndexJournal.setRecord(txid, after);
    }
}

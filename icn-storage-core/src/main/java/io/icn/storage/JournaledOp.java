package io.icn.storage;

import java.io.IOException;

/**
 * A write that joins a group commit: the writer {@linkplain #prepare prepares} every operation of the group against
 * the index as the earlier ones of the group leave it, appends their {@linkplain #record() records} to the journal in
 * one forced write, {@linkplain #apply applies} each to the files, forces the directories they touched once, then
 * {@linkplain #publish publishes} each and so answers its caller. If the journal write fails, each prepared
 * operation {@linkplain #fail fails}; if applying one fails, those applied are published and the rest fail (the
 * journal holds them: recovery finishes them).
 *
 * <p>Confined to the writer thread once submitted.
 *
 * @param <R> what the operation answers its caller
 */
abstract class JournaledOp<R> extends WriteOp<R> {

    /** The chunk this operation changes. */
    final Cid cid;
    /** The chunk's entry before and after this operation (null: absent); set by {@link #prepare}. */
    ChunkEntry before;
    ChunkEntry after;
    /** The txid of this operation's record; set by {@link #prepare}. */
    long txid;

    JournaledOp(Cid cid) {
        this.cid = cid;
    }

    @Override
    final void enter(StoreWriter.Batch batch) {
        batch.join(this);
    }

    /**
     * Decides the change against {@code group}'s view of the index, setting {@link #before}, {@link #after} and
     * {@link #txid}.
     *
     * @return false when the operation has completed (or failed) with nothing to journal
     */
    abstract boolean prepare(GroupCommit group);

    /**
     * What {@link #prepare} does once it has decided to journal a change: records it as the change from {@code cur}
     * to {@code next} (either null: the chunk absent) under {@code txid}.
     *
     * @return true, what {@link #prepare} then returns
     */
    final boolean changes(ChunkEntry cur, ChunkEntry next, long txid) {
        this.before = cur;
        this.after = next;
        this.txid = txid;
        return true;
    }

    /** The journal record of the prepared change. */
    abstract byte[] record();

    /** Makes the journalled change on disk; adds the directories to force to the group. */
    abstract void apply(GroupCommit group) throws IOException;

    /** The bytes this operation adds, for the {@link StorageFullException} of a journal write that finds the disk full. */
    long bytesAdded() {
        return 0;
    }

    /** Once the group's directories are forced: shows the change to readers (if {@link #apply} did not) and answers. */
    abstract void publish(GroupCommit group);
}

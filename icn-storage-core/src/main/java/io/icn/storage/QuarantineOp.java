package io.icn.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Takes a shard that failed its check out of service: journals the chunk's entry with the shard quarantined, stops
 * readers finding it, and moves its file into {@code .quarantine} for inspection. Answers whether the shard was
 * healthy until now. Confined to the writer once submitted.
 */
final class QuarantineOp extends JournaledOp<Boolean> {

    private final int index;

    QuarantineOp(Cid cid, int index) {
        super(cid);
        this.index = index;
    }

    @Override
    boolean prepare(GroupCommit group) {
        ChunkEntry cur = group.current(cid);
        if (cur == null || !cur.healthy(index)) {
            complete(Boolean.FALSE);
            return false;
        }
        before = cur;
        after = cur.withState(index, ChunkEntry.QUARANTINED);
        txid = group.newTxid();
        return true;
    }

    @Override
    byte[] record() {
        return IndexJournal.setRecord(txid, after);
    }

    @Override
    void apply(GroupCommit group) throws IOException {
        group.publish(this);
        StoreLayout layout = group.layout;
        Path f = layout.shardPath(cid, index);
        if (Files.exists(f)) {
            StoreLayout.rename(f, layout.quarantinedShard(cid, index, txid));
            group.dirsToForce.add(layout.chunkDir(cid));
            group.dirsToForce.add(layout.quarantineDir);
        }
    }

    @Override
    void publish(GroupCommit group) {
        complete(Boolean.TRUE);
    }
}

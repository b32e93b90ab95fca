package io.icn.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Removes a chunk: journals the delete, stops readers finding it, moves its directory into {@code .trash} (emptied
 * after the group commit, and by recovery). Answers whether the chunk was present. Confined to the writer once
 * submitted.
 */
final class DeleteOp extends JournaledOp<Boolean> {

    DeleteOp(Cid cid) {
        super(cid);
    }

    @Override
    boolean prepare(GroupCommit group) {
        ChunkEntry cur = group.current(cid);
        if (cur == null) {
            complete(Boolean.FALSE);
            return false;
        }
        return changes(cur, null, group.newTxid());
    }

    @Override
    byte[] record() {
        return IndexJournal.deleteRecord(txid, cid);
    }

    @Override
    void apply(GroupCommit group) throws IOException {
        group.publish(this); // readers stop finding the shards before their files move away
        Path dir = group.layout.chunkDir(cid);
        if (Files.exists(dir)) {
            Path t = group.layout.trashDir.resolve(cid + "." + txid);
            StoreLayout.rename(dir, t);
            group.trash.add(t);
            group.dirsToForce.add(group.layout.root);
        }
    }

    @Override
    void publish(GroupCommit group) {
        complete(Boolean.TRUE);
    }
}

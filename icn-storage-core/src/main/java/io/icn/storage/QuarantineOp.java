package io.icn.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Takes a shard that failed its check out of service: journals the chunk's entry with the shard quarantined, stops
 * readers finding it, and moves its file into {@code .quarantine} for inspection. Answers whether the shard was
 * healthy until now. Confined to the writer once submitted.
 */
final class QuarantineOp extends SetEntryOp<Boolean> {

    private final int index;

    QuarantineOp(Cid cid, int index) {
        super(cid);
        this.index = index;
    }

    @Override
    ChunkEntry change(ChunkEntry cur) {
        return cur.healthy(index) ? cur.withState(index, ChunkEntry.QUARANTINED) : null;
    }

    @Override
    void unchanged(ChunkEntry cur) {
        complete(Boolean.FALSE);
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

package io.icn.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Commits shards written and forced in a staging directory ({@link ShardStaging}): journals the shards not yet
 * held, moves the staging directory into place (or its shard files into the existing chunk directory, with a new
 * manifest), then publishes the chunk's new entry. Answers the chunk's metadata. Holds the staged files and the
 * bytes reserved for them until it completes or fails; confined to the writer once submitted.
 */
final class PutOp extends JournaledOp<ChunkMeta> {

    private final ShardStaging.Staged staged;
    private int[] added;

    PutOp(ShardStaging.Staged staged) {
        super(staged.cid());
        this.staged = staged;
    }

    @Override
    boolean prepare(GroupCommit group) {
        ChunkEntry cur = group.current(cid);
        ShardChecks.checkSameSpec(cid, cur, staged.spec());
        ChunkEntry next = cur != null ? cur
                : ChunkEntry.empty(cid, staged.spec(), staged.leafSize(), staged.createdMillis());
        int[] adding = new int[staged.indexes().length];
        int n = 0;
        for (int i : staged.indexes()) {
            if (!next.healthy(i)) {
                byte[] h = staged.hashes()[i];
                next = next.withHealthy(i, Arrays.copyOf(h, 32), Arrays.copyOfRange(h, 32, 64));
                adding[n++] = i;
            }
        }
        if (n == 0) { // a concurrent put of the same shards won
            staged.release();
            complete(next.toMeta());
            return false;
        }
        added = Arrays.copyOf(adding, n);
        return changes(cur, next, staged.txid());
    }

    @Override
    byte[] record() {
        return IndexJournal.putRecord(txid, added, after);
    }

    @Override
    void apply(GroupCommit group) throws IOException {
        StoreLayout layout = group.layout;
        Path dir = layout.chunkDir(cid);
        if (!Files.exists(dir)) {
            StoreLayout.rename(staged.dir(), dir);
            group.dirsToForce.add(layout.root);
        } else {
            for (int i : added) {
                String name = StoreLayout.shardFileName(i);
                StoreLayout.replace(staged.dir().resolve(name), dir.resolve(name));
            }
            layout.writeManifest(dir, after);
            StoreLayout.deleteRecursively(staged.dir());
            group.dirsToForce.add(dir);
        }
        group.dirsToForce.add(layout.stagingDir);
    }

    @Override
    long bytesAdded() {
        return staged.reservedBytes();
    }

    @Override
    void publish(GroupCommit group) {
        group.publish(this);
        staged.releaseReservation();
        complete(after.toMeta());
    }

    @Override
    void fail(Throwable t) {
        staged.release();
        super.fail(t);
    }
}

package io.icn.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the operations of one group commit share: the store's index as the group's earlier operations leave it (an
 * overlay over the published index), the txids, the directories to force and the chunk directories to remove once
 * the group is done. Created by the writer for each group; confined to the writer thread.
 */
final class GroupCommit {

    final StoreLayout layout;
    private final StoreIndex index;
    private final ShardCache cache;
    private final AtomicLong nextTxid;
    private final Map<Cid, Optional<ChunkEntry>> overlay = new HashMap<>();
    final Set<Path> dirsToForce = new LinkedHashSet<>();
    final List<Path> trash = new ArrayList<>();

    GroupCommit(StoreLayout layout, StoreIndex index, ShardCache cache, AtomicLong nextTxid) {
        this.layout = layout;
        this.index = index;
        this.cache = cache;
        this.nextTxid = nextTxid;
    }

    /** The chunk's entry as the group's earlier operations leave it; null if absent. */
    ChunkEntry current(Cid cid) {
        Optional<ChunkEntry> o = overlay.get(cid);
        return o != null ? o.orElse(null) : index.get(cid);
    }

    /** Records a prepared operation's outcome for the group's later operations. */
    void prepared(JournaledOp<?> op) {
        overlay.put(op.cid, Optional.ofNullable(op.after));
    }

    long newTxid() {
        return nextTxid.getAndIncrement();
    }

    /** Shows {@code op}'s change to readers: the index, and the cache loses the shards the change removed. */
    void publish(JournaledOp<?> op) {
        index.put(op.cid, op.after);
        if (op.before != null) {
            for (int i = 0; i < op.before.slots(); i++) {
                if (op.before.healthy(i) && (op.after == null || !op.after.healthy(i))) {
                    cache.invalidate(op.cid, i);
                }
            }
        }
    }
}

package io.icn.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finishes or undoes, at open, what a crash interrupted, by names alone: a staging directory whose txid has a journal
 * record is rolled forward, any other is deleted; {@code .trash} is emptied; and for the CIDs named in the replayed
 * journal after its last {@link IndexJournal#APPLIED} marker only (never the whole tree), the chunk directory is
 * reconciled with the index: files of non-healthy shards move to quarantine, missing healthy shards are marked
 * quarantined (journalled), the manifest is rewritten. Runs once, on the opening thread, before the writer starts.
 */
final class StoreRecovery {

    private final StoreLayout layout;
    private final AtomicLong nextTxid;

    StoreRecovery(StoreLayout layout, AtomicLong nextTxid) {
        this.layout = layout;
        this.nextTxid = nextTxid;
    }

    /** Reconciles the files with {@code loaded} (which it corrects) and journals the corrections. */
    void recover(IndexJournal.Loaded loaded, IndexJournal journal) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.stagingDir)) {
            for (Path staged : ds) {
                IndexJournal.CommittedPut put = loaded.committedPuts.get(staged.getFileName().toString());
                if (put != null && loaded.entries.containsKey(put.cid())) {
                    rollForward(staged, put.cid(), put.indexes());
                } else {
                    StoreLayout.deleteRecursively(staged);
                }
            }
        }
        StoreLayout.emptyDirectory(layout.trashDir);
        List<byte[]> fixes = new ArrayList<>();
        for (Cid cid : loaded.touched) {
            ChunkEntry e = loaded.entries.get(cid);
            ChunkEntry fixed = reconcile(cid, e);
            if (fixed != null && !fixed.equals(e)) {
                loaded.entries.put(cid, fixed);
                fixes.add(IndexJournal.setRecord(nextTxid.getAndIncrement(), fixed));
            }
        }
        layout.force(layout.root);
        layout.force(layout.stagingDir);
        journal.append(fixes);
    }

    /** Makes the chunk's directory match its entry ({@code e} null: the chunk is gone); returns the corrected entry. */
    private ChunkEntry reconcile(Cid cid, ChunkEntry e) throws IOException {
        Path dir = layout.chunkDir(cid);
        if (e == null) {
            if (Files.exists(dir)) {
                StoreLayout.deleteRecursively(dir);
            }
            return null;
        }
        Files.createDirectories(dir);
        ChunkEntry fixed = e;
        for (int i = 0; i < e.slots(); i++) {
            Path f = dir.resolve(StoreLayout.shardFileName(i));
            boolean exists = Files.exists(f);
            if (e.state(i) == ChunkEntry.HEALTHY) {
                if (!exists || Files.size(f) != e.spec.shardLength()) {
                    fixed = fixed.withState(i, ChunkEntry.QUARANTINED);
                }
            } else if (exists) {
                StoreLayout.rename(f, layout.quarantinedShard(cid, i, nextTxid.get()));
            }
        }
        layout.writeManifest(dir, fixed);
        layout.force(dir);
        return fixed;
    }

    private void rollForward(Path staged, Cid cid, int[] indexes) throws IOException {
        Path dir = layout.chunkDir(cid);
        if (!Files.exists(dir)) {
            StoreLayout.rename(staged, dir);
            return;
        }
        for (int i : indexes) {
            Path src = staged.resolve(StoreLayout.shardFileName(i));
            if (Files.exists(src)) {
                StoreLayout.replace(src, dir.resolve(StoreLayout.shardFileName(i)));
            }
        }
        StoreLayout.deleteRecursively(staged);
    }
}

package io.icn.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The file store's disaster recovery: discards the index and rebuilds it from the chunk directories (manifest and
 * shard files, every shard re-hashed), quarantining what fails and leaving foreign directories in place, then
 * checkpoints the new index. The rebuild runs on the writer thread alone ({@link ExclusiveOp}); while it runs,
 * {@link #refuseWrites()} refuses writes at once with its progress rather than let them wait for all of it.
 * Thread-safe.
 */
final class IndexRebuilder {

    /** How far the running rebuild has come, for the message of the writes it refuses. */
    private static final class Progress {
        volatile long done;
        volatile long total = -1;
    }

    private final StoreLayout layout;
    private final StoreIndex index;
    private final ShardCache cache;
    private final AtomicLong nextTxid;
    private final StoreWriter writer;
    /** The rebuild running now, if any. */
    private final AtomicReference<Progress> running = new AtomicReference<>();

    IndexRebuilder(StoreLayout layout, StoreIndex index, ShardCache cache, AtomicLong nextTxid, StoreWriter writer) {
        this.layout = layout;
        this.index = index;
        this.cache = cache;
        this.nextTxid = nextTxid;
        this.writer = writer;
    }

    /** @throws RebuildInProgressException while a rebuild runs */
    void refuseWrites() {
        Progress r = running.get();
        if (r != null) {
            throw new RebuildInProgressException("the index of the shard store at " + layout.root + " is being rebuilt ("
                    + (r.total < 0 ? "listing directories" : r.done + " of " + r.total + " directories examined")
                    + "); it takes no writes until the rebuild ends: retry then");
        }
    }

    RebuildReport rebuild(RebuildListener listener) {
        Objects.requireNonNull(listener, "listener");
        Progress progress = new Progress();
        if (!running.compareAndSet(null, progress)) {
            throw new RebuildInProgressException("an index rebuild of the shard store at " + layout.root
                    + " is already running; wait for its answer");
        }
        try {
            return writer.submit(new ExclusiveOp<>(() -> run(listener, progress)));
        } finally {
            running.compareAndSet(progress, null);
        }
    }

    private RebuildReport run(RebuildListener listener, Progress progress) throws IOException {
        UserPrincipal storeUser = storeUser();
        List<Path> dirs = new ArrayList<>();
        List<RebuildReport.Skipped> skipped = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.root)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || !Files.isDirectory(p)) {
                    continue;
                }
                String foreign = whyForeign(p, name, storeUser);
                if (foreign != null) {
                    skipped.add(new RebuildReport.Skipped(name, foreign));
                } else {
                    dirs.add(p);
                }
            }
        }
        progress.total = dirs.size();
        List<ChunkEntry> entries = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        long[] counts = new long[3]; // shards, bytes, quarantined
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long done = 0;
        long txid = nextTxid.getAndIncrement();
        for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            try {
                ChunkEntry e = rebuildChunk(dir, name, txid, buf, counts);
                if (e == null) {
                    unreadable.add(name);
                } else {
                    entries.add(e);
                }
            } catch (IOException | RuntimeException failed) {
                skipped.add(new RebuildReport.Skipped(name, "could not be examined or moved (" + failed
                        + "); left in place and not indexed: fix its permissions or move it out of " + layout.root
                        + ", then rebuild again"));
            }
            progress.done = ++done;
            listener.progress(done, dirs.size());
        }
        layout.force(layout.root);
        layout.force(layout.quarantineDir);
        index.replaceAll(entries);
        cache.invalidateAll();
        writer.checkpointNow();
        return new RebuildReport(entries.size(), counts[0], counts[1], counts[2], unreadable, skipped);
    }

    /**
     * Indexes one directory of the root: a chunk's entry with its shards re-hashed (bad ones quarantined), or null
     * after moving a directory that is no readable chunk into quarantine.
     */
    private ChunkEntry rebuildChunk(Path dir, String name, long txid, ByteBuffer buf, long[] counts) throws IOException {
        ChunkEntry e = readManifest(dir, name);
        if (e == null) {
            StoreLayout.rename(dir, layout.quarantineDir.resolve(name + "." + txid + ".dir"));
            return null;
        }
        Set<String> known = new HashSet<>();
        known.add(StoreLayout.MANIFEST);
        for (int i = 0; i < e.slots(); i++) {
            if (e.state(i) == ChunkEntry.ABSENT) {
                continue;
            }
            Path f = dir.resolve(StoreLayout.shardFileName(i));
            known.add(StoreLayout.shardFileName(i));
            byte[] actual = null;
            if (Files.exists(f) && Files.size(f) == e.spec.shardLength()) {
                actual = Scrubber.hashFile(f, buf, null);
            }
            if (actual != null && e.sha256Equals(i, actual)) {
                e = e.withState(i, ChunkEntry.HEALTHY);
                counts[0]++;
                counts[1] += e.spec.shardLength();
            } else {
                e = e.withState(i, ChunkEntry.QUARANTINED);
                if (Files.exists(f)) {
                    StoreLayout.rename(f, layout.quarantinedShard(name, i, txid));
                    counts[2]++;
                }
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (!known.contains(f.getFileName().toString())) {
                    StoreLayout.rename(f, layout.quarantineDir.resolve(name + "." + f.getFileName() + "." + txid));
                    counts[2]++;
                }
            }
        }
        layout.writeManifest(dir, e);
        return e;
    }

    /** The manifest of the chunk directory {@code name}, or null if it is no chunk's or unreadable. */
    private static ChunkEntry readManifest(Path dir, String name) {
        if (!Cid.isValid(name)) {
            return null;
        }
        try {
            ChunkEntry e = ChunkEntry.decode(ByteBuffer.wrap(Files.readAllBytes(dir.resolve(StoreLayout.MANIFEST))));
            return e.cid.toString().equals(name) ? e : null;
        } catch (IOException | RuntimeException bad) {
            return null;
        }
    }

    /** The user this process writes files as (the owner of a file it creates), or null where owners are unknown. */
    private UserPrincipal storeUser() {
        Path probe = null;
        try {
            probe = Files.createTempFile(layout.stagingDir, "owner", ".probe");
            return Files.getOwner(probe);
        } catch (IOException | UnsupportedOperationException unknown) {
            return null;
        } finally {
            if (probe != null) {
                StoreLayout.deleteQuietly(probe);
            }
        }
    }

    /**
     * Why a directory of the root must be left alone by a rebuild, or null if the rebuild may index or move it: a
     * file system's {@code lost+found}; or a directory that is no chunk (the rebuild would move it into quarantine)
     * and that the store's user does not own or may not write. A chunk directory is indexed whoever owns it, if the
     * store may write it; a failure there skips it too.
     */
    private String whyForeign(Path dir, String name, UserPrincipal storeUser) {
        if (name.equals("lost+found")) {
            return "the file system's own directory (fsck recovers files into it); never moved. Keep the store's"
                    + " root a directory below the mount point to keep it out";
        }
        if (Cid.isValid(name)) {
            return null;
        }
        try {
            UserPrincipal owner = storeUser != null ? Files.getOwner(dir) : null;
            if (owner != null && !owner.equals(storeUser)) {
                return "owned by " + owner.getName() + ", not by the store's user " + storeUser.getName()
                        + ", and no chunk; left in place: move it out of " + layout.root;
            }
        } catch (IOException | UnsupportedOperationException unknown) {
            // owner unknown: the write check below decides
        }
        if (!Files.isWritable(dir)) {
            return "not writable by the store's user, and no chunk; left in place: move it out of " + layout.root;
        }
        return null;
    }
}

package io.icn.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's single writer thread. It takes every operation queued at that moment and lets each
 * {@linkplain WriteOp#enter enter the batch}: journalled ones form a group commit (one journal record each, one
 * journal force, the files changed, the touched directories forced once, then the index published), an exclusive
 * one runs alone between groups, the stop ends the loop. After a group, when the journal has grown past the
 * threshold and no checkpoint is in flight, it starts the next journal generation and hands a snapshot of the index
 * to the {@link Checkpointer}; it never writes a checkpoint itself except at close and after an index rebuild.
 *
 * <p>After an I/O fault while applying a committed write the writer refuses further writes ({@link #failure()});
 * recovery completes what the journal holds.
 *
 * <p>Thread-safe: {@link #submit} and {@link #close} from any thread; the rest runs on the writer thread.
 */
final class StoreWriter {

    private final StoreLayout layout;
    private final StoreIndex index;
    private final ShardCache cache;
    private final IndexJournal journal;
    private final Checkpointer checkpointer;
    private final AtomicLong nextTxid;
    private final long checkpointBytes;
    private final LinkedBlockingQueue<WriteOp<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Object closeLock = new Object();
    private boolean closed;
    private volatile Throwable failure;
    /**
     * Writer-thread confined: everything journaled so far has been applied, and the next group commit should say so
     * with an {@link IndexJournal#APPLIED} marker. Markers are written only with fsync, where "applied" also means
     * durable; without fsync recovery re-checks every journaled chunk.
     */
    private boolean appliedSinceMarker = true;

    StoreWriter(StoreLayout layout, StoreIndex index, ShardCache cache, IndexJournal journal, Checkpointer checkpointer,
            AtomicLong nextTxid, long checkpointBytes, ThreadFactory threads) {
        this.layout = layout;
        this.index = index;
        this.cache = cache;
        this.journal = journal;
        this.checkpointer = checkpointer;
        this.nextTxid = nextTxid;
        this.checkpointBytes = checkpointBytes;
        this.thread = threads.newThread(this::loop);
        thread.start();
    }

    /** Queues {@code op} and waits for its answer. */
    <R> R submit(WriteOp<R> op) {
        synchronized (closeLock) {
            if (closed) {
                throw closedException();
            }
            queue.add(op);
        }
        return op.await(layout);
    }

    /** The I/O fault after which the writer refuses writes, or null. */
    Throwable failure() {
        return failure;
    }

    /** Stops the writer after the operations queued before: commits them, writes the final checkpoint, then ends. */
    void close() throws InterruptedException {
        StopOp stop = new StopOp();
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(stop);
        }
        try {
            stop.await(layout);
        } finally {
            thread.join();
        }
    }

    private StoreClosedException closedException() {
        return new StoreClosedException("shard store at " + layout.root + " is closed");
    }

    /** The operations the writer took in one go, as they enter it; writer-thread confined. */
    final class Batch {
        private final List<JournaledOp<?>> group = new ArrayList<>();
        private boolean stopped;

        /** A journalled operation joins the group commit. */
        void join(JournaledOp<?> op) {
            if (stopped) {
                op.fail(closedException());
            } else {
                group.add(op);
            }
        }

        /** An exclusive operation: the group so far is committed, then the operation runs alone. */
        void alone(ExclusiveOp<?> op) {
            if (stopped) {
                op.fail(closedException());
                return;
            }
            commitGroup();
            op.run();
        }

        /** The stop: the group so far is committed, the final checkpoint written, and the loop ends. */
        void stop(StopOp op) {
            commitGroup();
            stopped = true;
            try {
                if (failure == null && (journal.size() > 0 || checkpointer.durableGeneration() < journal.generation())) {
                    checkpointNow();
                }
                checkpointer.awaitIdle();
                op.complete(null);
            } catch (IOException | RuntimeException e) {
                op.fail(e);
            }
        }

        private void commitGroup() {
            StoreWriter.this.commitGroup(group);
            group.clear();
        }
    }

    private void loop() {
        List<WriteOp<?>> taken = new ArrayList<>();
        Batch batch = new Batch();
        while (!batch.stopped) {
            taken.clear();
            try {
                taken.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(taken, 255);
            for (WriteOp<?> op : taken) {
                op.enter(batch);
            }
            if (!batch.stopped) {
                batch.commitGroup();
                maybeStartCheckpoint();
            }
        }
        List<WriteOp<?>> left = new ArrayList<>();
        queue.drainTo(left);
        for (WriteOp<?> op : left) {
            op.fail(closedException());
        }
    }

    private void maybeStartCheckpoint() {
        if (failure != null || journal.size() < checkpointBytes || !checkpointer.idle()) {
            return;
        }
        try {
            long maxTxid = nextTxid.get() - 1;
            List<ChunkEntry> snapshot = new ArrayList<>(index.entries());
            long gen = journal.rotate();
            checkpointer.start(gen, snapshot, maxTxid);
        } catch (IOException e) {
            // no new journal: appends continue in the current one and the next group tries again
        }
    }

    /**
     * Writes a checkpoint of the index now, on the writer thread, after any background one has ended (close, and an
     * index rebuild, whose index the journals do not describe).
     */
    void checkpointNow() throws IOException {
        checkpointer.awaitIdle();
        long maxTxid = nextTxid.get() - 1;
        List<ChunkEntry> snapshot = new ArrayList<>(index.entries());
        long gen = journal.rotate();
        checkpointer.writeNow(gen, snapshot, maxTxid);
    }

    private void commitGroup(List<JournaledOp<?>> ops) {
        if (ops.isEmpty()) {
            return;
        }
        if (failure != null) {
            for (JournaledOp<?> op : ops) {
                op.fail(new StoreClosedException("shard store at " + layout.root + " stopped after an I/O fault",
                        failure));
            }
            return;
        }
        GroupCommit group = new GroupCommit(layout, index, cache, nextTxid);
        List<JournaledOp<?>> prepared = new ArrayList<>();
        List<byte[]> records = new ArrayList<>();
        for (JournaledOp<?> op : ops) {
            try {
                if (op.prepare(group)) {
                    prepared.add(op);
                    records.add(op.record());
                    group.prepared(op);
                }
            } catch (RuntimeException e) {
                op.fail(e);
            }
        }
        boolean marked = layout.fsync && appliedSinceMarker && !records.isEmpty();
        if (marked) {
            records.add(0, IndexJournal.appliedRecord());
        }
        try {
            journal.append(records);
            if (marked) {
                appliedSinceMarker = false;
            }
        } catch (IOException e) {
            for (JournaledOp<?> op : prepared) {
                op.fail(StoreLayout.failure(e, op.bytesAdded(), "commit to the index journal"));
            }
            return;
        }
        int applied = 0;
        try {
            for (JournaledOp<?> op : prepared) {
                op.apply(group);
                applied++;
            }
            for (Path d : group.dirsToForce) {
                layout.force(d);
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            for (int i = 0; i < prepared.size(); i++) {
                if (i < applied) {
                    prepared.get(i).publish(group);
                } else {
                    prepared.get(i).fail(new StorageException("applying a committed write failed at " + layout.root
                            + "; the store stops accepting writes and completes it on restart", e));
                }
            }
            return;
        }
        for (JournaledOp<?> op : prepared) {
            op.publish(group);
        }
        appliedSinceMarker = true;
        for (Path t : group.trash) {
            StoreLayout.deleteQuietly(t);
        }
    }
}

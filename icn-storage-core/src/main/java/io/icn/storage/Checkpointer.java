package io.icn.storage;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes index checkpoints off the writer thread. The writer, between two group commits, starts a new journal
 * generation and hands this class a snapshot of the index that covers exactly the journals before it
 * ({@link #start}); this class writes the snapshot as that generation's checkpoint on its own thread while the writer
 * goes on committing, and once the checkpoint is durable deletes the checkpoints and journals it covers. One
 * checkpoint at a time: while one is written (or waits to be retried) the writer keeps appending to its journal.
 *
 * <p>A failed checkpoint is never swallowed: it is logged (System.Logger {@code io.icn.storage}), counted
 * ({@code icn_super_node_checkpoint_failures_total}), shown in {@link ShardStore.Maintenance#health()} until a
 * checkpoint succeeds, and retried with the same snapshot after 1, 2, 4 ... up to 60 seconds. Meanwhile the journals
 * it would cover stay, so recovery is exactly as safe, only longer.
 *
 * <p>Thread-safe: {@link #start}, {@link #writeNow} and {@link #idle} are called by the writer thread, the health
 * accessors by any thread.
 */
final class Checkpointer implements AutoCloseable {

    private static final Logger LOG = System.getLogger("io.icn.storage");
    private static final long FIRST_RETRY_MILLIS = 1_000;
    private static final long MAX_RETRY_MILLIS = 60_000;

    private final StoreLayout layout;
    private final StoreMetrics metrics;
    private final Clock clock;
    private final ExecutorService thread;
    private final Object lock = new Object();
    /** The checkpoint being written or waiting for a retry; null when idle. Guarded by {@link #lock}. */
    private Future<?> running;
    /** Set to end the retries of the running checkpoint (close, or a checkpoint written now). Guarded by {@link #lock}. */
    private boolean cancelRetries;
    private final AtomicLong failures = new AtomicLong();
    private volatile String lastFailure;
    private volatile Instant lastSuccess;
    private volatile long durableGeneration;

    Checkpointer(StoreLayout layout, StoreMetrics metrics, Clock clock, long loadedGeneration, ThreadFactory threads) {
        this.layout = layout;
        this.metrics = metrics;
        this.clock = clock;
        this.durableGeneration = loadedGeneration;
        this.thread = Executors.newSingleThreadExecutor(threads);
    }

    /** Whether no checkpoint is being written or waiting for its retry. */
    boolean idle() {
        synchronized (lock) {
            return running == null || running.isDone();
        }
    }

    /**
     * Writes {@code snapshot} as the checkpoint of generation {@code gen} in the background, retrying until it is
     * durable or {@link #writeNow} or {@link #close} ends the retries. Call only when {@link #idle()}.
     *
     * @param snapshot the index when the writer began journal {@code gen}; nobody changes the list afterwards
     */
    void start(long gen, List<ChunkEntry> snapshot, long maxTxid) {
        synchronized (lock) {
            cancelRetries = false;
            running = thread.submit(() -> writeRetrying(gen, snapshot, maxTxid));
        }
    }

    private void writeRetrying(long gen, List<ChunkEntry> snapshot, long maxTxid) {
        long backoff = FIRST_RETRY_MILLIS;
        while (true) {
            try {
                write(gen, snapshot, maxTxid);
                return;
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "checkpoint " + gen + " of the shard store at " + layout.root + " failed (" + e
                        + "); the journal is kept and the checkpoint retried in " + backoff + " ms", e);
            }
            synchronized (lock) {
                long until = System.nanoTime() + backoff * 1_000_000;
                long left;
                while (!cancelRetries && (left = until - System.nanoTime()) > 0) {
                    try {
                        lock.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (cancelRetries) {
                    return;
                }
            }
            backoff = Math.min(MAX_RETRY_MILLIS, backoff * 2);
        }
    }

    /**
     * Ends the retries of the checkpoint in flight, waits for it, then writes {@code snapshot} as generation
     * {@code gen} on the calling thread (the writer: at close and after an index rebuild).
     *
     * @throws IOException when this checkpoint fails (it is also reported as a background one would be)
     */
    void writeNow(long gen, List<ChunkEntry> snapshot, long maxTxid) throws IOException {
        awaitIdle();
        write(gen, snapshot, maxTxid);
    }

    /** Ends the retries of the checkpoint in flight and waits for it to end. */
    void awaitIdle() {
        Future<?> f;
        synchronized (lock) {
            cancelRetries = true;
            lock.notifyAll();
            f = running;
        }
        if (f != null) {
            ShardStaging.awaitQuietly(List.of(f));
        }
    }

    private void write(long gen, List<ChunkEntry> snapshot, long maxTxid) throws IOException {
        try {
            IndexCheckpoint.write(layout, gen, snapshot, maxTxid);
            IndexJournal.deleteCovered(layout.indexDir, gen);
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            metrics.checkpointFailures.increment();
            lastFailure = clock.instant() + ": checkpoint " + gen + " failed: " + e;
            throw e;
        }
        durableGeneration = gen;
        lastSuccess = clock.instant();
        lastFailure = null;
        metrics.checkpoints.increment();
    }

    /** Checkpoints that failed since the store opened (each retry that fails counts). */
    long failures() {
        return failures.get();
    }

    /** The latest failure, while no checkpoint has succeeded since. */
    Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** When the latest checkpoint became durable, if one did since the store opened. */
    Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    /** The generation of the newest durable checkpoint (0: none yet). */
    long durableGeneration() {
        return durableGeneration;
    }

    /** Ends retries, waits for a checkpoint being written, stops the thread. */
    @Override
    public void close() {
        awaitIdle();
        thread.shutdown();
    }
}

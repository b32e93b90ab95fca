package io.icn.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Keeps one scrub pass's reads under a rate of bytes per second of the store's clock, by sleeping (through the
 * store's {@link Sleeper}) whenever the pass is ahead of its budget; a pass sleeping for a small budget ends within
 * {@link #MAX_SLEEP_NANOS} of the store's close. One per pass; confined to the scrubbing thread.
 */
final class ScrubPacer {

    /** The longest a paced scrub sleeps before it looks whether the store was closed. */
    static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Clock clock;
    private final Sleeper sleeper;
    private final long bytesPerSecond;
    private final BooleanSupplier closed;
    private final Object store;
    private final long startNanos;
    private long bytes;

    ScrubPacer(Clock clock, Sleeper sleeper, long bytesPerSecond, BooleanSupplier closed, Object store) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.bytesPerSecond = bytesPerSecond;
        this.closed = closed;
        this.store = store;
        this.startNanos = nanos();
    }

    private long nanos() {
        Instant t = clock.instant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** Counts {@code n} bytes read and sleeps while the pass is ahead of its budget. */
    void account(long n) {
        bytes += n;
        long due = (long) (bytes * 1e9 / bytesPerSecond);
        for (long ahead = due - (nanos() - startNanos); ahead > 0; ahead -= MAX_SLEEP_NANOS) {
            if (closed.getAsBoolean()) {
                throw new StoreClosedException("shard store at " + store + " closed during a scrub");
            }
            try {
                sleeper.sleep(Duration.ofNanos(Math.min(ahead, MAX_SLEEP_NANOS)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("scrub interrupted", e);
            }
        }
    }
}

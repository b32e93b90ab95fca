package io.icn.transport.quic;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide memory budget of PUT bodies ({@link ServerConfig#maxConcurrentPutBytes()}): a PUT reserves its
 * announced length before a byte of its body is kept, and gives it back when its buffer is dropped or the sink
 * is done with it. A PUT that does not fit is refused with {@link Status#BUSY}, never queued.
 *
 * <p>Thread-safe (lock-free).
 */
final class IngestBudget {

    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    IngestBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Reserves {@code bytes} if they fit; pair a {@code true} with one {@link #release(long)}. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (bytes > capacity - now) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes reserved right now. */
    long used() {
        return used.get();
    }
}

package io.icn.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that moves only when told to: pass it wherever a component takes a clock (the shard
 * store's creation times, a scheduler's notion of now) and advance it from the test.
 *
 * <p>{@link #withZone(ZoneId)} returns a view in another zone that shares this clock's instant: advancing
 * either moves both.
 *
 * <p>Thread-safe: the instant is read and moved atomically, and every thread sees a move at once.
 */
public final class ManualClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock at {@code start}, in UTC. */
    public ManualClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /**
     * Moves the clock forward by {@code amount}.
     *
     * @return the new instant
     * @throws IllegalArgumentException if {@code amount} is negative; use {@link #set(Instant)} to go back
     */
    public Instant advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("a manual clock advances by a non-negative amount: " + amount);
        }
        return now.updateAndGet(t -> t.plus(amount));
    }

    /** Puts the clock at {@code instant}, forward or back (a wall clock can be set back too). */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view in {@code newZone} sharing this clock's instant. */
    @Override
    public Clock withZone(ZoneId newZone) {
        return newZone.equals(zone) ? this : new ManualClock(now, newZone);
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + ", " + zone + "]";
    }
}

package io.icn.transport.quic;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code ratePerSecond} tokens accrue continuously up to {@code burst}.
 *
 * <p>Two ways to take tokens: {@link #tryTake(long)} takes them only if they are there (used for request
 * rates: excess requests are refused); {@link #reserve(long)} always takes them, letting the balance go
 * negative, and returns how long the caller must wait before using them (used for bandwidth: each
 * stream of a client waits its turn, so streams of one client share its rate in the order they asked).
 *
 * <p>Thread-safe (synchronized; one bucket is touched a few times per 64 KiB chunk).
 */
final class TokenBucket {

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private double tokens;
    private long lastRefill;

    /**
     * @param ratePerSecond tokens per second, {@code > 0}
     * @param burst the most tokens that can accrue, {@code > 0}
     * @param nanoTime the clock, in nanoseconds
     */
    TokenBucket(double ratePerSecond, double burst, LongSupplier nanoTime) {
        if (!(ratePerSecond > 0) || !(burst > 0)) {
            throw new IllegalArgumentException("rate and burst must be > 0: " + ratePerSecond + ", " + burst);
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.lastRefill = nanoTime.getAsLong();
    }

    /**
     * Takes {@code amount} tokens if at least that many are available.
     *
     * @return 0 if taken, otherwise the nanoseconds until they would be (nothing is taken)
     */
    synchronized long tryTake(long amount) {
        refill();
        if (tokens >= amount) {
            tokens -= amount;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((amount - tokens) / ratePerNano));
    }

    /**
     * Takes {@code amount} tokens unconditionally.
     *
     * @return the nanoseconds the caller must wait before sending what the tokens pay for (0 if none)
     */
    synchronized long reserve(long amount) {
        refill();
        tokens -= amount;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / ratePerNano);
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            lastRefill = now;
        }
    }
}

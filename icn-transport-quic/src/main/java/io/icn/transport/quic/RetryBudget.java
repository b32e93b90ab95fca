package io.icn.transport.quic;

/**
 * Caps retries across all requests of a client, so that a failing cluster does not get multiplied load:
 * every first attempt deposits {@code ratio} tokens (up to {@code cap}), every retry spends one. It
 * starts with {@code cap} tokens. Thread-safe.
 */
final class RetryBudget {

    private final double ratio;
    private final double cap;
    private double tokens;

    RetryBudget(double ratio, int cap) {
        if (!(ratio >= 0) || cap < 0) {
            throw new IllegalArgumentException("ratio and cap must be >= 0: " + ratio + ", " + cap);
        }
        this.ratio = ratio;
        this.cap = cap;
        this.tokens = cap;
    }

    synchronized void onAttempt() {
        tokens = Math.min(cap, tokens + ratio);
    }

    /** Whether a retry may be made now; spends a token if so. */
    synchronized boolean tryRetry() {
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}

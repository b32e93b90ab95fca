package io.icn.testing;

/**
 * A {@link LocalCluster} did not reach the state a caller waited for ({@link LocalCluster#produceBlocksUntil})
 * within the time given: the message says what was awaited, for how long, and at which block it gave up.
 */
public final class ClusterTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClusterTimeoutException(String message) {
        super(message);
    }
}

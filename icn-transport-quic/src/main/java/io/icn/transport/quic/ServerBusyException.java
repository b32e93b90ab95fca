package io.icn.transport.quic;

import java.time.Duration;

/**
 * The node refused the request for now ({@link Status#BUSY}): its concurrency, per-connection or
 * per-client limits were reached. Retry no sooner than {@link #retryAfter()}, preferably elsewhere.
 */
public final class ServerBusyException extends RequestRejectedException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public ServerBusyException(Duration retryAfter, String message) {
        super(Status.BUSY, message + " (retry after " + retryAfter.toMillis() + " ms)");
        this.retryAfter = retryAfter;
    }

    /** How long the node asked the client to wait before retrying. */
    public Duration retryAfter() {
        return retryAfter;
    }
}

package io.icn.transport.quic;

import java.util.Objects;

/**
 * The node answered a request with a non-{@link Status#OK OK} status. Statuses a caller handles
 * differently have their own leaves: {@link ShardUnavailableException}, {@link RangeNotSatisfiableException},
 * {@link ServerBusyException}, and for PUT {@link UnauthorizedException}, {@link PayloadTooLargeException},
 * {@link ContentMismatchException}, {@link NodeStorageFullException}, {@link UnsupportedRequestException};
 * integrity statuses raise {@link ShardIntegrityException} instead.
 */
public class RequestRejectedException extends TransportException {
    private static final long serialVersionUID = 1L;

    private final Status status;

    public RequestRejectedException(Status status, String message) {
        super(status + ": " + message);
        this.status = Objects.requireNonNull(status, "status");
    }

    /** The status the node sent. */
    public Status status() {
        return status;
    }
}

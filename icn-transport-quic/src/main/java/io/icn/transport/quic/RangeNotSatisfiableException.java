package io.icn.transport.quic;

/** The byte range asked for is not inside the shard ({@link Status#RANGE_NOT_SATISFIABLE}). */
public final class RangeNotSatisfiableException extends RequestRejectedException {
    private static final long serialVersionUID = 1L;

    public RangeNotSatisfiableException(String message) {
        super(Status.RANGE_NOT_SATISFIABLE, message);
    }
}

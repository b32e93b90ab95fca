package io.icn.p2p.kad;

/** A request or a whole query ran out of time before it had a result. */
public final class KadTimeoutException extends KadException {
    private static final long serialVersionUID = 1L;

    public KadTimeoutException(String message) {
        super(message);
    }

    public KadTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}

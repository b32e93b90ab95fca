package io.icn.p2p.kad;

/** The DHT (or its network) was used after it was closed. */
public final class KadClosedException extends KadException {
    private static final long serialVersionUID = 1L;

    public KadClosedException(String message) {
        super(message);
    }

    public KadClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}

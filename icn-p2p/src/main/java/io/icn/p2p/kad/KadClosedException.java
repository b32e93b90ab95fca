package io.icn.p2p.kad;

/** The DHT (or its network) was used after it was closed. */
public final class KadClosedException extends KadException {
    public KadClosedException(String message) {
        super(message);
    }

    public KadClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}

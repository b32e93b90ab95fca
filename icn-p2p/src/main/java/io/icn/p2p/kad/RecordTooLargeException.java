package io.icn.p2p.kad;

/** A record value larger than the configured maximum (it could not travel in a Kademlia message to every peer). */
public final class RecordTooLargeException extends KadException {
    private static final long serialVersionUID = 1L;

    public RecordTooLargeException(String message) {
        super(message);
    }

    public RecordTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.icn.p2p.kad;

/** A lookup asked the peers closest to a key and none returned a valid record for it. */
public final class RecordNotFoundException extends KadException {
    private static final long serialVersionUID = 1L;

    public RecordNotFoundException(String message) {
        super(message);
    }

    public RecordNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}

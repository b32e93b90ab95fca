package io.icn.p2p.kad;

/** The record or provider store holds as many entries as it is configured to; the new one was not stored. */
public final class RecordStoreFullException extends KadException {
    private static final long serialVersionUID = 1L;

    public RecordStoreFullException(String message) {
        super(message);
    }

    public RecordStoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}

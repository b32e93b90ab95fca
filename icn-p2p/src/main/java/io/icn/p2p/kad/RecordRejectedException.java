package io.icn.p2p.kad;

/** A record that a validator refused: unknown namespace, unparsable value, a signature that does not verify. */
public final class RecordRejectedException extends KadException {
    private static final long serialVersionUID = 1L;

    public RecordRejectedException(String message) {
        super(message);
    }

    public RecordRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}

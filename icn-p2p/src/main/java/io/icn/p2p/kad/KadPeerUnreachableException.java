package io.icn.p2p.kad;

/** A peer could not be reached, or closed or reset the stream before it answered. */
public final class KadPeerUnreachableException extends KadException {
    private static final long serialVersionUID = 1L;

    public KadPeerUnreachableException(String message) {
        super(message);
    }

    public KadPeerUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}

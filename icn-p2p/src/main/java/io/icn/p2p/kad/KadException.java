package io.icn.p2p.kad;

/** The root of every Kademlia failure: a caller catches this to handle them all, or a leaf to act on one. */
public class KadException extends RuntimeException {
    public KadException(String message) {
        super(message);
    }

    public KadException(String message, Throwable cause) {
        super(message, cause);
    }
}

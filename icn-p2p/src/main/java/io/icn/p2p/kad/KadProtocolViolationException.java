package io.icn.p2p.kad;

/** A peer sent a Kademlia message that is malformed, too large, or not allowed in its place; the stream it came on is reset. */
public final class KadProtocolViolationException extends KadException {
    public KadProtocolViolationException(String message) {
        super(message);
    }

    public KadProtocolViolationException(String message, Throwable cause) {
        super(message, cause);
    }
}

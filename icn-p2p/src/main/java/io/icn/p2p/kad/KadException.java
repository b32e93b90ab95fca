package io.icn.p2p.kad;

import io.icn.p2p.P2pException;

/**
 * The root of the Kademlia DHT's own failures (a {@link P2pException}); a caller catches this to handle them all, or
 * a leaf to act on one. Malformed or oversized messages are the module's
 * {@link io.icn.p2p.ProtocolViolationException} and {@link io.icn.p2p.MessageTooLargeException}.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class KadException extends P2pException {
    private static final long serialVersionUID = 1L;

    public KadException(String message) {
        super(message);
    }

    public KadException(String message, Throwable cause) {
        super(message, cause);
    }
}

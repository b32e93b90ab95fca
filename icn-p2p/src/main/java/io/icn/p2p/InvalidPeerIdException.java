package io.icn.p2p;

/**
 * A peer id (base58btc multihash or CIDv1 libp2p-key) is malformed; the message names the input and the fault.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class InvalidPeerIdException extends P2pException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public InvalidPeerIdException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public InvalidPeerIdException(String message, Throwable cause) {
        super(message, cause);
    }
}

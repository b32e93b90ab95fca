package io.icn.p2p;

/**
 * The remote peer is not who it must be or proved nothing: a bad Noise signature, a key that does not match its peer id, a peer id other than the one dialed, an unsupported key type.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class BadPeerException extends P2pException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public BadPeerException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public BadPeerException(String message, Throwable cause) {
        super(message, cause);
    }
}

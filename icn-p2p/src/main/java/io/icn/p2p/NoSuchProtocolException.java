package io.icn.p2p;

/**
 * The remote answered {@code na} to every protocol offered (multistream-select), or a stream asked this host for a protocol no handler is bound to.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class NoSuchProtocolException extends P2pException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public NoSuchProtocolException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public NoSuchProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}

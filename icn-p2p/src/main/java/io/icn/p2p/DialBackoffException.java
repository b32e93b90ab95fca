package io.icn.p2p;

/**
 * A dial was refused without trying because the last dial to that peer failed recently (see {@link HostLimits#dialBackoffBase()}).
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class DialBackoffException extends DialException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public DialBackoffException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public DialBackoffException(String message, Throwable cause) {
        super(message, cause);
    }
}

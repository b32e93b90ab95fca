package io.icn.p2p;

/**
 * A dial did not finish (TCP connect plus every upgrade) within {@link HostLimits#dialTimeout()}.
 *
 * <p>Immutable; thrown on the caller's thread or used to complete a future exceptionally.
 */
public class DialTimeoutException extends DialException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}. */
    public DialTimeoutException(String message) {
        super(message);
    }

    /** An exception with {@code message} and the underlying {@code cause}. */
    public DialTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}

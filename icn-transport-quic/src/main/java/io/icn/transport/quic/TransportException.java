package io.icn.transport.quic;

/**
 * Root of every failure raised by this module: unchecked, with the underlying {@link java.io.IOException}
 * or Netty failure kept as the cause. Leaves name the fault a caller can act on.
 */
public class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}

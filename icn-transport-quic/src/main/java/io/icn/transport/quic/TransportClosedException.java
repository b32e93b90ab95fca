package io.icn.transport.quic;

/** The client or server was used after {@code close()}. */
public final class TransportClosedException extends TransportException {
    private static final long serialVersionUID = 1L;

    public TransportClosedException(String message) {
        super(message);
    }
}

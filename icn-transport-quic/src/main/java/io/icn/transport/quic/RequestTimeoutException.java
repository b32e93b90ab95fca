package io.icn.transport.quic;

/** A request did not complete within its deadline; the stream was cancelled. */
public final class RequestTimeoutException extends TransportException {
    private static final long serialVersionUID = 1L;

    public RequestTimeoutException(String message) {
        super(message);
    }
}

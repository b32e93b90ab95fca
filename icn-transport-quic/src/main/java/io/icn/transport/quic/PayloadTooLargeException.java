package io.icn.transport.quic;

/**
 * The chunk of a PUT is longer than the node accepts ({@link Status#PAYLOAD_TOO_LARGE}); the node refused
 * it from the request frame, before the body.
 */
public final class PayloadTooLargeException extends RequestRejectedException {
    private static final long serialVersionUID = 1L;

    public PayloadTooLargeException(String message) {
        super(Status.PAYLOAD_TOO_LARGE, message);
    }
}

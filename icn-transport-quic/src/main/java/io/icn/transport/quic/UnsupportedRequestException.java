package io.icn.transport.quic;

/**
 * The node does not serve this kind of request ({@link Status#UNSUPPORTED_REQUEST}), e.g. a PUT to a node
 * that takes no ingest.
 */
public final class UnsupportedRequestException extends RequestRejectedException {
    private static final long serialVersionUID = 1L;

    public UnsupportedRequestException(String message) {
        super(Status.UNSUPPORTED_REQUEST, message);
    }
}

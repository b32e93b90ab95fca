package io.icn.transport.quic;

/**
 * The bytes a PUT sent do not hash to the CID it named ({@link Status#CONTENT_MISMATCH}); nothing was
 * stored.
 */
public final class ContentMismatchException extends RequestRejectedException {
    private static final long serialVersionUID = 1L;

    public ContentMismatchException(String message) {
        super(Status.CONTENT_MISMATCH, message);
    }
}

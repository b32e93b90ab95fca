package io.icn.transport.quic;

/**
 * The node's store has no room for the chunk of a PUT ({@link Status#STORAGE_FULL}); nothing was stored.
 * Try another node.
 */
public final class NodeStorageFullException extends RequestRejectedException {
    private static final long serialVersionUID = 1L;

    public NodeStorageFullException(String message) {
        super(Status.STORAGE_FULL, message);
    }
}

package io.icn.transport.quic;

/**
 * The QUIC connection to a node could not be established or was lost: unreachable address, handshake failure, a certificate whose fingerprint is not pinned, or the connection closing under a request.
 */
public final class ConnectionFailedException extends TransportException {
    private static final long serialVersionUID = 1L;

    public ConnectionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

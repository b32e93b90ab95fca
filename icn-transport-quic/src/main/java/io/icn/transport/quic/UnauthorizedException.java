package io.icn.transport.quic;

/**
 * The node refused a PUT from this client ({@link Status#UNAUTHORIZED}): the client presented no certificate
 * ({@link ShardClientBuilder#clientCertificate}), or one whose fingerprint is not among the node's ingest
 * clients ({@link ShardServerBuilder#ingestClients}). Nothing was stored.
 */
public final class UnauthorizedException extends RequestRejectedException {
    private static final long serialVersionUID = 1L;

    public UnauthorizedException(String message) {
        super(Status.UNAUTHORIZED, message);
    }
}

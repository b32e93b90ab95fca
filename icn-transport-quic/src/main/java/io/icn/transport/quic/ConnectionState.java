package io.icn.transport.quic;

import io.netty.handler.codec.quic.QuicChannel;
import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Per-connection bookkeeping of the server, stored on the {@code QuicChannel}. Event-loop confined (all
 * streams of a connection run on the connection's event loop).
 */
final class ConnectionState {

    static final AttributeKey<ConnectionState> KEY = AttributeKey.valueOf(ConnectionState.class, "state");

    final PeerLimits.Peer peer;
    int activeStreams;
    /** The client certificate's fingerprint once a PUT found one; {@code null} before. */
    private String clientFingerprint;

    ConnectionState(PeerLimits.Peer peer) {
        this.peer = peer;
    }

    /**
     * The SHA-256 fingerprint of the certificate the client proved in the TLS handshake of {@code connection},
     * or {@code ""} if it presented none. Computed once per connection that has one.
     */
    String clientFingerprint(QuicChannel connection) {
        if (clientFingerprint == null) {
            String found = fingerprintOf(connection.sslEngine());
            if (found.isEmpty()) {
                return found;
            }
            clientFingerprint = found;
        }
        return clientFingerprint;
    }

    private static String fingerprintOf(SSLEngine engine) {
        if (engine == null) {
            return "";
        }
        try {
            Certificate[] chain = engine.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? NodeCertificate.fingerprintOf(leaf) : "";
        } catch (SSLPeerUnverifiedException e) {
            return "";
        }
    }
}

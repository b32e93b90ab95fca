package io.icn.transport.quic;

import io.netty.handler.codec.quic.QuicChannel;
import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Per-connection bookkeeping of the server, stored on the {@code QuicChannel}. Event-loop confined (all
 * streams of a connection run on the connection's event loop).
 */
final class ConnectionState {

    static final AttributeKey<ConnectionState> KEY = AttributeKey.valueOf(ConnectionState.class, "state");

    final PeerLimits.Peer peer;
    /** The admitted requests' handlers: their count is the connection's active streams. */
    private final Set<ShardStreamHandler> admitted = new LinkedHashSet<>();
    /** {@link System#nanoTime()} when a request was last admitted or ended here, if {@link #anyStream}. */
    private long lastStreamActivity;
    private boolean anyStream;
    /** The client certificate's fingerprint once a PUT found one; {@code null} before. */
    private String clientFingerprint;

    ConnectionState(PeerLimits.Peer peer) {
        this.peer = peer;
    }

    /** The requests admitted on this connection and not yet ended. */
    int activeStreams() {
        return admitted.size();
    }

    /** A request was admitted: {@code handler} holds one of the {@link #activeStreams()}. */
    void admitted(ShardStreamHandler handler) {
        admitted.add(handler);
        lastStreamActivity = System.nanoTime();
        anyStream = true;
    }

    /** The request of {@code handler} ended (it gave back what admission took). */
    void ended(ShardStreamHandler handler) {
        admitted.remove(handler);
        lastStreamActivity = System.nanoTime();
    }

    /** Nanoseconds since a request was last admitted or ended on this connection; {@link Long#MAX_VALUE} if none was. */
    long nanosSinceStreamActivity() {
        return anyStream ? System.nanoTime() - lastStreamActivity : Long.MAX_VALUE;
    }

    /**
     * Resets every admitted request's stream with the shutdown code (quiche drops what it had not sent of them) and
     * returns whether there was any.
     */
    boolean shutDownStreams() {
        List<ShardStreamHandler> streams = List.copyOf(admitted); // each one's end removes it from the set
        streams.forEach(ShardStreamHandler::shutDown);
        return !streams.isEmpty();
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

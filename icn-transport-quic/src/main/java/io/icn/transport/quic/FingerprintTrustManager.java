package io.icn.transport.quic;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust decisions of {@code icn-shard/1}, which has no CA. A client's instance trusts a node whose leaf
 * certificate's SHA-256 fingerprint is pinned, or (when no pins are given) any node: the explicit, test-only
 * choice {@link ShardClientBuilder#trustAnyCertificate()}, and the choice of a client that pins a certificate per
 * node ({@link ShardClientBuilder#pinnedNodes}), which checks each node's certificate against its address's pin
 * once the handshake is done and before sending anything. It refuses client certificates. A
 * node's instance ({@link #anyClient()}) accepts any client certificate: the TLS handshake proves the client
 * holds its key, and whether that key may PUT is decided per request from the fingerprint (a client without a
 * certificate may still GET). Immutable and thread-safe.
 */
final class FingerprintTrustManager extends X509ExtendedTrustManager {

    private final Predicate<String> pinned;
    private final boolean clientsAccepted;

    /** @param pinned whether a normalised fingerprint is pinned, asked at each handshake; {@code null}: any */
    FingerprintTrustManager(Predicate<String> pinned) {
        this(pinned, false);
    }

    private FingerprintTrustManager(Predicate<String> pinned, boolean clientsAccepted) {
        this.pinned = pinned;
        this.clientsAccepted = clientsAccepted;
    }

    /** The node's side: any client certificate is accepted; node certificates are not expected. */
    static FingerprintTrustManager anyClient() {
        return new FingerprintTrustManager(f -> false, true);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the node presented no certificate");
        }
        if (clientsAccepted) {
            throw new CertificateException("a node does not check node certificates");
        }
        if (pinned == null) {
            return;
        }
        String fingerprint = NodeCertificate.fingerprintOf(chain[0]);
        if (!pinned.test(fingerprint)) {
            throw new CertificateException("node certificate fingerprint " + fingerprint + " is not pinned");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (!clientsAccepted) {
            throw new CertificateException("a client does not accept client certificates");
        }
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the client presented an empty certificate chain");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}

package io.icn.transport.quic;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server whose leaf certificate's SHA-256 fingerprint is pinned, or (when the pin set is
 * {@code null}) any server: the explicit, test-only choice {@link ShardClientBuilder#trustAnyCertificate()}.
 * Client certificates are never accepted. Immutable and thread-safe.
 */
final class FingerprintTrustManager extends X509ExtendedTrustManager {

    private final Set<String> pins;

    /** @param pins normalised fingerprints, or {@code null} to trust any certificate */
    FingerprintTrustManager(Set<String> pins) {
        this.pins = pins == null ? null : Set.copyOf(pins);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the node presented no certificate");
        }
        if (pins == null) {
            return;
        }
        String fingerprint = NodeCertificate.fingerprintOf(chain[0]);
        if (!pins.contains(fingerprint)) {
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
        throw new CertificateException("client certificates are not used by icn-shard/1");
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

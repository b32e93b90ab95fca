package io.icn.node;

import io.icn.chain.NodeEndpoint;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * Another node's shard server as the replicator reaches it: {@code host:port} and the SHA-256 fingerprint
 * of its certificate, which is pinned for that address alone. From the chain's node registry or a
 * {@code peers} entry of the configuration, written {@code host:port#fingerprint}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param host a host name or address (IPv6 without brackets)
 * @param port 1..65535
 * @param fingerprint 64 lower-case hex digits
 */
record QuicPeer(String host, int port, String fingerprint) {

    QuicPeer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("peer host '" + host + "' is empty or has spaces");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("peer port " + port + " is not 1..65535");
        }
        fingerprint = fingerprint.replace(":", "").toLowerCase(Locale.ROOT);
        if (!fingerprint.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("peer fingerprint '" + fingerprint + "' is not 64 hex digits");
        }
    }

    /**
     * Parses {@code host:port#fingerprint} ({@code [v6]:port#fingerprint} for IPv6).
     *
     * @throws IllegalArgumentException naming the entry if it does not have that shape
     */
    static QuicPeer parse(String entry) {
        Objects.requireNonNull(entry, "entry");
        int hash = entry.indexOf('#');
        int colon = hash < 0 ? -1 : entry.lastIndexOf(':', hash);
        if (hash < 0 || colon <= 0) {
            throw new IllegalArgumentException("peer '" + entry + "' is not host:port#fingerprint, e.g."
                    + " \"203.0.113.7:9002#<64 hex digits of the node's quic_fingerprint>\"");
        }
        String host = entry.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(entry.substring(colon + 1, hash));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer '" + entry + "' has no numeric port", e);
        }
        try {
            return new QuicPeer(host, port, entry.substring(hash + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("peer '" + entry + "': " + e.getMessage(), e);
        }
    }

    /** The peer a chain endpoint names. */
    static QuicPeer of(NodeEndpoint endpoint) {
        return new QuicPeer(endpoint.host(), endpoint.port(), endpoint.certificateFingerprint());
    }

    /** The socket address (resolves a host name). */
    InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

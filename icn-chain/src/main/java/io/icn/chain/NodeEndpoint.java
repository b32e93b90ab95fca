package io.icn.chain;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a super-node serves its shards, as it registered it on the chain: its QUIC address
 * ({@code icn-shard/1}) and the SHA-256 fingerprint of its certificate, which a client pins. Until the
 * DHT is wired, this registry is how one node finds another that holds a chunk (see docs/chain.md).
 *
 * <p>Immutable and thread-safe.
 *
 * @param account the super-node's account
 * @param quicAddress {@code host:port} (an IPv6 host in brackets, {@code [::1]:9002}), port 1..65535
 * @param certificateFingerprint 64 hex digits; colons are dropped and letters lower-cased
 */
public record NodeEndpoint(AccountId account, String quicAddress, String certificateFingerprint) {

    public NodeEndpoint {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(quicAddress, "quicAddress");
        Objects.requireNonNull(certificateFingerprint, "certificateFingerprint");
        checkAddress(quicAddress);
        certificateFingerprint = certificateFingerprint.replace(":", "").toLowerCase(Locale.ROOT);
        if (!certificateFingerprint.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("certificate fingerprint '" + certificateFingerprint
                    + "' of " + account + " is not 64 hex digits (a SHA-256)");
        }
    }

    /** The host part of {@link #quicAddress()}, without IPv6 brackets. */
    public String host() {
        String host = quicAddress.substring(0, quicAddress.lastIndexOf(':'));
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port part of {@link #quicAddress()}. */
    public int port() {
        return Integer.parseInt(quicAddress.substring(quicAddress.lastIndexOf(':') + 1));
    }

    private static void checkAddress(String address) {
        int colon = address.lastIndexOf(':');
        String host = colon <= 0 ? "" : address.substring(0, colon);
        boolean bracketed = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
        boolean plain = !host.isEmpty() && host.indexOf(':') < 0 && host.indexOf('[') < 0;
        boolean clean = address.length() <= 255 && address.chars().allMatch(c -> c > ' ' && c <= '~');
        int port = -1;
        if (colon > 0 && colon < address.length() - 1 && address.substring(colon + 1).chars().allMatch(Character::isDigit)
                && address.length() - colon - 1 <= 5) {
            port = Integer.parseInt(address.substring(colon + 1));
        }
        if (!clean || !(bracketed || plain) || port < 1 || port > 65_535) {
            throw new IllegalArgumentException("QUIC address '" + address + "' is not host:port with a port of"
                    + " 1..65535 (e.g. 203.0.113.7:9002 or [2001:db8::7]:9002)");
        }
    }
}

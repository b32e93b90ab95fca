package io.icn.node;

import io.icn.transport.quic.NodeCertificate;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The node's QUIC shard server: where it listens, the address it advertises, and the directors that may PUT
 * chunks. The certificate is the node's own, kept in its storage directory.
 *
 * <p>Immutable and thread-safe.
 *
 * @param bind the address the server listens on
 * @param port the UDP port, 0 = chosen by the system
 * @param advertise the host other nodes reach this one at; empty = {@code bind} unless it is a wildcard, then
 *     {@code 127.0.0.1}
 * @param ingestClients SHA-256 fingerprints of the directors' client certificates allowed to PUT, normalised to
 *     64 lower-case hex digits; empty = PUT refused to everybody
 * @param maxPutBytes the longest chunk one PUT may carry
 * @param putBudgetBytes the PUT bodies held at once, server-wide; at least {@code maxPutBytes}
 * @param limits bandwidth, connection and request limits of the server
 */
public record QuicConfig(String bind, int port, String advertise, Set<String> ingestClients, long maxPutBytes,
        long putBudgetBytes, TransportLimits limits) {

    /** Port 9002 on every address, no PUT, chunks up to 64 MiB, 256 MiB of them at once, the server's limits. */
    public static final QuicConfig DEFAULT = new QuicConfig("0.0.0.0", 9002, "", Set.of(), 64L << 20, 256L << 20,
            TransportLimits.DEFAULT);

    /** With the server's default {@link TransportLimits}. */
    public QuicConfig(String bind, int port, String advertise, Set<String> ingestClients, long maxPutBytes,
            long putBudgetBytes) {
        this(bind, port, advertise, ingestClients, maxPutBytes, putBudgetBytes, TransportLimits.DEFAULT);
    }

    public QuicConfig {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(advertise, "advertise");
        ConfigChecks.host("bind", bind);
        if (!advertise.isEmpty()) {
            ConfigChecks.host("advertise", advertise);
        }
        ConfigChecks.port("port", port);
        ingestClients = ingestClients.stream().map(QuicConfig::fingerprint)
                .collect(Collectors.toUnmodifiableSet());
        ConfigChecks.range("maxPutBytes", maxPutBytes, 1, Integer.MAX_VALUE - 8);
        if (putBudgetBytes < maxPutBytes) {
            throw new ConfigException("putBudgetBytes = " + putBudgetBytes + " is below maxPutBytes = " + maxPutBytes
                    + ", so the largest PUT could never be admitted; raise it to at least " + maxPutBytes);
        }
    }

    /**
     * The host this node advertises: {@link #advertise()} if set, else {@link #bind()} unless that is a wildcard
     * ({@code 0.0.0.0}, {@code ::}), else {@code 127.0.0.1}.
     */
    public String advertisedHost() {
        if (!advertise.isEmpty()) {
            return advertise;
        }
        boolean wildcard = bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("0:0:0:0:0:0:0:0");
        return wildcard ? "127.0.0.1" : bind;
    }

    public QuicConfig withBind(String host, int value) {
        return new QuicConfig(host, value, advertise, ingestClients, maxPutBytes, putBudgetBytes, limits);
    }

    public QuicConfig withAdvertise(String host) {
        return new QuicConfig(bind, port, host, ingestClients, maxPutBytes, putBudgetBytes, limits);
    }

    public QuicConfig withIngestClients(Set<String> fingerprints) {
        return new QuicConfig(bind, port, advertise, fingerprints, maxPutBytes, putBudgetBytes, limits);
    }

    public QuicConfig withPutLimits(long maxPut, long budget) {
        return new QuicConfig(bind, port, advertise, ingestClients, maxPut, budget, limits);
    }

    public QuicConfig withLimits(TransportLimits value) {
        return new QuicConfig(bind, port, advertise, ingestClients, maxPutBytes, putBudgetBytes, value);
    }

    private static String fingerprint(String value) {
        try {
            return NodeCertificate.normaliseFingerprint(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ingest client \"" + value + "\" is not a certificate fingerprint; write the 64"
                    + " hex digits of a director's certificate (colons allowed), as 'icn-node director-cert' prints them");
        }
    }
}

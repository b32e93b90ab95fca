package io.icn.p2p.kad;

import java.time.Duration;
import java.util.Objects;

/**
 * How a Kademlia node behaves. Defaults follow rust-libp2p kad 0.45, which the original ICN nodes
 * ran: k = 20, α = 3, a 60 s query timeout, records kept 36 h, provider records 24 h, at most 1024
 * records held for others.
 *
 * <p>Immutable and thread-safe; validated on construction.
 *
 * @param protocolId the stream protocol, {@code /ipfs/kad/1.0.0} by default
 * @param k bucket size and replication factor
 * @param alpha requests in flight per query
 * @param requestTimeout the longest wait for one peer's response
 * @param queryTimeout the longest a whole query runs
 * @param serverMode whether this node answers requests (and so belongs in other nodes' tables)
 * @param maxInboundMessageBytes largest message accepted: 20 KiB. rust-libp2p sends and accepts at
 *     most 16 KiB ({@code max_packet_size}); a js or go peer that holds a record that large answers a
 *     GET_VALUE with it plus up to 20 closer peers, about 4 KiB more, and has no 16 KiB cap of its own
 * @param maxOutboundMessageBytes largest message sent: 16 KiB, what a rust peer accepts; closer peers are
 *     dropped from a response that would be larger
 * @param maxRecords records held for others
 * @param maxValueBytes largest record value stored or put: 14 KiB, so a record, its key and a few
 *     closer peers fit in a 16 KiB message
 * @param recordTtl how long a record put here lives
 * @param maxProviderKeys keys with provider records held for others
 * @param maxProvidersPerKey providers remembered per key
 * @param providerTtl how long a provider record lives
 * @param refreshInterval how often buckets not used by a lookup for that long are refreshed
 * @param livenessProbeAfter how long a bucket's least recently seen peer may be silent before a new
 *     peer for its full bucket makes us probe it
 * @param getQuorum valid records a GET_VALUE waits for before it stops
 * @param putQuorum peers that must acknowledge a PUT_VALUE for it to succeed
 */
public record KadConfig(String protocolId, int k, int alpha, Duration requestTimeout, Duration queryTimeout,
        boolean serverMode, int maxInboundMessageBytes, int maxOutboundMessageBytes, int maxRecords,
        int maxValueBytes, Duration recordTtl, int maxProviderKeys, int maxProvidersPerKey, Duration providerTtl,
        Duration refreshInterval, Duration livenessProbeAfter, int getQuorum, int putQuorum) {

    public static final String DEFAULT_PROTOCOL = "/ipfs/kad/1.0.0";

    public KadConfig {
        Objects.requireNonNull(protocolId, "protocolId");
        if (!protocolId.startsWith("/") || protocolId.length() > 128) {
            throw new IllegalArgumentException("a protocol id starts with / and has at most 128 chars: " + protocolId);
        }
        positive(k, "k");
        positive(alpha, "alpha");
        positive(requestTimeout, "requestTimeout");
        positive(queryTimeout, "queryTimeout");
        positive(maxOutboundMessageBytes, "maxOutboundMessageBytes");
        if (maxInboundMessageBytes < maxOutboundMessageBytes) {
            throw new IllegalArgumentException("maxInboundMessageBytes " + maxInboundMessageBytes
                    + " is below maxOutboundMessageBytes " + maxOutboundMessageBytes);
        }
        positive(maxRecords, "maxRecords");
        positive(maxValueBytes, "maxValueBytes");
        if (maxValueBytes >= maxOutboundMessageBytes) {
            throw new IllegalArgumentException("maxValueBytes " + maxValueBytes + " leaves no room in a message of "
                    + maxOutboundMessageBytes + " bytes");
        }
        positive(recordTtl, "recordTtl");
        positive(maxProviderKeys, "maxProviderKeys");
        positive(maxProvidersPerKey, "maxProvidersPerKey");
        positive(providerTtl, "providerTtl");
        positive(refreshInterval, "refreshInterval");
        positive(livenessProbeAfter, "livenessProbeAfter");
        positive(getQuorum, "getQuorum");
        positive(putQuorum, "putQuorum");
        if (putQuorum > k) {
            throw new IllegalArgumentException("putQuorum " + putQuorum + " exceeds k " + k);
        }
    }

    private static void positive(int v, String name) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1: " + v);
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /** The defaults described above, in server mode. */
    public static KadConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.protocolId = protocolId;
        b.k = k;
        b.alpha = alpha;
        b.requestTimeout = requestTimeout;
        b.queryTimeout = queryTimeout;
        b.serverMode = serverMode;
        b.maxInboundMessageBytes = maxInboundMessageBytes;
        b.maxOutboundMessageBytes = maxOutboundMessageBytes;
        b.maxRecords = maxRecords;
        b.maxValueBytes = maxValueBytes;
        b.recordTtl = recordTtl;
        b.maxProviderKeys = maxProviderKeys;
        b.maxProvidersPerKey = maxProvidersPerKey;
        b.providerTtl = providerTtl;
        b.refreshInterval = refreshInterval;
        b.livenessProbeAfter = livenessProbeAfter;
        b.getQuorum = getQuorum;
        b.putQuorum = putQuorum;
        return b;
    }

    /** Builds a {@link KadConfig}; fields as in the record. Not thread-safe. */
    public static final class Builder {
        private String protocolId = DEFAULT_PROTOCOL;
        private int k = 20;
        private int alpha = 3;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration queryTimeout = Duration.ofSeconds(60);
        private boolean serverMode = true;
        private int maxInboundMessageBytes = 20 * 1024;
        private int maxOutboundMessageBytes = 16 * 1024;
        private int maxRecords = 1024;
        private int maxValueBytes = 14 * 1024;
        private Duration recordTtl = Duration.ofHours(36);
        private int maxProviderKeys = 65_536;
        private int maxProvidersPerKey = 20;
        private Duration providerTtl = Duration.ofHours(24);
        private Duration refreshInterval = Duration.ofMinutes(5);
        private Duration livenessProbeAfter = Duration.ofMinutes(1);
        private int getQuorum = 1;
        private int putQuorum = 1;

        private Builder() {
        }

        public Builder protocolId(String v) { protocolId = v; return this; }
        public Builder k(int v) { k = v; return this; }
        public Builder alpha(int v) { alpha = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder queryTimeout(Duration v) { queryTimeout = v; return this; }
        public Builder serverMode(boolean v) { serverMode = v; return this; }
        public Builder maxInboundMessageBytes(int v) { maxInboundMessageBytes = v; return this; }
        public Builder maxOutboundMessageBytes(int v) { maxOutboundMessageBytes = v; return this; }
        public Builder maxRecords(int v) { maxRecords = v; return this; }
        public Builder maxValueBytes(int v) { maxValueBytes = v; return this; }
        public Builder recordTtl(Duration v) { recordTtl = v; return this; }
        public Builder maxProviderKeys(int v) { maxProviderKeys = v; return this; }
        public Builder maxProvidersPerKey(int v) { maxProvidersPerKey = v; return this; }
        public Builder providerTtl(Duration v) { providerTtl = v; return this; }
        public Builder refreshInterval(Duration v) { refreshInterval = v; return this; }
        public Builder livenessProbeAfter(Duration v) { livenessProbeAfter = v; return this; }
        public Builder getQuorum(int v) { getQuorum = v; return this; }
        public Builder putQuorum(int v) { putQuorum = v; return this; }

        /** @throws IllegalArgumentException naming the first invalid value */
        public KadConfig build() {
            return new KadConfig(protocolId, k, alpha, requestTimeout, queryTimeout, serverMode,
                    maxInboundMessageBytes, maxOutboundMessageBytes, maxRecords, maxValueBytes, recordTtl,
                    maxProviderKeys, maxProvidersPerKey, providerTtl, refreshInterval, livenessProbeAfter, getQuorum,
                    putQuorum);
        }
    }
}

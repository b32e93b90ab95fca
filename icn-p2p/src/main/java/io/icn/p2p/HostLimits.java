package io.icn.p2p;

import java.time.Duration;
import java.util.Map;

/**
 * The connection manager's limits. {@link #defaults()} suits a super-node; change one value with a
 * {@code with...} method.
 *
 * @param maxPeers most open connections (inbound and outbound, pending included); an inbound connection over the
 *     limit is closed before its handshake, a dial over it fails with {@link LimitExceededException}
 * @param maxStreamsPerPeer most concurrent streams per connection in each direction; an inbound stream over the
 *     limit is reset, an outbound one fails with {@link LimitExceededException}
 * @param defaultMaxMessageBytes the default limit of one length-prefixed inbound message
 * @param maxMessageBytesByProtocol limits of inbound messages per protocol id, overriding the default
 * @param dialTimeout bound on a whole dial: TCP connect, multistream-select, Noise, Yamux and identify
 * @param dialBackoffBase wait after a failed dial to a peer before the next is allowed, doubled per consecutive
 *     failure
 * @param dialBackoffMax the most that wait grows to
 * @param streamWindowBytes the Yamux receive window of a stream (256 KiB, the Yamux default, is what remote peers
 *     assume before any window update)
 *
 * <p>Immutable and thread-safe.
 */
public record HostLimits(int maxPeers, int maxStreamsPerPeer, int defaultMaxMessageBytes,
        Map<String, Integer> maxMessageBytesByProtocol, Duration dialTimeout, Duration dialBackoffBase,
        Duration dialBackoffMax, int streamWindowBytes) {

    /** Yamux's initial window: what every peer may send on a new stream before a window update. */
    public static final int YAMUX_INITIAL_WINDOW = 256 * 1024;

    /** Validates every limit, naming the bad one. */
    public HostLimits {
        positive("maxPeers", maxPeers);
        positive("maxStreamsPerPeer", maxStreamsPerPeer);
        positive("defaultMaxMessageBytes", defaultMaxMessageBytes);
        if (maxMessageBytesByProtocol == null) {
            throw new IllegalArgumentException("maxMessageBytesByProtocol must not be null");
        }
        maxMessageBytesByProtocol.forEach((protocol, max) -> positive("maxMessageBytes of " + protocol, max == null ? 0 : max));
        maxMessageBytesByProtocol = Map.copyOf(maxMessageBytesByProtocol);
        positive("dialTimeout", dialTimeout);
        positive("dialBackoffBase", dialBackoffBase);
        positive("dialBackoffMax", dialBackoffMax);
        if (dialBackoffMax.compareTo(dialBackoffBase) < 0) {
            throw new IllegalArgumentException("dialBackoffMax " + dialBackoffMax + " is below dialBackoffBase " + dialBackoffBase);
        }
        if (streamWindowBytes < YAMUX_INITIAL_WINDOW || streamWindowBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("streamWindowBytes must be 256 KiB..16 MiB, got " + streamWindowBytes);
        }
    }

    /**
     * 256 peers, 256 streams per peer and direction, 64 KiB messages (identify 64 KiB too), 10 s dials, back-off
     * from 1 s up to 5 min, 256 KiB windows.
     */
    public static HostLimits defaults() {
        return new HostLimits(256, 256, 64 * 1024, Map.of(), Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofMinutes(5), YAMUX_INITIAL_WINDOW);
    }

    /** The inbound message limit of {@code protocol}. */
    public int maxInboundMessageBytes(String protocol) {
        return maxMessageBytesByProtocol.getOrDefault(protocol, defaultMaxMessageBytes);
    }

    /** These limits with {@code maxPeers}. */
    public HostLimits withMaxPeers(int maxPeers) {
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, maxMessageBytesByProtocol,
                dialTimeout, dialBackoffBase, dialBackoffMax, streamWindowBytes);
    }

    /** These limits with {@code maxStreamsPerPeer}. */
    public HostLimits withMaxStreamsPerPeer(int maxStreamsPerPeer) {
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, maxMessageBytesByProtocol,
                dialTimeout, dialBackoffBase, dialBackoffMax, streamWindowBytes);
    }

    /** These limits with the inbound message limit of {@code protocol} set to {@code maxBytes}. */
    public HostLimits withMaxMessageBytes(String protocol, int maxBytes) {
        Map<String, Integer> copy = new java.util.HashMap<>(maxMessageBytesByProtocol);
        copy.put(protocol, maxBytes);
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, copy, dialTimeout,
                dialBackoffBase, dialBackoffMax, streamWindowBytes);
    }

    /** These limits with {@code dialTimeout}. */
    public HostLimits withDialTimeout(Duration dialTimeout) {
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, maxMessageBytesByProtocol,
                dialTimeout, dialBackoffBase, dialBackoffMax, streamWindowBytes);
    }

    /** These limits with dial back-off from {@code base} up to {@code max}. */
    public HostLimits withDialBackoff(Duration base, Duration max) {
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, maxMessageBytesByProtocol,
                dialTimeout, base, max, streamWindowBytes);
    }

    /** These limits with a Yamux receive window of {@code bytes} per stream. */
    public HostLimits withStreamWindowBytes(int bytes) {
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, maxMessageBytesByProtocol,
                dialTimeout, dialBackoffBase, dialBackoffMax, bytes);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }
}

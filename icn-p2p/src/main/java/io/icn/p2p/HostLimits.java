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
 * @param streamWindowBytes the initial Yamux receive window of a stream (256 KiB, the Yamux default, is what remote
 *     peers assume before any window update)
 * @param maxStreamWindowBytes the most a stream's receive window grows to: a stream whose sender used up the whole
 *     window doubles it at its next window update, up to this (16 MiB, as rust-libp2p's and js-libp2p's Yamux), while
 *     the connection's budget lasts; equal to {@code streamWindowBytes} turns growth off
 * @param connectionWindowBytes the budget of one connection for that growth: the sum over its open streams of
 *     (window - initial window) never exceeds it, so a connection buffers at most
 *     {@code maxStreamsPerPeer × streamWindowBytes + connectionWindowBytes} received bytes
 *     ({@link #maxReceiveBufferBytes()}); a closed stream returns its growth
 *
 * <p>Immutable and thread-safe.
 */
public record HostLimits(int maxPeers, int maxStreamsPerPeer, int defaultMaxMessageBytes,
        Map<String, Integer> maxMessageBytesByProtocol, Duration dialTimeout, Duration dialBackoffBase,
        Duration dialBackoffMax, int streamWindowBytes, int maxStreamWindowBytes, int connectionWindowBytes) {

    /** The largest stream window: rust-libp2p's and js-libp2p's Yamux default maximum. */
    public static final int MAX_STREAM_WINDOW = 16 * 1024 * 1024;

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
        if (streamWindowBytes < YAMUX_INITIAL_WINDOW || streamWindowBytes > MAX_STREAM_WINDOW) {
            throw new IllegalArgumentException("streamWindowBytes must be 256 KiB..16 MiB, got " + streamWindowBytes);
        }
        if (maxStreamWindowBytes < streamWindowBytes || maxStreamWindowBytes > MAX_STREAM_WINDOW) {
            throw new IllegalArgumentException("maxStreamWindowBytes must be streamWindowBytes (" + streamWindowBytes
                    + ")..16 MiB, got " + maxStreamWindowBytes);
        }
        if (connectionWindowBytes < 0) {
            throw new IllegalArgumentException("connectionWindowBytes must not be negative, got " + connectionWindowBytes);
        }
    }

    /**
     * 256 peers, 256 streams per peer and direction, 64 KiB messages (identify 64 KiB too), 10 s dials, back-off
     * from 1 s up to 5 min, 256 KiB windows growing up to 16 MiB within 32 MiB of growth per connection.
     */
    public static HostLimits defaults() {
        return new HostLimits(256, 256, 64 * 1024, Map.of(), Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofMinutes(5), YAMUX_INITIAL_WINDOW, MAX_STREAM_WINDOW, 32 * 1024 * 1024);
    }

    /** The most received bytes one connection buffers: every stream's initial window plus the growth budget. */
    public long maxReceiveBufferBytes() {
        return (long) maxStreamsPerPeer * streamWindowBytes + connectionWindowBytes;
    }

    /** The inbound message limit of {@code protocol}. */
    public int maxInboundMessageBytes(String protocol) {
        return maxMessageBytesByProtocol.getOrDefault(protocol, defaultMaxMessageBytes);
    }

    /** These limits with {@code maxPeers}. */
    public HostLimits withMaxPeers(int maxPeers) {
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, maxMessageBytesByProtocol,
                dialTimeout, dialBackoffBase, dialBackoffMax, streamWindowBytes, maxStreamWindowBytes,
                connectionWindowBytes);
    }

    /** These limits with {@code maxStreamsPerPeer}. */
    public HostLimits withMaxStreamsPerPeer(int maxStreamsPerPeer) {
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, maxMessageBytesByProtocol,
                dialTimeout, dialBackoffBase, dialBackoffMax, streamWindowBytes, maxStreamWindowBytes,
                connectionWindowBytes);
    }

    /** These limits with {@code maxBytes} as the inbound message limit of protocols without their own. */
    public HostLimits withDefaultMaxMessageBytes(int maxBytes) {
        return new HostLimits(maxPeers, maxStreamsPerPeer, maxBytes, maxMessageBytesByProtocol, dialTimeout,
                dialBackoffBase, dialBackoffMax, streamWindowBytes, maxStreamWindowBytes, connectionWindowBytes);
    }

    /** These limits with the inbound message limit of {@code protocol} set to {@code maxBytes}. */
    public HostLimits withMaxMessageBytes(String protocol, int maxBytes) {
        Map<String, Integer> copy = new java.util.HashMap<>(maxMessageBytesByProtocol);
        copy.put(protocol, maxBytes);
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, copy, dialTimeout,
                dialBackoffBase, dialBackoffMax, streamWindowBytes, maxStreamWindowBytes, connectionWindowBytes);
    }

    /** These limits with {@code dialTimeout}. */
    public HostLimits withDialTimeout(Duration dialTimeout) {
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, maxMessageBytesByProtocol,
                dialTimeout, dialBackoffBase, dialBackoffMax, streamWindowBytes, maxStreamWindowBytes,
                connectionWindowBytes);
    }

    /** These limits with dial back-off from {@code base} up to {@code max}. */
    public HostLimits withDialBackoff(Duration base, Duration max) {
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, maxMessageBytesByProtocol,
                dialTimeout, base, max, streamWindowBytes, maxStreamWindowBytes, connectionWindowBytes);
    }

    /**
     * These limits with an initial Yamux receive window of {@code bytes} per stream (the maximum is raised to it if
     * below).
     */
    public HostLimits withStreamWindowBytes(int bytes) {
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, maxMessageBytesByProtocol,
                dialTimeout, dialBackoffBase, dialBackoffMax, bytes, Math.max(bytes, maxStreamWindowBytes),
                connectionWindowBytes);
    }

    /** These limits with stream windows growing up to {@code maxBytes}, within {@code connectionBytes} a connection. */
    public HostLimits withWindowGrowth(int maxBytes, int connectionBytes) {
        return new HostLimits(maxPeers, maxStreamsPerPeer, defaultMaxMessageBytes, maxMessageBytesByProtocol,
                dialTimeout, dialBackoffBase, dialBackoffMax, streamWindowBytes, maxBytes, connectionBytes);
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

package io.icn.p2p.gossip;

import java.util.Map;

/**
 * A snapshot of a router's counters since it started.
 *
 * <p>Immutable and thread-safe.
 *
 * @param received messages received for a subscribed topic for the first time (signature checked or not)
 * @param accepted messages that passed StrictSign and the topic's validator, delivered to the subscriber
 * @param rejected rejected messages by reason ({@code signature:<fault>}, {@code message-id}, {@code validator},
 *     {@code validator-error}, {@code too-large})
 * @param ignored messages the validator ignored, or for topics not subscribed, or this router's own echoed back
 * @param duplicates messages received again after the first time (by message id)
 * @param forwarded message copies sent to peers (forwarding and IWANT answers; not own publishes)
 * @param published own messages published
 * @param protocolViolations RPC frames that broke the protocol (the stream was reset)
 */
public record GossipStats(long received, long accepted, Map<String, Long> rejected, long ignored, long duplicates,
        long forwarded, long published, long protocolViolations) {

    /** Copies the map. */
    public GossipStats {
        rejected = Map.copyOf(rejected);
    }

    /** The rejected messages of every reason together. */
    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }
}

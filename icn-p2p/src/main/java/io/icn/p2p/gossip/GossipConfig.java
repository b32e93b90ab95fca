package io.icn.p2p.gossip;

import java.time.Duration;
import java.util.Objects;

/**
 * GossipSub parameters. {@link #defaults()} are the original ICN network's gossip spec (T022): mesh D 6, Dlo 4,
 * Dhi 12, Dlazy 6, gossip factor 0.25, heartbeat 1 s, history 12 heartbeats of which 3 are gossiped, flood
 * publishing, score thresholds gossip -10 / publish -50 / graylist -100, peer exchange off; plus the ICN
 * super-node's message id ({@code blake3-hex}) and a 64 MiB message limit ({@code gossip_max_message_mb}).
 *
 * <p>Immutable and thread-safe; validated on construction (every fault names the parameter and value).
 *
 * @param d the mesh size aimed at per topic
 * @param dLo below this, the heartbeat grafts peers up to {@code d}
 * @param dHi above this, the heartbeat prunes peers down to {@code d}
 * @param dLazy peers (at least) sent IHAVE gossip per topic per heartbeat
 * @param gossipFactor fraction of the eligible peers sent gossip, when larger than {@code dLazy}
 * @param heartbeat the interval of mesh maintenance, gossip and cache shifts
 * @param historyLength heartbeats a message stays in the message cache (answerable to IWANT)
 * @param historyGossip heartbeats of the cache announced in IHAVE
 * @param seenTtl how long a message id stays in the duplicate cache
 * @param fanoutTtl how long a fanout topic (published to, not subscribed) is kept after its last publish
 * @param pruneBackoff how long a pruned peer may not be grafted again (and the backoff sent in PRUNE)
 * @param floodPublish whether own messages go to every subscribed peer above the publish threshold, not only the mesh
 * @param maxMessageBytes the largest message data accepted or published ({@code gossip_max_message_mb} MiB)
 * @param messageIdFunction how message ids are derived
 * @param gossipThreshold below this score a peer gets no gossip and its gossip is ignored
 * @param publishThreshold below this score a peer gets no flood-published messages
 * @param graylistThreshold below this score every RPC of the peer is ignored
 * @param invalidMessageWeight score per squared invalid-message count (negative)
 * @param invalidMessageDecay factor applied to the invalid-message count every heartbeat (0..1)
 * @param gossipRetransmission how often one peer may ask for one message by IWANT
 * @param maxIHaveLength message ids asked for per peer per heartbeat by IWANT
 */
public record GossipConfig(int d, int dLo, int dHi, int dLazy, double gossipFactor, Duration heartbeat,
        int historyLength, int historyGossip, Duration seenTtl, Duration fanoutTtl, Duration pruneBackoff,
        boolean floodPublish, int maxMessageBytes, MessageIdFunction messageIdFunction, double gossipThreshold,
        double publishThreshold, double graylistThreshold, double invalidMessageWeight, double invalidMessageDecay,
        int gossipRetransmission, int maxIHaveLength) {

    /** 64 MiB, the default {@code gossip_max_message_mb}. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 << 20;

    /** Validates every parameter. */
    public GossipConfig {
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(seenTtl, "seenTtl");
        Objects.requireNonNull(fanoutTtl, "fanoutTtl");
        Objects.requireNonNull(pruneBackoff, "pruneBackoff");
        Objects.requireNonNull(messageIdFunction, "messageIdFunction");
        if (dLo < 0 || d < dLo || dHi < d || d < 1) {
            throw new IllegalArgumentException("mesh degrees must satisfy 0 <= dLo <= d <= dHi and d >= 1: dLo " + dLo
                    + ", d " + d + ", dHi " + dHi);
        }
        if (dLazy < 0) {
            throw new IllegalArgumentException("dLazy must be >= 0: " + dLazy);
        }
        if (!(gossipFactor >= 0 && gossipFactor <= 1)) {
            throw new IllegalArgumentException("gossipFactor must be in [0, 1]: " + gossipFactor);
        }
        positive("heartbeat", heartbeat);
        positive("seenTtl", seenTtl);
        positive("fanoutTtl", fanoutTtl);
        if (pruneBackoff.isNegative()) {
            throw new IllegalArgumentException("pruneBackoff must be >= 0: " + pruneBackoff);
        }
        if (historyGossip < 1 || historyLength < historyGossip) {
            throw new IllegalArgumentException("history must satisfy 1 <= historyGossip <= historyLength: gossip "
                    + historyGossip + ", length " + historyLength);
        }
        if (maxMessageBytes < 1 || maxMessageBytes > Integer.MAX_VALUE - RpcLimits.FRAME_OVERHEAD_BYTES - 8) {
            throw new IllegalArgumentException("maxMessageBytes must be in [1, "
                    + (Integer.MAX_VALUE - RpcLimits.FRAME_OVERHEAD_BYTES - 8) + "]: " + maxMessageBytes);
        }
        if (!(graylistThreshold <= publishThreshold && publishThreshold <= gossipThreshold && gossipThreshold <= 0)) {
            throw new IllegalArgumentException("score thresholds must satisfy graylist <= publish <= gossip <= 0: "
                    + graylistThreshold + ", " + publishThreshold + ", " + gossipThreshold);
        }
        if (!(invalidMessageWeight <= 0)) {
            throw new IllegalArgumentException("invalidMessageWeight must be <= 0: " + invalidMessageWeight);
        }
        if (!(invalidMessageDecay > 0 && invalidMessageDecay < 1)) {
            throw new IllegalArgumentException("invalidMessageDecay must be in (0, 1): " + invalidMessageDecay);
        }
        if (gossipRetransmission < 1 || maxIHaveLength < 1) {
            throw new IllegalArgumentException("gossipRetransmission and maxIHaveLength must be >= 1: "
                    + gossipRetransmission + ", " + maxIHaveLength);
        }
    }

    /** The defaults described above. */
    public static GossipConfig defaults() {
        return new GossipConfig(6, 4, 12, 6, 0.25, Duration.ofSeconds(1), 12, 3, Duration.ofSeconds(120),
                Duration.ofSeconds(60), Duration.ofSeconds(60), true, DEFAULT_MAX_MESSAGE_BYTES,
                MessageIdFunction.BLAKE3_HEX, -10, -50, -100, -10, 0.99, 3, 5000);
    }

    /** This configuration with another message id function. */
    public GossipConfig withMessageIdFunction(MessageIdFunction function) {
        return new GossipConfig(d, dLo, dHi, dLazy, gossipFactor, heartbeat, historyLength, historyGossip, seenTtl,
                fanoutTtl, pruneBackoff, floodPublish, maxMessageBytes, function, gossipThreshold, publishThreshold,
                graylistThreshold, invalidMessageWeight, invalidMessageDecay, gossipRetransmission, maxIHaveLength);
    }

    /** This configuration with another message limit, in bytes. */
    public GossipConfig withMaxMessageBytes(int bytes) {
        return new GossipConfig(d, dLo, dHi, dLazy, gossipFactor, heartbeat, historyLength, historyGossip, seenTtl,
                fanoutTtl, pruneBackoff, floodPublish, bytes, messageIdFunction, gossipThreshold, publishThreshold,
                graylistThreshold, invalidMessageWeight, invalidMessageDecay, gossipRetransmission, maxIHaveLength);
    }

    /** This configuration with other mesh degrees. */
    public GossipConfig withMesh(int d, int dLo, int dHi, int dLazy) {
        return new GossipConfig(d, dLo, dHi, dLazy, gossipFactor, heartbeat, historyLength, historyGossip, seenTtl,
                fanoutTtl, pruneBackoff, floodPublish, maxMessageBytes, messageIdFunction, gossipThreshold,
                publishThreshold, graylistThreshold, invalidMessageWeight, invalidMessageDecay, gossipRetransmission,
                maxIHaveLength);
    }

    /** This configuration with flood publishing on or off. */
    public GossipConfig withFloodPublish(boolean flood) {
        return new GossipConfig(d, dLo, dHi, dLazy, gossipFactor, heartbeat, historyLength, historyGossip, seenTtl,
                fanoutTtl, pruneBackoff, flood, maxMessageBytes, messageIdFunction, gossipThreshold, publishThreshold,
                graylistThreshold, invalidMessageWeight, invalidMessageDecay, gossipRetransmission, maxIHaveLength);
    }

    /** This configuration with another heartbeat interval. */
    public GossipConfig withHeartbeat(Duration interval) {
        return new GossipConfig(d, dLo, dHi, dLazy, gossipFactor, interval, historyLength, historyGossip, seenTtl,
                fanoutTtl, pruneBackoff, floodPublish, maxMessageBytes, messageIdFunction, gossipThreshold,
                publishThreshold, graylistThreshold, invalidMessageWeight, invalidMessageDecay, gossipRetransmission,
                maxIHaveLength);
    }

    RpcLimits rpcLimits() {
        return RpcLimits.forMaxData(maxMessageBytes);
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
    }
}

package io.icn.p2p.gossip;

/**
 * Bounds on what one decoded RPC frame may hold, beyond the frame's byte size (which the stream checks against
 * {@code maxFrameBytes} before buffering it). Anything over a bound is a protocol violation of the sender.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxFrameBytes the largest RPC frame (the largest message's data plus {@link #FRAME_OVERHEAD_BYTES})
 * @param maxDataBytes the largest message data
 * @param maxSubscriptions subscription changes per RPC
 * @param maxMessages messages per RPC
 * @param maxControlEntries IHAVE, IWANT, GRAFT and PRUNE entries per RPC, together
 * @param maxMessageIds message ids in the IHAVE and IWANT entries of one RPC, together
 * @param maxTopicBytes the longest topic (UTF-8 bytes)
 * @param maxMessageIdBytes the longest message id
 */
record RpcLimits(int maxFrameBytes, int maxDataBytes, int maxSubscriptions, int maxMessages, int maxControlEntries,
        int maxMessageIds, int maxTopicBytes, int maxMessageIdBytes) {

    /** What a frame may carry beside one message's data: keys, signature, topic, ids, control. */
    static final int FRAME_OVERHEAD_BYTES = 64 * 1024;

    RpcLimits {
        positive("maxFrameBytes", maxFrameBytes);
        positive("maxDataBytes", maxDataBytes);
        positive("maxSubscriptions", maxSubscriptions);
        positive("maxMessages", maxMessages);
        positive("maxControlEntries", maxControlEntries);
        positive("maxMessageIds", maxMessageIds);
        positive("maxTopicBytes", maxTopicBytes);
        positive("maxMessageIdBytes", maxMessageIdBytes);
        if (maxFrameBytes < maxDataBytes) {
            throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes + " is below maxDataBytes " + maxDataBytes);
        }
    }

    /** The limits for messages of at most {@code maxDataBytes}, with the default bounds on counts. */
    static RpcLimits forMaxData(int maxDataBytes) {
        long frame = (long) maxDataBytes + FRAME_OVERHEAD_BYTES;
        return new RpcLimits((int) Math.min(Integer.MAX_VALUE - 8, frame), maxDataBytes, 1024, 1024, 1024, 5000, 1024, 256);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
    }
}

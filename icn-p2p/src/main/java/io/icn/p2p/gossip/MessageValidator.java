package io.icn.p2p.gossip;

/**
 * Decides, before a message is delivered or forwarded, whether it is valid for its topic. Called on the router's
 * callback executor (never an event loop); it may block for as long as that executor tolerates. A validator that
 * throws counts as {@link Result#REJECT} with reason {@code validator-error}.
 */
@FunctionalInterface
public interface MessageValidator {

    /** The verdict on {@code message}. */
    Result validate(GossipMessage message);

    /** A validator's verdict. */
    enum Result {
        /** Delivered to the subscriber and forwarded. */
        ACCEPT,
        /** Not delivered, not forwarded; counted as rejected and the peer it came from is penalised. */
        REJECT,
        /** Not delivered, not forwarded, no penalty (e.g. a message that came too late). */
        IGNORE
    }
}

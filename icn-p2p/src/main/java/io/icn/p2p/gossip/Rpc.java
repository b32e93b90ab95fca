package io.icn.p2p.gossip;

import java.util.List;
import java.util.Objects;

/**
 * One GossipSub RPC frame ({@code RPC{subscriptions=1, publish=2, control=3}} of the pubsub protobuf), decoded or
 * to be encoded by {@link RpcCodec}.
 *
 * <p>Immutable and thread-safe (the byte arrays inside {@link PubMessage} are not copied: whoever builds one hands
 * the arrays over).
 */
record Rpc(List<Subscription> subscriptions, List<PubMessage> publish, Control control) {

    Rpc {
        subscriptions = List.copyOf(subscriptions);
        publish = List.copyOf(publish);
        Objects.requireNonNull(control, "control");
    }

    /** An RPC with only messages. */
    static Rpc ofMessages(List<PubMessage> messages) {
        return new Rpc(List.of(), messages, Control.EMPTY);
    }

    /** An RPC with only subscription changes. */
    static Rpc ofSubscriptions(List<Subscription> subscriptions) {
        return new Rpc(subscriptions, List.of(), Control.EMPTY);
    }

    /** An RPC with only control messages. */
    static Rpc ofControl(Control control) {
        return new Rpc(List.of(), List.of(), control);
    }

    boolean isEmpty() {
        return subscriptions.isEmpty() && publish.isEmpty() && control.isEmpty();
    }

    /** {@code SubOpts{subscribe=1, topicid=2}}. */
    record Subscription(boolean subscribe, String topic) {
        Subscription {
            Objects.requireNonNull(topic, "topic");
        }
    }

    /**
     * {@code Message{from=1, data=2, seqno=3, topic=4, signature=5, key=6}}; absent optional fields are null
     * ({@code topic} is required). {@code data} absent on the wire decodes as an empty array.
     */
    record PubMessage(byte[] from, byte[] data, byte[] seqno, String topic, byte[] signature, byte[] key) {
        PubMessage {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(topic, "topic");
        }

        /** The same message without signature and key: what the StrictSign signature covers. */
        PubMessage unsigned() {
            return new PubMessage(from, data, seqno, topic, null, null);
        }
    }

    /**
     * {@code ControlMessage{ihave=1, iwant=2, graft=3, prune=4}} ({@code idontwant=5} of v1.2 is skipped as an
     * unknown field).
     */
    record Control(List<IHave> ihave, List<IWant> iwant, List<Graft> graft, List<Prune> prune) {
        static final Control EMPTY = new Control(List.of(), List.of(), List.of(), List.of());

        Control {
            ihave = List.copyOf(ihave);
            iwant = List.copyOf(iwant);
            graft = List.copyOf(graft);
            prune = List.copyOf(prune);
        }

        boolean isEmpty() {
            return ihave.isEmpty() && iwant.isEmpty() && graft.isEmpty() && prune.isEmpty();
        }
    }

    /** {@code ControlIHave{topicID=1, messageIDs=2}}. */
    record IHave(String topic, List<MessageId> messageIds) {
        IHave {
            Objects.requireNonNull(topic, "topic");
            messageIds = List.copyOf(messageIds);
        }
    }

    /** {@code ControlIWant{messageIDs=1}}. */
    record IWant(List<MessageId> messageIds) {
        IWant {
            messageIds = List.copyOf(messageIds);
        }
    }

    /** {@code ControlGraft{topicID=1}}. */
    record Graft(String topic) {
        Graft {
            Objects.requireNonNull(topic, "topic");
        }
    }

    /**
     * {@code ControlPrune{topicID=1, peers=2, backoff=3}}: the peers of peer exchange are counted but not kept (PX is
     * off); {@code backoffSeconds} 0 when absent.
     */
    record Prune(String topic, long backoffSeconds) {
        Prune {
            Objects.requireNonNull(topic, "topic");
            if (backoffSeconds < 0) {
                throw new IllegalArgumentException("prune backoff must be >= 0 seconds: " + backoffSeconds);
            }
        }
    }
}

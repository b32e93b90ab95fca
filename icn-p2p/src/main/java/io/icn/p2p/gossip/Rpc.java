package io.icn.p2p.gossip;

import java.nio.ByteBuffer;
import java.util.Arrays;
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
     * ({@code topic} is required). {@code data} absent on the wire decodes as empty.
     *
     * <p>{@code data} is an array-backed buffer whose remaining bytes are the data: a decoded message's is a slice
     * of the RPC frame it arrived in (not a copy), shared by every holder; nobody modifies those bytes.
     * {@code signedBytes}, when not null, is a slice of the same frame holding exactly what StrictSign verifies
     * ({@code "libp2p-pubsub:"} and the message's protobuf without signature and key), which
     * {@link RpcCodec#decodeInPlace} finds in place when the publisher encoded the message canonically; null
     * when it must be encoded to be verified.
     */
    record PubMessage(byte[] from, ByteBuffer data, byte[] seqno, String topic, byte[] signature, byte[] key,
            ByteBuffer signedBytes) {
        PubMessage {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(topic, "topic");
            if (!data.hasArray() || signedBytes != null && !signedBytes.hasArray()) {
                throw new IllegalArgumentException("message data must be a writable array-backed buffer");
            }
            data = data.slice();
            signedBytes = signedBytes == null ? null : signedBytes.slice();
        }

        /** A message over {@code data} (not copied), whose signed bytes must be encoded to be verified. */
        PubMessage(byte[] from, byte[] data, byte[] seqno, String topic, byte[] signature, byte[] key) {
            this(from, ByteBuffer.wrap(Objects.requireNonNull(data, "data")), seqno, topic, signature, key, null);
        }

        /** The data: a new buffer over the shared bytes (position 0, limit the length). */
        @Override
        public ByteBuffer data() {
            return data.duplicate();
        }

        /** The signed bytes found in the frame, or null: a new buffer over the shared bytes. */
        @Override
        public ByteBuffer signedBytes() {
            return signedBytes == null ? null : signedBytes.duplicate();
        }

        /** The data's length in bytes. */
        int dataLength() {
            return data.remaining();
        }

        /** The array holding the data, from {@link #dataOffset()} for {@link #dataLength()} bytes. */
        byte[] dataArray() {
            return data.array();
        }

        /** Where the data starts in {@link #dataArray()}. */
        int dataOffset() {
            return data.arrayOffset();
        }

        /** A copy of the data. */
        byte[] dataCopy() {
            return Arrays.copyOfRange(data.array(), dataOffset(), dataOffset() + dataLength());
        }

        /** The same message without signature and key: what the StrictSign signature covers. */
        PubMessage unsigned() {
            return new PubMessage(from, data, seqno, topic, null, null, null);
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

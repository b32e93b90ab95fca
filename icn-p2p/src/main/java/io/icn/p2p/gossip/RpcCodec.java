package io.icn.p2p.gossip;

import io.icn.p2p.ProtocolViolationException;
import io.icn.p2p.internal.ProtoReader;
import io.icn.p2p.internal.ProtoWriter;
import io.icn.p2p.internal.Varint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pubsub protobuf of GossipSub v1.0/v1.1 ({@code rpc.proto} of the libp2p specs), on the module's hand-written
 * field codec. Decoding skips unknown fields (e.g. v1.2's IDONTWANT) and enforces {@link RpcLimits}; every fault
 * is a {@link ProtocolViolationException} naming the frame part and the bad value. A message's data is copied
 * once out of the frame; embedded messages are read in place.
 *
 * <p>Stateless and thread-safe.
 */
final class RpcCodec {
    private RpcCodec() {
    }

    /** The frame of {@code rpc} (without the varint length prefix). */
    static byte[] encode(Rpc rpc) {
        ProtoWriter w = new ProtoWriter();
        for (Rpc.Subscription s : rpc.subscriptions()) {
            w.bytes(1, new ProtoWriter().varint(1, s.subscribe() ? 1 : 0).string(2, s.topic()).toByteArray());
        }
        for (Rpc.PubMessage m : rpc.publish()) {
            w.bytes(2, encodeMessage(m));
        }
        if (!rpc.control().isEmpty()) {
            w.bytes(3, encodeControl(rpc.control()));
        }
        return w.toByteArray();
    }

    /**
     * The frame of an RPC carrying {@code m} alone: the bytes of {@code encode(Rpc.ofMessages(List.of(m)))}, written
     * once into an array of their exact size. {@link #encode} builds each embedded message in a growing buffer and
     * copies it twice more; for a 50 MB chunk being forwarded that was three transient copies besides the frame.
     */
    static byte[] encodeMessageFrame(Rpc.PubMessage m) {
        return messageBytes(null, m);
    }

    /**
     * {@code prefix} followed by {@link #encodeMessage}'s bytes of {@code m}, written once into an array of their
     * exact size (what StrictSign signs and verifies, without a growing buffer and two copies of the data).
     */
    static byte[] prefixedMessage(byte[] prefix, Rpc.PubMessage m) {
        return messageBytes(prefix, m);
    }

    /** The message's encoding after {@code prefix}, or after its RPC field header when {@code prefix} is null. */
    private static byte[] messageBytes(byte[] prefix, Rpc.PubMessage m) {
        byte[] topic = m.topic().getBytes(StandardCharsets.UTF_8);
        long length = (long) fieldSize(m.from()) + fieldSize(m.data()) + fieldSize(m.seqno()) + fieldSize(topic)
                + fieldSize(m.signature()) + fieldSize(m.key());
        long head = prefix != null ? prefix.length : 1 + Varint.size(length);
        if (head + length > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a gossipsub message of " + length + " bytes cannot be encoded");
        }
        byte[] out = new byte[(int) (head + length)];
        int at;
        if (prefix != null) {
            System.arraycopy(prefix, 0, out, 0, prefix.length);
            at = prefix.length;
        } else {
            out[0] = (byte) (2 << 3 | 2); // RPC.publish, length-delimited
            at = Varint.write(length, out, 1);
        }
        at = field(out, at, 1, m.from());
        at = field(out, at, 2, m.data());
        at = field(out, at, 3, m.seqno());
        at = field(out, at, 4, topic);
        at = field(out, at, 5, m.signature());
        at = field(out, at, 6, m.key());
        if (at != out.length) {
            throw new IllegalStateException("encoded " + at + " of " + out.length + " bytes");
        }
        return out;
    }

    /** Bytes of a length-delimited field (number below 16) holding {@code value}; 0 when absent. */
    private static int fieldSize(byte[] value) {
        return value == null ? 0 : 1 + Varint.size(value.length) + value.length;
    }

    /** Writes length-delimited field {@code field} (below 16) holding {@code value} at {@code at}, unless absent. */
    private static int field(byte[] out, int at, int field, byte[] value) {
        if (value == null) {
            return at;
        }
        out[at++] = (byte) (field << 3 | 2);
        at = Varint.write(value.length, out, at);
        System.arraycopy(value, 0, out, at, value.length);
        return at + value.length;
    }

    /** {@code Message} with the fields present, in field order (the bytes StrictSign signs, minus the prefix). */
    static byte[] encodeMessage(Rpc.PubMessage m) {
        ProtoWriter w = new ProtoWriter();
        if (m.from() != null) {
            w.bytes(1, m.from());
        }
        w.bytes(2, m.data());
        if (m.seqno() != null) {
            w.bytes(3, m.seqno());
        }
        w.string(4, m.topic());
        if (m.signature() != null) {
            w.bytes(5, m.signature());
        }
        if (m.key() != null) {
            w.bytes(6, m.key());
        }
        return w.toByteArray();
    }

    private static byte[] encodeControl(Rpc.Control c) {
        ProtoWriter w = new ProtoWriter();
        for (Rpc.IHave ihave : c.ihave()) {
            ProtoWriter e = new ProtoWriter().string(1, ihave.topic());
            ihave.messageIds().forEach(id -> e.bytes(2, id.raw()));
            w.bytes(1, e.toByteArray());
        }
        for (Rpc.IWant iwant : c.iwant()) {
            ProtoWriter e = new ProtoWriter();
            iwant.messageIds().forEach(id -> e.bytes(1, id.raw()));
            w.bytes(2, e.toByteArray());
        }
        for (Rpc.Graft graft : c.graft()) {
            w.bytes(3, new ProtoWriter().string(1, graft.topic()).toByteArray());
        }
        for (Rpc.Prune prune : c.prune()) {
            ProtoWriter e = new ProtoWriter().string(1, prune.topic());
            if (prune.backoffSeconds() > 0) {
                e.varint(3, prune.backoffSeconds());
            }
            w.bytes(4, e.toByteArray());
        }
        return w.toByteArray();
    }

    /** Decodes one frame within {@code limits}. */
    static Rpc decode(byte[] frame, RpcLimits limits) {
        if (frame.length > limits.maxFrameBytes()) {
            throw new ProtocolViolationException("gossipsub RPC of " + frame.length + " bytes exceeds the limit of "
                    + limits.maxFrameBytes());
        }
        Counts counts = new Counts(limits);
        List<Rpc.Subscription> subscriptions = new ArrayList<>();
        List<Rpc.PubMessage> publish = new ArrayList<>();
        List<Rpc.IHave> ihave = new ArrayList<>();
        List<Rpc.IWant> iwant = new ArrayList<>();
        List<Rpc.Graft> graft = new ArrayList<>();
        List<Rpc.Prune> prune = new ArrayList<>();
        ProtoReader r = new ProtoReader(frame, "RPC");
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    counts.bound(subscriptions.size() + 1, limits.maxSubscriptions(), "subscriptions");
                    subscriptions.add(decodeSubscription(r.embedded("SubOpts"), limits));
                }
                case 2 -> {
                    counts.bound(publish.size() + 1, limits.maxMessages(), "messages");
                    publish.add(decodeMessage(r.embedded("Message"), limits));
                }
                case 3 -> decodeControl(r.embedded("ControlMessage"), limits, counts, ihave, iwant, graft, prune);
                default -> r.skip();
            }
        }
        return new Rpc(subscriptions, publish, new Rpc.Control(ihave, iwant, graft, prune));
    }

    private static Rpc.Subscription decodeSubscription(ProtoReader r, RpcLimits limits) {
        Boolean subscribe = null;
        String topic = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> subscribe = r.varint() != 0;
                case 2 -> topic = topic(r, limits);
                default -> r.skip();
            }
        }
        if (subscribe == null || topic == null) {
            throw new ProtocolViolationException("gossipsub SubOpts lacks " + (topic == null ? "its topic" : "subscribe"));
        }
        return new Rpc.Subscription(subscribe, topic);
    }

    private static Rpc.PubMessage decodeMessage(ProtoReader r, RpcLimits limits) {
        byte[] from = null;
        byte[] data = null;
        byte[] seqno = null;
        String topic = null;
        byte[] signature = null;
        byte[] key = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> from = small(r, "from");
                case 2 -> {
                    data = r.bytes();
                    if (data.length > limits.maxDataBytes()) {
                        throw new ProtocolViolationException("gossipsub message data of " + data.length
                                + " bytes exceeds the limit of " + limits.maxDataBytes());
                    }
                }
                case 3 -> seqno = small(r, "seqno");
                case 4 -> topic = topic(r, limits);
                case 5 -> signature = small(r, "signature");
                case 6 -> key = small(r, "key");
                default -> r.skip();
            }
        }
        if (topic == null) {
            throw new ProtocolViolationException("gossipsub Message lacks its topic");
        }
        return new Rpc.PubMessage(from, data == null ? new byte[0] : data, seqno, topic, signature, key);
    }

    private static void decodeControl(ProtoReader r, RpcLimits limits, Counts counts, List<Rpc.IHave> ihave,
            List<Rpc.IWant> iwant, List<Rpc.Graft> graft, List<Rpc.Prune> prune) {
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    counts.entry();
                    ProtoReader e = r.embedded("ControlIHave");
                    String topic = null;
                    List<MessageId> ids = new ArrayList<>();
                    while (e.next()) {
                        switch (e.field()) {
                            case 1 -> topic = topic(e, limits);
                            case 2 -> ids.add(messageId(e, limits, counts));
                            default -> e.skip();
                        }
                    }
                    ihave.add(new Rpc.IHave(required(topic, "ControlIHave"), ids));
                }
                case 2 -> {
                    counts.entry();
                    ProtoReader e = r.embedded("ControlIWant");
                    List<MessageId> ids = new ArrayList<>();
                    while (e.next()) {
                        if (e.field() == 1) {
                            ids.add(messageId(e, limits, counts));
                        } else {
                            e.skip();
                        }
                    }
                    iwant.add(new Rpc.IWant(ids));
                }
                case 3 -> {
                    counts.entry();
                    ProtoReader e = r.embedded("ControlGraft");
                    String topic = null;
                    while (e.next()) {
                        if (e.field() == 1) {
                            topic = topic(e, limits);
                        } else {
                            e.skip();
                        }
                    }
                    graft.add(new Rpc.Graft(required(topic, "ControlGraft")));
                }
                case 4 -> {
                    counts.entry();
                    ProtoReader e = r.embedded("ControlPrune");
                    String topic = null;
                    long backoff = 0;
                    while (e.next()) {
                        switch (e.field()) {
                            case 1 -> topic = topic(e, limits);
                            case 2 -> counts.entry();
                            case 3 -> {
                                backoff = e.varint();
                                if (backoff < 0) {
                                    throw new ProtocolViolationException("gossipsub PRUNE backoff out of range: "
                                            + Long.toUnsignedString(backoff));
                                }
                            }
                            default -> e.skip();
                        }
                    }
                    prune.add(new Rpc.Prune(required(topic, "ControlPrune"), backoff));
                }
                default -> r.skip();
            }
        }
    }

    private static String required(String topic, String what) {
        if (topic == null) {
            throw new ProtocolViolationException("gossipsub " + what + " lacks its topic");
        }
        return topic;
    }

    private static String topic(ProtoReader r, RpcLimits limits) {
        String topic = r.string();
        int bytes = topic.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxTopicBytes()) {
            throw new ProtocolViolationException("gossipsub topic of " + bytes + " bytes exceeds the limit of "
                    + limits.maxTopicBytes());
        }
        return topic;
    }

    private static MessageId messageId(ProtoReader r, RpcLimits limits, Counts counts) {
        counts.id();
        byte[] id = r.bytes();
        if (id.length > limits.maxMessageIdBytes()) {
            throw new ProtocolViolationException("gossipsub message id of " + id.length + " bytes exceeds the limit of "
                    + limits.maxMessageIdBytes());
        }
        return MessageId.wrap(id);
    }

    private static final int MAX_SMALL_FIELD_BYTES = 1024;

    private static byte[] small(ProtoReader r, String name) {
        byte[] value = r.bytes();
        if (value.length > MAX_SMALL_FIELD_BYTES) {
            throw new ProtocolViolationException("gossipsub message " + name + " of " + value.length
                    + " bytes exceeds the limit of " + MAX_SMALL_FIELD_BYTES);
        }
        return value;
    }

    /** Running totals of one frame's control entries and message ids. */
    private static final class Counts {
        private final RpcLimits limits;
        private int entries;
        private int ids;

        Counts(RpcLimits limits) {
            this.limits = limits;
        }

        void entry() {
            bound(++entries, limits.maxControlEntries(), "control entries");
        }

        void id() {
            bound(++ids, limits.maxMessageIds(), "message ids");
        }

        void bound(int count, int max, String what) {
            if (count > max) {
                throw new ProtocolViolationException("gossipsub RPC carries more than " + max + " " + what);
            }
        }
    }
}

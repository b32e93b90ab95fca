package io.icn.p2p.gossip;

import io.icn.p2p.ProtocolViolationException;
import io.icn.p2p.internal.ProtoReader;
import io.icn.p2p.internal.ProtoWriter;
import io.icn.p2p.internal.Varint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;

/**
 * The pubsub protobuf of GossipSub v1.0/v1.1 ({@code rpc.proto} of the libp2p specs), on the module's hand-written
 * field codec. Decoding skips unknown fields (e.g. v1.2's IDONTWANT) and enforces {@link RpcLimits}; every fault
 * is a {@link ProtocolViolationException} naming the frame part and the bad value. A message's data is a slice of
 * the frame, not a copy; embedded messages are read in place.
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
     * The frame of an RPC carrying {@code m} alone: the bytes of {@code encode(Rpc.ofMessages(List.of(m)))} in
     * one array of their exact size.
     */
    static byte[] encodeMessageFrame(Rpc.PubMessage m) {
        return joined(null, m);
    }

    /**
     * The frame of an RPC carrying {@code m} alone, as {@link #encodeMessageFrame}'s bytes in three parts, the data
     * not copied: the RPC and message headers up to the data's length, the message's data buffer, the fields after
     * it. For writing a large message to peers without encoding a copy of it
     * ({@link io.icn.p2p.P2pStream#writeMessageShared}).
     */
    static ByteBuffer[] messageFrameParts(Rpc.PubMessage m) {
        byte[][] around = around(null, m);
        return new ByteBuffer[] {ByteBuffer.wrap(around[0]), m.data(), ByteBuffer.wrap(around[1])};
    }

    /**
     * {@code prefix} followed by {@link #encodeMessage}'s bytes of {@code m}, written once into an array of their
     * exact size (what StrictSign signs, and verifies when the frame did not hold it in place).
     */
    static byte[] prefixedMessage(byte[] prefix, Rpc.PubMessage m) {
        return joined(prefix, m);
    }

    /** {@code Message} with the fields present, in field order (the bytes StrictSign signs, minus the prefix). */
    static byte[] encodeMessage(Rpc.PubMessage m) {
        return joined(new byte[0], m);
    }

    /** {@link #around}'s two parts with the data between them, in one array. */
    private static byte[] joined(byte[] prefix, Rpc.PubMessage m) {
        byte[][] around = around(prefix, m);
        int n = m.dataLength();
        long total = (long) around[0].length + n + around[1].length;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a gossipsub message of " + total + " bytes cannot be encoded");
        }
        byte[] out = Arrays.copyOf(around[0], (int) total);
        System.arraycopy(m.dataArray(), m.dataOffset(), out, around[0].length, n);
        System.arraycopy(around[1], 0, out, around[0].length + n, around[1].length);
        return out;
    }

    /**
     * The message's encoding without its data bytes: {@code [0]} is {@code prefix} (or, when null, the RPC's
     * {@code publish} field header), the {@code from} field and the data field's header; {@code [1]} the fields
     * after the data.
     */
    private static byte[][] around(byte[] prefix, Rpc.PubMessage m) {
        byte[] topic = m.topic().getBytes(StandardCharsets.UTF_8);
        int dataLength = m.dataLength();
        long length = (long) fieldSize(m.from()) + 1 + Varint.size(dataLength) + dataLength + fieldSize(m.seqno())
                + fieldSize(topic) + fieldSize(m.signature()) + fieldSize(m.key());
        if (length > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a gossipsub message of " + length + " bytes cannot be encoded");
        }
        int head = prefix != null ? prefix.length : 1 + Varint.size(length);
        byte[] before = new byte[head + fieldSize(m.from()) + 1 + Varint.size(dataLength)];
        int at;
        if (prefix != null) {
            System.arraycopy(prefix, 0, before, 0, prefix.length);
            at = prefix.length;
        } else {
            before[0] = (byte) (2 << 3 | 2); // RPC.publish, length-delimited
            at = Varint.write(length, before, 1);
        }
        at = field(before, at, 1, m.from());
        before[at++] = (byte) (2 << 3 | 2);
        at = Varint.write(dataLength, before, at);
        byte[] after = new byte[fieldSize(m.seqno()) + fieldSize(topic) + fieldSize(m.signature()) + fieldSize(m.key())];
        int to = field(after, 0, 3, m.seqno());
        to = field(after, to, 4, topic);
        to = field(after, to, 5, m.signature());
        to = field(after, to, 6, m.key());
        if (at != before.length || to != after.length) {
            throw new IllegalStateException("encoded " + at + "+" + to + " of " + before.length + "+" + after.length + " bytes");
        }
        return new byte[][] {before, after};
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

    /**
     * Decodes one frame within {@code limits}. The messages' data are slices of {@code frame} (not copies): the
     * caller must not modify it afterwards. The frame itself is not written to.
     */
    static Rpc decode(byte[] frame, RpcLimits limits) {
        return decode(ByteBuffer.wrap(frame), limits, false);
    }

    /**
     * Decodes the frame held by {@code frame}'s remaining bytes (an array-backed buffer) within {@code limits},
     * taking its array over: the messages' data are slices of it, and where a message was encoded canonically
     * (fields 1-4 in order, minimal lengths) StrictSign's prefix is written into the bytes just before the message
     * (the buffer's headroom before its position, or headers and fields already decoded, never any message's data
     * or signed bytes), so that {@link Rpc.PubMessage#signedBytes()} is the signed bytes in place, verified without
     * a copy of the data. {@link StrictSign#PREFIX_BYTES} of headroom lets the first message of the frame have it.
     */
    static Rpc decodeInPlace(ByteBuffer frame, RpcLimits limits) {
        return decode(frame, limits, true);
    }

    private static Rpc decode(ByteBuffer frame, RpcLimits limits, boolean inPlace) {
        if (!frame.hasArray()) {
            throw new IllegalArgumentException("a gossipsub RPC is decoded from an array-backed buffer");
        }
        if (frame.remaining() > limits.maxFrameBytes()) {
            throw new ProtocolViolationException("gossipsub RPC of " + frame.remaining() + " bytes exceeds the limit of "
                    + limits.maxFrameBytes());
        }
        Counts counts = new Counts(limits);
        List<Rpc.Subscription> subscriptions = new ArrayList<>();
        List<Rpc.PubMessage> publish = new ArrayList<>();
        List<Rpc.IHave> ihave = new ArrayList<>();
        List<Rpc.IWant> iwant = new ArrayList<>();
        List<Rpc.Graft> graft = new ArrayList<>();
        List<Rpc.Prune> prune = new ArrayList<>();
        int start = frame.arrayOffset() + frame.position();
        ProtoReader r = new ProtoReader(frame.array(), start, start + frame.remaining(), "RPC");
        // bytes of the array before this offset hold a message's data or signed bytes; in place, those after are free
        int[] guard = {inPlace ? frame.arrayOffset() : Integer.MAX_VALUE};
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    counts.bound(subscriptions.size() + 1, limits.maxSubscriptions(), "subscriptions");
                    subscriptions.add(decodeSubscription(r.embedded("SubOpts"), limits));
                }
                case 2 -> {
                    counts.bound(publish.size() + 1, limits.maxMessages(), "messages");
                    publish.add(decodeMessage(frame.array(), r.embedded("Message"), limits, guard));
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

    private static Rpc.PubMessage decodeMessage(byte[] buf, ProtoReader r, RpcLimits limits, int[] guard) {
        byte[] from = null;
        int dataAt = -1;
        int dataLength = 0;
        byte[] seqno = null;
        String topic = null;
        byte[] signature = null;
        byte[] key = null;
        int messageStart = r.position();
        // the signed bytes lie in place while fields 1..4 come in order, each minimally encoded, from the start
        int signedEnd = messageStart;
        int lastSigned = 0;
        boolean inPlace = true;
        int fieldStart = messageStart;
        while (r.next()) {
            int field = r.field();
            switch (field) {
                case 1 -> from = small(r, "from");
                case 2 -> {
                    dataAt = r.bytesInPlace();
                    dataLength = r.position() - dataAt;
                    if (dataLength > limits.maxDataBytes()) {
                        throw new ProtocolViolationException("gossipsub message data of " + dataLength
                                + " bytes exceeds the limit of " + limits.maxDataBytes());
                    }
                }
                case 3 -> seqno = small(r, "seqno");
                case 4 -> topic = topic(r, limits);
                case 5 -> signature = small(r, "signature");
                case 6 -> key = small(r, "key");
                default -> r.skip();
            }
            int fieldEnd = r.position();
            if (field <= 4) {
                inPlace = inPlace && field > lastSigned && fieldStart == signedEnd && minimal(buf, fieldStart, fieldEnd);
                lastSigned = field;
                signedEnd = fieldEnd;
            }
            fieldStart = fieldEnd;
        }
        if (topic == null) {
            throw new ProtocolViolationException("gossipsub Message lacks its topic");
        }
        ByteBuffer data = dataAt < 0 ? ByteBuffer.allocate(0) : ByteBuffer.wrap(buf, dataAt, dataLength);
        ByteBuffer signed = null;
        int prefixAt = messageStart - StrictSign.PREFIX_BYTES;
        if (inPlace && dataAt >= 0 && lastSigned == 4 && prefixAt >= guard[0]) {
            StrictSign.writePrefix(buf, prefixAt);
            signed = ByteBuffer.wrap(buf, prefixAt, signedEnd - prefixAt);
            guard[0] = signedEnd;
        } else if (dataAt >= 0) {
            guard[0] = Math.max(guard[0], dataAt + dataLength);
        }
        return new Rpc.PubMessage(from, data, seqno, topic, signature, key, signed);
    }

    /**
     * Whether the length-delimited field in {@code buf[start, end)} is encoded as this codec encodes it: a
     * one-byte tag and the shortest varint of its length.
     */
    private static boolean minimal(byte[] buf, int start, int end) {
        if ((buf[start] & 0x80) != 0 || (buf[start] & 7) != 2) {
            return false;
        }
        long length = 0;
        int lengthBytes = 0;
        int b;
        do { // the reader has parsed this varint: it ends within the field
            b = buf[start + 1 + lengthBytes] & 0xFF;
            length |= (long) (b & 0x7F) << (7 * lengthBytes);
            lengthBytes++;
        } while ((b & 0x80) != 0);
        return lengthBytes == Varint.size(length) && end - start == 1 + lengthBytes + length;
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

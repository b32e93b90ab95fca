package io.icn.p2p.kad;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The protobuf encoding of {@link KadMessage}, field for field the {@code dht.proto} of the libp2p
 * kad-dht specification (the same numbers rust-libp2p and js-libp2p use). Written with protobuf-java's
 * wire primitives rather than generated classes so that every bound is checked here, while reading:
 * unknown fields are skipped (protobuf rules), a known field with the wrong wire type, an unknown enum
 * value, a peer without an id or with too many addresses is a {@link KadProtocolViolationException}.
 *
 * <p>Stateless and thread-safe.
 */
final class KadMessageCodec {
    // Message
    private static final int TYPE = 1;
    private static final int KEY = 2;
    private static final int RECORD = 3;
    private static final int CLOSER_PEERS = 8;
    private static final int PROVIDER_PEERS = 9;
    private static final int CLUSTER_LEVEL = 10;
    // Record
    private static final int RECORD_KEY = 1;
    private static final int RECORD_VALUE = 2;
    private static final int RECORD_TIME_RECEIVED = 5;
    // Peer
    private static final int PEER_ID = 1;
    private static final int PEER_ADDRS = 2;
    private static final int PEER_CONNECTION = 3;

    /** Longest multiaddr accepted in a peer entry. */
    static final int MAX_ADDR_BYTES = 1024;
    /** Longest record key accepted. */
    static final int MAX_KEY_BYTES = 1024;

    private KadMessageCodec() {
    }

    static byte[] encode(KadMessage m) {
        try {
            byte[] out = new byte[size(m)];
            CodedOutputStream o = CodedOutputStream.newInstance(out);
            o.writeEnum(TYPE, m.type().ordinal());
            byte[] key = m.key();
            if (key.length > 0) {
                o.writeByteArray(KEY, key);
            }
            if (m.record() != null) {
                o.writeTag(RECORD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                o.writeUInt32NoTag(recordSize(m.record()));
                writeRecord(o, m.record());
            }
            for (KadPeer p : m.closerPeers()) {
                writePeer(o, CLOSER_PEERS, p);
            }
            for (KadPeer p : m.providerPeers()) {
                writePeer(o, PROVIDER_PEERS, p);
            }
            if (m.clusterLevel() != 0) {
                o.writeInt32(CLUSTER_LEVEL, m.clusterLevel());
            }
            o.checkNoSpaceLeft();
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("protobuf size mismatch encoding " + m, e);
        }
    }

    /** Bytes {@link #encode} produces for {@code m}. */
    static int size(KadMessage m) {
        int n = CodedOutputStream.computeEnumSize(TYPE, m.type().ordinal());
        if (m.keyLength() > 0) {
            n += CodedOutputStream.computeTagSize(KEY) + lengthDelimited(m.keyLength());
        }
        if (m.record() != null) {
            n += CodedOutputStream.computeTagSize(RECORD) + lengthDelimited(recordSize(m.record()));
        }
        for (KadPeer p : m.closerPeers()) {
            n += CodedOutputStream.computeTagSize(CLOSER_PEERS) + lengthDelimited(peerSize(p));
        }
        for (KadPeer p : m.providerPeers()) {
            n += CodedOutputStream.computeTagSize(PROVIDER_PEERS) + lengthDelimited(peerSize(p));
        }
        if (m.clusterLevel() != 0) {
            n += CodedOutputStream.computeInt32Size(CLUSTER_LEVEL, m.clusterLevel());
        }
        return n;
    }

    private static int lengthDelimited(int length) {
        return CodedOutputStream.computeUInt32SizeNoTag(length) + length;
    }

    private static int recordSize(KadRecord r) {
        int n = CodedOutputStream.computeByteArraySize(RECORD_KEY, r.key())
                + CodedOutputStream.computeByteArraySize(RECORD_VALUE, r.value());
        if (!r.timeReceived().isEmpty()) {
            n += CodedOutputStream.computeStringSize(RECORD_TIME_RECEIVED, r.timeReceived());
        }
        return n;
    }

    private static void writeRecord(CodedOutputStream o, KadRecord r) throws IOException {
        o.writeByteArray(RECORD_KEY, r.key());
        o.writeByteArray(RECORD_VALUE, r.value());
        if (!r.timeReceived().isEmpty()) {
            o.writeString(RECORD_TIME_RECEIVED, r.timeReceived());
        }
    }

    private static int peerSize(KadPeer p) {
        int n = CodedOutputStream.computeByteArraySize(PEER_ID, p.id());
        for (byte[] a : p.addrs()) {
            n += CodedOutputStream.computeByteArraySize(PEER_ADDRS, a);
        }
        if (p.connection().ordinal() != 0) {
            n += CodedOutputStream.computeEnumSize(PEER_CONNECTION, p.connection().ordinal());
        }
        return n;
    }

    private static void writePeer(CodedOutputStream o, int field, KadPeer p) throws IOException {
        o.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(peerSize(p));
        o.writeByteArray(PEER_ID, p.id());
        for (byte[] a : p.addrs()) {
            o.writeByteArray(PEER_ADDRS, a);
        }
        if (p.connection().ordinal() != 0) {
            o.writeEnum(PEER_CONNECTION, p.connection().ordinal());
        }
    }

    /**
     * Reads one message.
     *
     * @param bytes the message (without its length prefix)
     * @param maxBytes the largest message accepted
     * @throws KadProtocolViolationException if it is larger than {@code maxBytes} or malformed
     */
    static KadMessage decode(byte[] bytes, int maxBytes) {
        if (bytes.length > maxBytes) {
            throw new KadProtocolViolationException(
                    "kad message of " + bytes.length + " bytes exceeds the limit of " + maxBytes);
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(4);
            KadMessage.Type type = KadMessage.Type.PUT_VALUE;
            byte[] key = new byte[0];
            KadRecord record = null;
            List<KadPeer> closer = new ArrayList<>();
            List<KadPeer> providers = new ArrayList<>();
            int clusterLevel = 0;
            int tag;
            while ((tag = in.readTag()) != 0) {
                int field = WireFormat.getTagFieldNumber(tag);
                switch (field) {
                    case TYPE -> {
                        expect(tag, WireFormat.WIRETYPE_VARINT, "type");
                        type = KadMessage.Type.fromWire(in.readEnum());
                    }
                    case KEY -> {
                        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "key");
                        key = boundedBytes(in, MAX_KEY_BYTES, "key");
                    }
                    case RECORD -> {
                        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "record");
                        record = readRecord(in);
                    }
                    case CLOSER_PEERS -> {
                        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "closerPeers");
                        closer.add(readPeer(in));
                    }
                    case PROVIDER_PEERS -> {
                        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "providerPeers");
                        providers.add(readPeer(in));
                    }
                    case CLUSTER_LEVEL -> {
                        expect(tag, WireFormat.WIRETYPE_VARINT, "clusterLevelRaw");
                        clusterLevel = in.readInt32();
                    }
                    default -> {
                        if (!in.skipField(tag)) {
                            throw new KadProtocolViolationException("kad message has an end-group tag " + tag);
                        }
                    }
                }
            }
            return new KadMessage(type, key, record, closer, providers, clusterLevel);
        } catch (InvalidProtocolBufferException e) {
            throw new KadProtocolViolationException("malformed kad message: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new KadProtocolViolationException("unreadable kad message: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new KadProtocolViolationException("invalid kad message: " + e.getMessage(), e);
        }
    }

    private static void expect(int tag, int wireType, String name) {
        if (WireFormat.getTagWireType(tag) != wireType) {
            throw new KadProtocolViolationException(
                    "kad field " + name + " has wire type " + WireFormat.getTagWireType(tag) + ", not " + wireType);
        }
    }

    private static byte[] boundedBytes(CodedInputStream in, int max, String name) throws IOException {
        int length = in.readRawVarint32();
        if (length < 0 || length > max) {
            throw new KadProtocolViolationException("kad field " + name + " of " + length + " bytes exceeds " + max);
        }
        return in.readRawBytes(length);
    }

    private static KadRecord readRecord(CodedInputStream in) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        byte[] key = new byte[0];
        byte[] value = new byte[0];
        String timeReceived = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case RECORD_KEY -> {
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "record.key");
                    key = boundedBytes(in, MAX_KEY_BYTES, "record.key");
                }
                case RECORD_VALUE -> {
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "record.value");
                    value = in.readByteArray();
                }
                case RECORD_TIME_RECEIVED -> {
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "record.timeReceived");
                    byte[] text = boundedBytes(in, 64, "record.timeReceived");
                    timeReceived = new String(text, StandardCharsets.UTF_8);
                }
                default -> {
                    if (!in.skipField(tag)) {
                        throw new KadProtocolViolationException("kad record has an end-group tag " + tag);
                    }
                }
            }
        }
        in.checkLastTagWas(0);
        in.popLimit(limit);
        return new KadRecord(key, value, timeReceived);
    }

    private static KadPeer readPeer(CodedInputStream in) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        byte[] id = null;
        List<byte[]> addrs = new ArrayList<>();
        KadPeer.Connection connection = KadPeer.Connection.NOT_CONNECTED;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case PEER_ID -> {
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "peer.id");
                    id = boundedBytes(in, KadPeer.MAX_ID_BYTES, "peer.id");
                }
                case PEER_ADDRS -> {
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "peer.addrs");
                    if (addrs.size() == KadPeer.MAX_ADDRS) {
                        throw new KadProtocolViolationException("kad peer has more than " + KadPeer.MAX_ADDRS + " addresses");
                    }
                    addrs.add(boundedBytes(in, MAX_ADDR_BYTES, "peer.addrs"));
                }
                case PEER_CONNECTION -> {
                    expect(tag, WireFormat.WIRETYPE_VARINT, "peer.connection");
                    connection = KadPeer.Connection.fromWire(in.readEnum());
                }
                default -> {
                    if (!in.skipField(tag)) {
                        throw new KadProtocolViolationException("kad peer has an end-group tag " + tag);
                    }
                }
            }
        }
        in.popLimit(limit);
        if (id == null || id.length == 0) {
            throw new KadProtocolViolationException("kad peer entry without an id");
        }
        return new KadPeer(id, addrs, connection);
    }
}

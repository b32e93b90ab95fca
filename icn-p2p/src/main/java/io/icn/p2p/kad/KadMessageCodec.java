package io.icn.p2p.kad;

import io.icn.p2p.MessageTooLargeException;
import io.icn.p2p.ProtocolViolationException;
import io.icn.p2p.internal.ProtoReader;
import io.icn.p2p.internal.ProtoWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The protobuf encoding of {@link KadMessage}, field for field the {@code dht.proto} of the libp2p
 * kad-dht specification (the numbers rust-libp2p and js-libp2p use), on the module's protobuf reader
 * and writer. Unknown fields are skipped (protobuf rules); a message over the size limit is a
 * {@link MessageTooLargeException}; a field with the wrong wire type, truncated bytes, an unknown enum
 * value, an over-long key or address, a peer without an id or with too many addresses is a
 * {@link ProtocolViolationException}.
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
    /** Longest {@code timeReceived} accepted (an RFC 3339 time is about 30 characters). */
    static final int MAX_TIME_BYTES = 64;

    private KadMessageCodec() {
    }

    static byte[] encode(KadMessage m) {
        ProtoWriter w = new ProtoWriter().varint(TYPE, m.type().ordinal());
        if (m.keyLength() > 0) {
            w.bytes(KEY, m.key());
        }
        if (m.record() != null) {
            KadRecord r = m.record();
            ProtoWriter rw = new ProtoWriter().bytes(RECORD_KEY, r.key()).bytes(RECORD_VALUE, r.value());
            if (!r.timeReceived().isEmpty()) {
                rw.string(RECORD_TIME_RECEIVED, r.timeReceived());
            }
            w.bytes(RECORD, rw.toByteArray());
        }
        for (KadPeer p : m.closerPeers()) {
            w.bytes(CLOSER_PEERS, encodePeer(p));
        }
        for (KadPeer p : m.providerPeers()) {
            w.bytes(PROVIDER_PEERS, encodePeer(p));
        }
        if (m.clusterLevel() != 0) {
            w.varint(CLUSTER_LEVEL, m.clusterLevel());
        }
        return w.toByteArray();
    }

    private static byte[] encodePeer(KadPeer p) {
        ProtoWriter w = new ProtoWriter().bytes(PEER_ID, p.id());
        for (byte[] a : p.addrs()) {
            w.bytes(PEER_ADDRS, a);
        }
        if (p.connection().ordinal() != 0) {
            w.varint(PEER_CONNECTION, p.connection().ordinal());
        }
        return w.toByteArray();
    }

    /**
     * Reads one message.
     *
     * @param bytes the message (without its length prefix)
     * @param maxBytes the largest message accepted
     * @throws MessageTooLargeException if it is larger than {@code maxBytes}
     * @throws ProtocolViolationException if it is malformed
     */
    static KadMessage decode(byte[] bytes, int maxBytes) {
        if (bytes.length > maxBytes) {
            throw new MessageTooLargeException(
                    "kad message of " + bytes.length + " bytes exceeds the limit of " + maxBytes);
        }
        KadMessage.Type type = KadMessage.Type.PUT_VALUE;
        byte[] key = new byte[0];
        KadRecord record = null;
        List<KadPeer> closer = new ArrayList<>();
        List<KadPeer> providers = new ArrayList<>();
        long clusterLevel = 0;
        ProtoReader r = new ProtoReader(bytes, "kad Message");
        while (r.next()) {
            switch (r.field()) {
                case TYPE -> type = KadMessage.Type.fromWire(r.varint());
                case KEY -> key = bounded(r.bytes(), MAX_KEY_BYTES, "key");
                case RECORD -> record = decodeRecord(r.bytes());
                case CLOSER_PEERS -> closer.add(decodePeer(r.bytes()));
                case PROVIDER_PEERS -> providers.add(decodePeer(r.bytes()));
                case CLUSTER_LEVEL -> clusterLevel = r.varint();
                default -> r.skip();
            }
        }
        // int32 on the wire: negative values are sign-extended to 64 bits.
        return new KadMessage(type, key, record, closer, providers, (int) clusterLevel);
    }

    private static byte[] bounded(byte[] b, int max, String name) {
        if (b.length > max) {
            throw new ProtocolViolationException("kad field " + name + " of " + b.length + " bytes exceeds " + max);
        }
        return b;
    }

    private static KadRecord decodeRecord(byte[] bytes) {
        byte[] key = new byte[0];
        byte[] value = new byte[0];
        String timeReceived = "";
        ProtoReader r = new ProtoReader(bytes, "kad Record");
        while (r.next()) {
            switch (r.field()) {
                case RECORD_KEY -> key = bounded(r.bytes(), MAX_KEY_BYTES, "record.key");
                case RECORD_VALUE -> value = r.bytes();
                case RECORD_TIME_RECEIVED -> {
                    timeReceived = r.string();
                    if (timeReceived.length() > MAX_TIME_BYTES) {
                        throw new ProtocolViolationException("kad record timeReceived of " + timeReceived.length()
                                + " characters exceeds " + MAX_TIME_BYTES);
                    }
                }
                default -> r.skip();
            }
        }
        return new KadRecord(key, value, timeReceived);
    }

    private static KadPeer decodePeer(byte[] bytes) {
        byte[] id = null;
        List<byte[]> addrs = new ArrayList<>();
        KadPeer.Connection connection = KadPeer.Connection.NOT_CONNECTED;
        ProtoReader r = new ProtoReader(bytes, "kad Peer");
        while (r.next()) {
            switch (r.field()) {
                case PEER_ID -> id = bounded(r.bytes(), KadPeer.MAX_ID_BYTES, "peer.id");
                case PEER_ADDRS -> {
                    if (addrs.size() == KadPeer.MAX_ADDRS) {
                        throw new ProtocolViolationException("kad peer has more than " + KadPeer.MAX_ADDRS + " addresses");
                    }
                    addrs.add(bounded(r.bytes(), MAX_ADDR_BYTES, "peer.addrs"));
                }
                case PEER_CONNECTION -> connection = KadPeer.Connection.fromWire(r.varint());
                default -> r.skip();
            }
        }
        if (id == null || id.length == 0) {
            throw new ProtocolViolationException("kad peer entry without an id");
        }
        return new KadPeer(id, addrs, connection);
    }
}

package io.icn.p2p.kad;

import io.icn.p2p.ProtocolViolationException;

import java.util.List;
import java.util.Objects;

/**
 * One Kademlia message of the libp2p kad-dht specification ({@code Message} in its protobuf): the
 * request or response of one stream. Which fields matter depends on {@link #type()}: a
 * {@code FIND_NODE} request has a key and its response closer peers; {@code GET_VALUE} answers with a
 * record and closer peers; {@code PUT_VALUE} carries a record and is answered with it; {@code ADD_PROVIDER}
 * carries provider peers and has no response; {@code GET_PROVIDERS} answers with provider and closer
 * peers.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type the message type
 * @param key the key the message is about (empty if none)
 * @param record the record, or {@code null}
 * @param closerPeers peers closer to the key, as the sender knows them
 * @param providerPeers providers of the key
 * @param clusterLevel the deprecated cluster level, carried as read
 */
public record KadMessage(Type type, byte[] key, KadRecord record, List<KadPeer> closerPeers,
        List<KadPeer> providerPeers, int clusterLevel) {

    /** The libp2p kad {@code MessageType}, numbered as on the wire. */
    public enum Type {
        PUT_VALUE, GET_VALUE, ADD_PROVIDER, GET_PROVIDERS, FIND_NODE, PING;

        static Type fromWire(long value) {
            if (value < 0 || value >= values().length) {
                throw new ProtocolViolationException("unknown kad message type " + value);
            }
            return values()[(int) value];
        }
    }

    public KadMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        key = key.clone();
        closerPeers = List.copyOf(closerPeers);
        providerPeers = List.copyOf(providerPeers);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    int keyLength() {
        return key.length;
    }

    /** A request of {@code type} about {@code key}, with no other field. */
    public static KadMessage request(Type type, byte[] key) {
        return new KadMessage(type, key, null, List.of(), List.of(), 0);
    }

    /** A PUT_VALUE request (and its echoed response). */
    public static KadMessage putValue(KadRecord record) {
        return new KadMessage(Type.PUT_VALUE, record.key(), record, List.of(), List.of(), 0);
    }

    /** An ADD_PROVIDER request announcing {@code provider} for {@code key}. */
    public static KadMessage addProvider(byte[] key, KadPeer provider) {
        return new KadMessage(Type.ADD_PROVIDER, key, null, List.of(), List.of(provider), 0);
    }

    /** The same message with other closer peers (responses). */
    KadMessage withCloserPeers(List<KadPeer> peers) {
        return new KadMessage(type, key, record, peers, providerPeers, clusterLevel);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadMessage m && type == m.type && java.util.Arrays.equals(key, m.key)
                && Objects.equals(record, m.record) && closerPeers.equals(m.closerPeers)
                && providerPeers.equals(m.providerPeers) && clusterLevel == m.clusterLevel;
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + java.util.Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "KadMessage[" + type + ", key " + RecordKeys.printable(key) + (record != null ? ", " + record : "")
                + ", " + closerPeers.size() + " closer, " + providerPeers.size() + " providers]";
    }
}

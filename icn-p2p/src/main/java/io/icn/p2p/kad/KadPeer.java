package io.icn.p2p.kad;

import io.icn.p2p.Multiaddr;
import io.icn.p2p.P2pException;
import io.icn.p2p.PeerId;
import io.icn.p2p.ProtocolViolationException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A peer as Kademlia messages carry it: its peer id (the binary multihash), its addresses (binary
 * multiaddrs) and what the sender knows of its connection to it. Two peers are equal when their ids
 * are; addresses and connection state are hints.
 *
 * <p>Immutable and thread-safe: arrays are copied in and out.
 *
 * @param id the peer id bytes, 1 to {@value #MAX_ID_BYTES} bytes
 * @param addrs binary multiaddrs, at most {@value #MAX_ADDRS}
 * @param connection the sender's connection to the peer
 */
public record KadPeer(byte[] id, List<byte[]> addrs, Connection connection) {

    /** Longest peer id accepted: an identity multihash of an RSA-4096 key is about 550 bytes. */
    public static final int MAX_ID_BYTES = 1024;
    /** Most addresses kept for one peer. */
    public static final int MAX_ADDRS = 64;

    /** The libp2p kad {@code ConnectionType}, numbered as on the wire. */
    public enum Connection {
        NOT_CONNECTED, CONNECTED, CAN_CONNECT, CANNOT_CONNECT;

        static Connection fromWire(long value) {
            if (value < 0 || value >= values().length) {
                throw new ProtocolViolationException("unknown peer connection type " + value);
            }
            return values()[(int) value];
        }
    }

    public KadPeer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(connection, "connection");
        if (id.length == 0 || id.length > MAX_ID_BYTES) {
            throw new IllegalArgumentException("peer id must be 1.." + MAX_ID_BYTES + " bytes: " + id.length);
        }
        if (addrs.size() > MAX_ADDRS) {
            throw new IllegalArgumentException("a peer carries at most " + MAX_ADDRS + " addresses: " + addrs.size());
        }
        id = id.clone();
        List<byte[]> copy = new ArrayList<>(addrs.size());
        for (byte[] a : addrs) {
            copy.add(Objects.requireNonNull(a, "addr").clone());
        }
        addrs = List.copyOf(copy);
    }

    /** A peer with addresses and no connection information. */
    public static KadPeer of(byte[] id, List<byte[]> addrs) {
        return new KadPeer(id, addrs, Connection.NOT_CONNECTED);
    }

    @Override
    public byte[] id() {
        return id.clone();
    }

    @Override
    public List<byte[]> addrs() {
        List<byte[]> out = new ArrayList<>(addrs.size());
        for (byte[] a : addrs) {
            out.add(a.clone());
        }
        return out;
    }

    /** A peer from the host's types: its id and addresses (a trailing {@code /p2p} is dropped). */
    public static KadPeer of(PeerId id, List<Multiaddr> addrs) {
        List<byte[]> bytes = new ArrayList<>(Math.min(addrs.size(), MAX_ADDRS));
        for (Multiaddr a : addrs) {
            if (bytes.size() < MAX_ADDRS) {
                bytes.add(a.withoutPeerId().toBytes());
            }
        }
        return new KadPeer(id.toBytes(), bytes, Connection.NOT_CONNECTED);
    }

    /**
     * This peer's id as a {@link PeerId}.
     *
     * @throws io.icn.p2p.InvalidPeerIdException if the bytes are not a peer id multihash
     */
    public PeerId peerId() {
        return PeerId.fromBytes(id);
    }

    /** The addresses that parse as multiaddrs (others, from a newer peer, are skipped). */
    public List<Multiaddr> multiaddrs() {
        List<Multiaddr> out = new ArrayList<>(addrs.size());
        for (byte[] a : addrs) {
            try {
                out.add(Multiaddr.fromBytes(a));
            } catch (P2pException unknown) {
                // an address of a protocol this node does not know
            }
        }
        return out;
    }

    /** The id as a map key (read-only, compares by content). */
    ByteBuffer idKey() {
        return ByteBuffer.wrap(id).asReadOnlyBuffer();
    }

    /** The routing key of this peer: SHA-256 of its id. */
    KadKey key() {
        return KadKey.of(id);
    }

    int idLength() {
        return id.length;
    }

    boolean hasId(byte[] other) {
        return Arrays.equals(id, other);
    }

    /** The same peer with another connection state. */
    public KadPeer withConnection(Connection c) {
        return new KadPeer(id, addrs, c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadPeer p && Arrays.equals(id, p.id);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(id);
    }

    @Override
    public String toString() {
        String name;
        try {
            name = PeerId.fromBytes(id).toString();
        } catch (P2pException notAPeerId) {
            name = HexFormat.of().formatHex(id);
        }
        return "KadPeer[" + name + ", " + addrs.size() + " addrs, " + connection + "]";
    }
}

package io.icn.p2p;

import io.icn.p2p.internal.ProtoReader;
import io.icn.p2p.internal.ProtoWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The identify message ({@code /ipfs/id/1.0.0}), sent varint-length-prefixed by the side that accepted the stream:
 * {@code publicKey=1, listenAddrs=2 (repeated), protocols=3 (repeated), observedAddr=4, protocolVersion=5,
 * agentVersion=6}; {@code signedPeerRecord=8} and unknown fields are ignored. Addresses that do not parse as a
 * known multiaddr are skipped rather than failing the whole message.
 *
 * @param publicKey the sender's public key (protobuf), empty if not sent
 *
 * <p>Immutable and thread-safe.
 */
record Identify(byte[] publicKey, List<Multiaddr> listenAddresses, List<String> protocols,
        Optional<Multiaddr> observedAddress, String protocolVersion, String agentVersion) {

    byte[] encode() {
        ProtoWriter w = new ProtoWriter();
        if (publicKey.length > 0) {
            w.bytes(1, publicKey);
        }
        for (Multiaddr a : listenAddresses) {
            w.bytes(2, a.toBytes());
        }
        for (String p : protocols) {
            w.string(3, p);
        }
        observedAddress.ifPresent(a -> w.bytes(4, a.toBytes()));
        w.string(5, protocolVersion);
        w.string(6, agentVersion);
        return w.toByteArray();
    }

    /**
     * Decodes an identify message.
     *
     * @throws ProtocolViolationException if the protobuf is malformed
     */
    static Identify decode(byte[] message) {
        byte[] key = new byte[0];
        List<Multiaddr> listen = new ArrayList<>();
        List<String> protocols = new ArrayList<>();
        Optional<Multiaddr> observed = Optional.empty();
        String protocolVersion = "";
        String agentVersion = "";
        ProtoReader r = new ProtoReader(message, "Identify");
        while (r.next()) {
            switch (r.field()) {
                case 1 -> key = r.bytes();
                case 2 -> multiaddr(r.bytes()).ifPresent(listen::add);
                case 3 -> protocols.add(r.string());
                case 4 -> observed = multiaddr(r.bytes());
                case 5 -> protocolVersion = r.string();
                case 6 -> agentVersion = r.string();
                default -> r.skip();
            }
        }
        return new Identify(key, listen, protocols, observed, protocolVersion, agentVersion);
    }

    private static Optional<Multiaddr> multiaddr(byte[] bytes) {
        try {
            return Optional.of(Multiaddr.fromBytes(bytes));
        } catch (InvalidMultiaddrException e) {
            return Optional.empty();
        }
    }
}

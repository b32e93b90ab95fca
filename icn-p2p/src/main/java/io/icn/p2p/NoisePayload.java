package io.icn.p2p;

import io.icn.p2p.internal.ProtoReader;
import io.icn.p2p.internal.ProtoWriter;
import java.nio.charset.StandardCharsets;

/**
 * libp2p's Noise handshake payload, {@code NoiseHandshakePayload{identity_key=1, identity_sig=2, extensions=4}}:
 * the identity key (protobuf) and its signature over {@code "noise-libp2p-static-key:" || static X25519 key}.
 * This host sends no extensions (no early muxer negotiation: the muxer is agreed by multistream-select); received
 * extensions and unknown fields are ignored. Stateless and thread-safe.
 */
final class NoisePayload {
    static final byte[] SIGNATURE_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);

    private NoisePayload() {
    }

    static byte[] create(HostIdentity identity, byte[] staticPublic) {
        byte[] signature = identity.sign(signed(staticPublic));
        return new ProtoWriter().bytes(1, identity.publicKeyProtobuf()).bytes(2, signature).toByteArray();
    }

    /**
     * The peer proven by {@code payload} for the remote static key {@code remoteStatic}.
     *
     * @throws BadPeerException if the key or signature is missing, not Ed25519, or does not verify
     * @throws ProtocolViolationException if the protobuf is malformed
     */
    static PeerId verify(byte[] payload, byte[] remoteStatic) {
        byte[] key = null;
        byte[] signature = null;
        ProtoReader r = new ProtoReader(payload, "NoiseHandshakePayload");
        while (r.next()) {
            switch (r.field()) {
                case 1 -> key = r.bytes();
                case 2 -> signature = r.bytes();
                default -> r.skip();
            }
        }
        if (key == null || signature == null) {
            throw new BadPeerException("the Noise handshake payload lacks the identity " + (key == null ? "key" : "signature"));
        }
        byte[] raw = Ed25519.rawKeyOfProtobuf(key);
        if (!Ed25519.verify(raw, signed(remoteStatic), signature)) {
            throw new BadPeerException("the Noise static key signature of " + PeerId.fromPublicKeyProtobuf(key) + " does not verify");
        }
        return PeerId.fromPublicKeyProtobuf(key);
    }

    private static byte[] signed(byte[] staticPublic) {
        byte[] out = new byte[SIGNATURE_PREFIX.length + staticPublic.length];
        System.arraycopy(SIGNATURE_PREFIX, 0, out, 0, SIGNATURE_PREFIX.length);
        System.arraycopy(staticPublic, 0, out, SIGNATURE_PREFIX.length, staticPublic.length);
        return out;
    }
}

package io.icn.p2p;

import io.icn.p2p.internal.ProtoReader;
import io.icn.p2p.internal.ProtoWriter;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * Ed25519 (keys with the JDK, verification with BouncyCastle), and libp2p's protobuf key encoding ({@code PublicKey{Type=Ed25519(1), Data=32 bytes}}).
 * Stateless and thread-safe.
 */
final class Ed25519 {
    static final int KEY_TYPE_ED25519 = 1;
    static final int KEY_BYTES = 32;
    /** DER header of an X.509 SubjectPublicKeyInfo for Ed25519, followed by the 32 raw key bytes. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private Ed25519() {
    }

    static byte[] publicKeyProtobuf(byte[] raw) {
        requireKeyLength(raw);
        return new ProtoWriter().varint(1, KEY_TYPE_ED25519).bytes(2, raw).toByteArray();
    }

    /**
     * The raw Ed25519 key of a protobuf-encoded public key.
     *
     * @throws BadPeerException if the key is not Ed25519 or not 32 bytes
     * @throws ProtocolViolationException if the protobuf is malformed
     */
    static byte[] rawKeyOfProtobuf(byte[] protobuf) {
        long type = -1;
        byte[] data = null;
        ProtoReader r = new ProtoReader(protobuf, "PublicKey");
        while (r.next()) {
            switch (r.field()) {
                case 1 -> type = r.varint();
                case 2 -> data = r.bytes();
                default -> r.skip();
            }
        }
        if (type != KEY_TYPE_ED25519) {
            throw new BadPeerException("public key type " + type + " is not supported (only Ed25519, type 1)");
        }
        if (data == null || data.length != KEY_BYTES) {
            throw new BadPeerException("Ed25519 public key must be 32 bytes, is " + (data == null ? "absent" : data.length));
        }
        return data;
    }

    static PublicKey jdkPublicKey(byte[] raw) {
        requireKeyLength(raw);
        byte[] x509 = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + KEY_BYTES);
        System.arraycopy(raw, 0, x509, X509_PREFIX.length, KEY_BYTES);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
        } catch (GeneralSecurityException e) {
            throw new BadPeerException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    static byte[] rawOf(PublicKey key) {
        byte[] x509 = key.getEncoded();
        if (!"Ed25519".equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm()) || x509.length != X509_PREFIX.length + KEY_BYTES) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm() + ", " + x509.length + " bytes encoded");
        }
        return Arrays.copyOfRange(x509, X509_PREFIX.length, x509.length);
    }

    /** Whether {@code signature} is {@code raw}'s Ed25519 signature of {@code message}; false for any malformed input. */
    static boolean verify(byte[] raw, byte[] message, byte[] signature) {
        return verify(raw, message, 0, message.length, signature);
    }

    /**
     * Whether {@code signature} is {@code raw}'s Ed25519 signature (RFC 8032) of {@code message[offset, offset +
     * length)}; false for any malformed key or signature. BouncyCastle's verifier reads the message in place: the
     * JDK 17 provider's {@code Signature.update} accumulates the whole message in a growing buffer first and copies
     * it once more to verify, three transient copies of a 50 MB gossip message.
     */
    static boolean verify(byte[] raw, byte[] message, int offset, int length, byte[] signature) {
        if (raw.length != KEY_BYTES || signature.length != org.bouncycastle.math.ec.rfc8032.Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, raw, 0, message, offset, length);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static void requireKeyLength(byte[] raw) {
        if (raw.length != KEY_BYTES) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, got " + raw.length);
        }
    }
}

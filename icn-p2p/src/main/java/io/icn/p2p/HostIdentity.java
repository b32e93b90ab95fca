package io.icn.p2p;

import io.icn.p2p.internal.ProtoWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * The Ed25519 key pair a host proves itself with, and its {@link PeerId}. Build it from the node's existing key
 * ({@link #fromKeyPair}, {@link #fromPrivateKey}) so that the node's chain account (the raw public key) and its
 * peer id are one key and stable across restarts; {@link #fromSeed} gives the same key as js-libp2p's
 * {@code generateKeyPairFromSeed('Ed25519', seed)} and rust-libp2p's {@code Keypair::ed25519_from_bytes}.
 *
 * <p>Immutable and thread-safe (each signature uses its own {@link Signature}).
 */
public final class HostIdentity {
    private final PrivateKey privateKey;
    private final byte[] rawPublicKey;
    private final PeerId peerId;

    private HostIdentity(PrivateKey privateKey, byte[] rawPublicKey) {
        this.privateKey = privateKey;
        this.rawPublicKey = rawPublicKey;
        this.peerId = PeerId.fromEd25519PublicKey(rawPublicKey);
        byte[] probe = "icn-p2p key pair check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (!Ed25519.verify(rawPublicKey, probe, sign(probe))) {
            throw new IllegalArgumentException("the Ed25519 private and public keys are not one key pair");
        }
    }

    /**
     * The identity of the 32-byte Ed25519 seed (RFC 8032 private key). Seed {@code 01}×32 gives
     * {@code 12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5}.
     *
     * @throws IllegalArgumentException if {@code seed} is not 32 bytes
     */
    public static HostIdentity fromSeed(byte[] seed) {
        if (seed.length != Ed25519.KEY_BYTES) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, got " + seed.length);
        }
        KeyPair pair = keyPair(new FixedSeed(seed.clone()));
        return new HostIdentity(pair.getPrivate(), Ed25519.rawOf(pair.getPublic()));
    }

    /** A fresh identity from {@code random}. */
    public static HostIdentity generate(SecureRandom random) {
        KeyPair pair = keyPair(random);
        return new HostIdentity(pair.getPrivate(), Ed25519.rawOf(pair.getPublic()));
    }

    /**
     * The identity of a JDK Ed25519 key pair (e.g. the node key: PKCS#8 private, X.509 public).
     *
     * @throws IllegalArgumentException if the keys are not Ed25519 or not one pair
     */
    public static HostIdentity fromKeyPair(PrivateKey privateKey, PublicKey publicKey) {
        return new HostIdentity(privateKey, Ed25519.rawOf(publicKey));
    }

    /**
     * The identity of a JDK Ed25519 private key, its public half derived from its seed.
     *
     * @throws IllegalArgumentException if the key is not an Ed25519 key whose seed the provider exposes
     */
    public static HostIdentity fromPrivateKey(PrivateKey privateKey) {
        if (!(privateKey instanceof EdECPrivateKey edec) || edec.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an Ed25519 private key with an accessible seed: " + privateKey.getAlgorithm());
        }
        return fromSeed(edec.getBytes().get());
    }

    /** The peer id: identity multihash of the protobuf public key. */
    public PeerId peerId() {
        return peerId;
    }

    /** The raw 32-byte Ed25519 public key (the chain account), a copy. */
    public byte[] publicKey() {
        return rawPublicKey.clone();
    }

    /** The public key in libp2p's protobuf encoding (what identify and Noise carry). */
    public byte[] publicKeyProtobuf() {
        return Ed25519.publicKeyProtobuf(rawPublicKey);
    }

    /**
     * The private key in libp2p's protobuf encoding ({@code PrivateKey{Type=Ed25519, Data=seed||public}}, 64 data
     * bytes), as js-libp2p and rust-libp2p export it. Secret: handle like the key file.
     *
     * @throws IllegalStateException if the JDK provider does not expose the seed
     */
    public byte[] privateKeyProtobuf() {
        if (!(privateKey instanceof EdECPrivateKey edec) || edec.getBytes().isEmpty()) {
            throw new IllegalStateException("the private key's provider does not expose its seed");
        }
        byte[] data = Arrays.copyOf(edec.getBytes().get(), 64);
        System.arraycopy(rawPublicKey, 0, data, 32, 32);
        return new ProtoWriter().varint(1, Ed25519.KEY_TYPE_ED25519).bytes(2, data).toByteArray();
    }

    /** The Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "HostIdentity[" + peerId + "]";
    }

    private static KeyPair keyPair(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519: " + e.getMessage(), e);
        }
    }

    /** Hands the JDK's Ed25519 generator a given seed (it draws exactly the 32 private-key bytes). */
    private static final class FixedSeed extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("the Ed25519 generator asked for " + bytes.length + " bytes, not a 32-byte seed");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}

package io.icn.p2p;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The handshake state of {@code Noise_XX_25519_ChaChaPoly_SHA256} (Noise revision 34), pure and without I/O:
 *
 * <pre>
 *   -> e
 *   <- e, ee, s, es
 *   -> s, se
 * </pre>
 *
 * The initiator calls {@code write, read, write}, the responder {@code read, write, read}; then {@link #split}
 * gives the two transport cipher states. The prologue is empty (libp2p). X25519, ChaCha20-Poly1305, SHA-256 and
 * HMAC all come from the JDK.
 *
 * <p>Not thread-safe: one handshake, confined to its connection's event loop.
 */
final class NoiseXX {
    static final byte[] PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256".getBytes(StandardCharsets.US_ASCII);
    static final int DH_BYTES = 32;

    private final boolean initiator;
    private final KeyPair staticPair;
    private final byte[] staticPublic;
    private final SecureRandom random;
    private KeyPair ephemeral;
    private byte[] remoteEphemeral;
    private byte[] remoteStatic;
    private byte[] h;
    private byte[] ck;
    private NoiseCipherState k;
    private int step;

    NoiseXX(boolean initiator, KeyPair staticPair, SecureRandom random) {
        this.initiator = initiator;
        this.staticPair = staticPair;
        this.staticPublic = rawPublic(staticPair.getPublic());
        this.random = random;
        this.h = PROTOCOL_NAME.clone(); // exactly HASHLEN bytes: used as is
        this.ck = h.clone();
        mixHash(new byte[0]); // empty prologue
    }

    /** A fresh X25519 key pair (the static Noise key; libp2p signs it with the identity key). */
    static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("X25519");
            g.initialize(NamedParameterSpec.X25519, random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no X25519: " + e.getMessage(), e);
        }
    }

    /** The raw 32-byte little-endian u-coordinate of an X25519 public key. */
    static byte[] rawPublic(PublicKey key) {
        byte[] be = ((XECPublicKey) key).getU().toByteArray();
        byte[] le = new byte[DH_BYTES];
        for (int i = 0; i < DH_BYTES && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    byte[] localStaticPublic() {
        return staticPublic.clone();
    }

    /** The remote's static key, known after message 2 (initiator) or 3 (responder). */
    byte[] remoteStatic() {
        return remoteStatic == null ? null : remoteStatic.clone();
    }

    boolean isInitiator() {
        return initiator;
    }

    boolean isComplete() {
        return step == 3;
    }

    /** Writes the next handshake message carrying {@code payload}. */
    byte[] writeMessage(byte[] payload) {
        boolean mine = initiator ? step != 1 : step == 1;
        if (!mine || step > 2) {
            throw new IllegalStateException("not this side's turn to write (step " + step + ")");
        }
        Bytes out = new Bytes();
        switch (step) {
            case 0 -> { // -> e
                ephemeral = newKeyPair(random);
                byte[] e = rawPublic(ephemeral.getPublic());
                out.add(e);
                mixHash(e);
            }
            case 1 -> { // <- e, ee, s, es
                ephemeral = newKeyPair(random);
                byte[] e = rawPublic(ephemeral.getPublic());
                out.add(e);
                mixHash(e);
                mixKey(dh(ephemeral, remoteEphemeral));
                out.add(encryptAndHash(staticPublic));
                mixKey(dh(staticPair, remoteEphemeral));
            }
            default -> { // -> s, se
                out.add(encryptAndHash(staticPublic));
                mixKey(dh(staticPair, remoteEphemeral));
            }
        }
        out.add(encryptAndHash(payload));
        step++;
        return out.toArray();
    }

    /**
     * Reads the next handshake message and returns its payload.
     *
     * @throws ProtocolViolationException if the message is too short
     * @throws BadPeerException if it fails authentication or carries a low-order key
     */
    byte[] readMessage(byte[] message) {
        boolean theirs = initiator ? step == 1 : step != 1;
        if (!theirs || step > 2) {
            throw new IllegalStateException("not this side's turn to read (step " + step + ")");
        }
        int pos = 0;
        switch (step) {
            case 0 -> {
                require(message, DH_BYTES, "message 1");
                remoteEphemeral = Arrays.copyOfRange(message, 0, DH_BYTES);
                mixHash(remoteEphemeral);
                pos = DH_BYTES;
            }
            case 1 -> {
                require(message, DH_BYTES + DH_BYTES + NoiseCipherState.TAG_BYTES, "message 2");
                remoteEphemeral = Arrays.copyOfRange(message, 0, DH_BYTES);
                mixHash(remoteEphemeral);
                mixKey(dh(ephemeral, remoteEphemeral));
                pos = DH_BYTES + DH_BYTES + NoiseCipherState.TAG_BYTES;
                remoteStatic = decryptAndHash(Arrays.copyOfRange(message, DH_BYTES, pos));
                mixKey(dh(ephemeral, remoteStatic));
            }
            default -> {
                require(message, DH_BYTES + NoiseCipherState.TAG_BYTES, "message 3");
                pos = DH_BYTES + NoiseCipherState.TAG_BYTES;
                remoteStatic = decryptAndHash(Arrays.copyOfRange(message, 0, pos));
                mixKey(dh(ephemeral, remoteStatic));
            }
        }
        byte[] payload = decryptAndHash(Arrays.copyOfRange(message, pos, message.length));
        step++;
        return payload;
    }

    /** The transport ciphers after the handshake: {@code [0]} for sending, {@code [1]} for receiving. */
    NoiseCipherState[] split() {
        if (!isComplete()) {
            throw new IllegalStateException("handshake not complete (step " + step + ")");
        }
        byte[][] keys = hkdf(ck, new byte[0]);
        NoiseCipherState first = new NoiseCipherState(keys[0]);
        NoiseCipherState second = new NoiseCipherState(keys[1]);
        return initiator ? new NoiseCipherState[] {first, second} : new NoiseCipherState[] {second, first};
    }

    private static void require(byte[] message, int min, String which) {
        if (message.length < min) {
            throw new ProtocolViolationException("Noise handshake " + which + " is " + message.length
                    + " bytes, at least " + min + " needed");
        }
    }

    private byte[] encryptAndHash(byte[] plaintext) {
        byte[] c = k == null ? plaintext : k.encrypt(h, plaintext);
        mixHash(c);
        return c;
    }

    private byte[] decryptAndHash(byte[] ciphertext) {
        byte[] p = k == null ? ciphertext : k.decrypt(h, ciphertext);
        mixHash(ciphertext);
        return p;
    }

    private void mixHash(byte[] data) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(h);
            sha.update(data);
            h = sha.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private void mixKey(byte[] ikm) {
        byte[][] out = hkdf(ck, ikm);
        ck = out[0];
        k = new NoiseCipherState(out[1]);
    }

    private static byte[][] hkdf(byte[] chainingKey, byte[] ikm) {
        byte[] temp = hmac(chainingKey, ikm);
        byte[] out1 = hmac(temp, new byte[] {1});
        byte[] in2 = Arrays.copyOf(out1, out1.length + 1);
        in2[out1.length] = 2;
        byte[] out2 = hmac(temp, in2);
        return new byte[][] {out1, out2};
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    private static byte[] dh(KeyPair local, byte[] remotePublic) {
        byte[] u = remotePublic.clone();
        u[DH_BYTES - 1] &= 0x7F; // RFC 7748: mask the unused top bit
        byte[] be = new byte[DH_BYTES];
        for (int i = 0; i < DH_BYTES; i++) {
            be[i] = u[DH_BYTES - 1 - i];
        }
        try {
            PublicKey remote = KeyFactory.getInstance("X25519")
                    .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be)));
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(local.getPrivate());
            agreement.doPhase(remote, true);
            return agreement.generateSecret();
        } catch (InvalidKeyException e) {
            throw new BadPeerException("the remote's X25519 key is unusable (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 failed: " + e.getMessage(), e);
        }
    }

    /** A small growable byte array. */
    private static final class Bytes {
        private byte[] buf = new byte[0];

        void add(byte[] more) {
            byte[] n = Arrays.copyOf(buf, buf.length + more.length);
            System.arraycopy(more, 0, n, buf.length, more.length);
            buf = n;
        }

        byte[] toArray() {
            return buf;
        }
    }
}

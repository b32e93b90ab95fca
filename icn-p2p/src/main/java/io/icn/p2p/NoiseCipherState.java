package io.icn.p2p;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Noise {@code CipherState} for ChaChaPoly: a 32-byte key and a 64-bit nonce counter, the nonce encoded as 4
 * zero bytes then the counter little-endian. One per direction; the nonce never repeats (the connection is
 * closed before the counter would wrap).
 *
 * <p>Not thread-safe: confined to the connection's event loop.
 */
final class NoiseCipherState {
    static final int TAG_BYTES = 16;

    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] nonceBytes = new byte[12];
    private long nonce;

    NoiseCipherState(byte[] key) {
        this.key = new SecretKeySpec(key, "ChaCha20");
        try {
            this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no ChaCha20-Poly1305: " + e.getMessage(), e);
        }
    }

    /** Encrypts {@code plaintext} with associated data {@code ad} into a new array (ciphertext || tag). */
    byte[] encrypt(byte[] ad, byte[] plaintext) {
        init(Cipher.ENCRYPT_MODE, ad);
        try {
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts {@code ciphertext} (with its tag) authenticated with {@code ad}.
     *
     * @throws BadPeerException if the tag does not verify
     */
    byte[] decrypt(byte[] ad, byte[] ciphertext) {
        init(Cipher.DECRYPT_MODE, ad);
        try {
            return cipher.doFinal(ciphertext);
        } catch (AEADBadTagException e) {
            throw new BadPeerException("Noise message failed authentication (nonce " + (nonce - 1) + ")", e);
        } catch (GeneralSecurityException e) {
            throw new BadPeerException("Noise decryption failed: " + e.getMessage(), e);
        }
    }

    /** Encrypts {@code src} (position to limit) into {@code dst}, appending the tag; no associated data. */
    void encrypt(ByteBuffer src, ByteBuffer dst) {
        init(Cipher.ENCRYPT_MODE, null);
        try {
            cipher.doFinal(src, dst);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts {@code src} (ciphertext and tag) into {@code dst}; no associated data.
     *
     * @throws BadPeerException if the tag does not verify
     */
    void decrypt(ByteBuffer src, ByteBuffer dst) {
        init(Cipher.DECRYPT_MODE, null);
        try {
            cipher.doFinal(src, dst);
        } catch (AEADBadTagException e) {
            throw new BadPeerException("Noise transport frame failed authentication (nonce " + (nonce - 1) + ")", e);
        } catch (GeneralSecurityException e) {
            throw new BadPeerException("Noise transport decryption failed: " + e.getMessage(), e);
        }
    }

    private void init(int mode, byte[] ad) {
        if (nonce == -1L) {
            throw new ProtocolViolationException("Noise nonce exhausted: the connection must be re-established");
        }
        long n = nonce++;
        for (int i = 0; i < 8; i++) {
            nonceBytes[4 + i] = (byte) (n >>> (8 * i));
        }
        try {
            cipher.init(mode, key, new IvParameterSpec(nonceBytes));
            if (ad != null && ad.length > 0) {
                cipher.updateAAD(ad);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 init failed: " + e.getMessage(), e);
        }
    }
}

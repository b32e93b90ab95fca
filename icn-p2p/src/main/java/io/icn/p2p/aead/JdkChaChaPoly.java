package io.icn.p2p.aead;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JDK's {@code ChaCha20-Poly1305} {@link Cipher}: intrinsic (AVX2/AVX-512) code from JDK 20 on, plain Java
 * before. Allocates a nonce spec per call, and on JDK 17 the cipher buffers whole messages when decrypting.
 *
 * <p>Not thread-safe: one {@link Cipher}.
 */
final class JdkChaChaPoly implements ChaChaPoly {
    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] nonce = new byte[12];

    JdkChaChaPoly(byte[] key) {
        ChaChaPolys.requireKey(key);
        this.key = new SecretKeySpec(key, "ChaCha20");
        try {
            this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no ChaCha20-Poly1305: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public void seal(int nonceWord, long nonceLong, byte[] ad, ByteBuffer src, ByteBuffer dst) {
        init(Cipher.ENCRYPT_MODE, nonceWord, nonceLong, ad);
        try {
            cipher.doFinal(src, dst);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void open(int nonceWord, long nonceLong, byte[] ad, ByteBuffer src, ByteBuffer dst)
            throws AEADBadTagException {
        if (src.remaining() < TAG_BYTES) {
            throw new IllegalArgumentException("a ChaCha20-Poly1305 ciphertext has at least its 16-byte tag, got "
                    + src.remaining() + " bytes");
        }
        init(Cipher.DECRYPT_MODE, nonceWord, nonceLong, ad);
        try {
            cipher.doFinal(src, dst);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 decryption failed: " + e.getMessage(), e);
        }
    }

    private void init(int mode, int nonceWord, long nonceLong, byte[] ad) {
        for (int i = 0; i < 4; i++) {
            nonce[i] = (byte) (nonceWord >>> (8 * i));
        }
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (nonceLong >>> (8 * i));
        }
        try {
            cipher.init(mode, key, new IvParameterSpec(nonce));
            if (ad != null && ad.length > 0) {
                cipher.updateAAD(ad);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 init failed: " + e.getMessage(), e);
        }
    }
}

package io.icn.p2p;

import io.icn.p2p.aead.ChaChaPoly;
import io.icn.p2p.aead.ChaChaPolys;
import java.nio.ByteBuffer;
import javax.crypto.AEADBadTagException;

/**
 * A Noise {@code CipherState} for ChaChaPoly: a 32-byte key and a 64-bit nonce counter, the nonce encoded as 4
 * zero bytes then the counter little-endian. One per direction; the nonce never repeats (the connection is
 * closed before the counter would wrap). The AEAD is {@link ChaChaPolys#selected()}'s implementation (the JDK's
 * cipher from JDK 20 on, the Vector API one before; docs/p2p.md).
 *
 * <p>Not thread-safe: confined to the connection's event loop.
 */
final class NoiseCipherState {
    static final int TAG_BYTES = ChaChaPoly.TAG_BYTES;

    private final ChaChaPoly aead;
    private long nonce;

    NoiseCipherState(byte[] key) {
        this(ChaChaPolys.create(key));
    }

    NoiseCipherState(ChaChaPoly aead) {
        this.aead = aead;
    }

    /** Encrypts {@code plaintext} with associated data {@code ad} into a new array (ciphertext || tag). */
    byte[] encrypt(byte[] ad, byte[] plaintext) {
        byte[] out = new byte[plaintext.length + TAG_BYTES];
        aead.seal(0, nextNonce(), ad, ByteBuffer.wrap(plaintext), ByteBuffer.wrap(out));
        return out;
    }

    /**
     * Decrypts {@code ciphertext} (with its tag) authenticated with {@code ad}.
     *
     * @throws BadPeerException if the tag does not verify
     * @throws ProtocolViolationException if {@code ciphertext} is shorter than a tag
     */
    byte[] decrypt(byte[] ad, byte[] ciphertext) {
        if (ciphertext.length < TAG_BYTES) {
            throw new ProtocolViolationException("Noise message of " + ciphertext.length + " bytes is shorter than its tag");
        }
        byte[] out = new byte[ciphertext.length - TAG_BYTES];
        long n = nextNonce();
        try {
            aead.open(0, n, ad, ByteBuffer.wrap(ciphertext), ByteBuffer.wrap(out));
        } catch (AEADBadTagException e) {
            throw new BadPeerException("Noise message failed authentication (nonce " + n + ")", e);
        }
        return out;
    }

    /** Encrypts {@code src} (position to limit) into {@code dst}, appending the tag; no associated data. */
    void encrypt(ByteBuffer src, ByteBuffer dst) {
        aead.seal(0, nextNonce(), null, src, dst);
    }

    /**
     * Decrypts {@code src} (ciphertext and tag) into {@code dst}; no associated data.
     *
     * @throws BadPeerException if the tag does not verify
     * @throws ProtocolViolationException if {@code src} is shorter than a tag
     */
    void decrypt(ByteBuffer src, ByteBuffer dst) {
        if (src.remaining() < TAG_BYTES) {
            throw new ProtocolViolationException("Noise transport frame of " + src.remaining()
                    + " bytes is shorter than its tag");
        }
        long n = nextNonce();
        try {
            aead.open(0, n, null, src, dst);
        } catch (AEADBadTagException e) {
            throw new BadPeerException("Noise transport frame failed authentication (nonce " + n + ")", e);
        }
    }

    private long nextNonce() {
        if (nonce == -1L) {
            throw new ProtocolViolationException("Noise nonce exhausted: the connection must be re-established");
        }
        return nonce++;
    }
}

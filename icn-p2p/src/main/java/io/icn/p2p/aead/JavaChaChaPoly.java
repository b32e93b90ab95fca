package io.icn.p2p.aead;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import javax.crypto.AEADBadTagException;

/**
 * ChaCha20-Poly1305 (RFC 8439 section 2.8) written here: the keystream from a {@link ChaCha20} core (scalar or
 * Vector API), the MAC from {@link Poly1305} (with the core's {@linkplain ChaCha20#macBulk bulk MAC}, if any). Sealing encrypts into the output and then authenticates the
 * ciphertext there; opening authenticates the ciphertext in the input first and decrypts only if the tag holds.
 * Both work in place on the caller's buffers and allocate nothing.
 *
 * <p>Not thread-safe: holds the state, a block of scratch and the MAC.
 */
final class JavaChaChaPoly implements ChaChaPoly {
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

    private final ChaCha20 core;
    private final int[] state = new int[16];
    private final int[] polyKey = new int[16];
    private final Poly1305 mac;

    JavaChaChaPoly(ChaCha20 core, byte[] key) {
        ChaChaPolys.requireKey(key);
        this.core = core;
        this.mac = new Poly1305(core.macBulk());
        System.arraycopy(SIGMA, 0, state, 0, 4);
        ByteBuffer k = ByteBuffer.wrap(key);
        for (int i = 0; i < 8; i++) {
            state[4 + i] = LittleEndian.getInt(k, 4 * i);
        }
    }

    @Override
    public String name() {
        return "java-" + core.name();
    }

    @Override
    public void seal(int nonceWord, long nonceLong, byte[] ad, ByteBuffer src, ByteBuffer dst) {
        int length = src.remaining();
        if (dst.remaining() < length + TAG_BYTES) {
            throw new BufferOverflowException();
        }
        int in = src.position();
        int out = dst.position();
        start(nonceWord, nonceLong, ad);
        core.xor(state, src, in, dst, out, length);
        mac.padded(dst, out, length);
        mac.lengths(ad == null ? 0 : ad.length, length);
        mac.finish();
        LittleEndian.putLong(dst, out + length, mac.tagLow());
        LittleEndian.putLong(dst, out + length + 8, mac.tagHigh());
        src.position(src.limit());
        dst.position(out + length + TAG_BYTES);
    }

    @Override
    public void open(int nonceWord, long nonceLong, byte[] ad, ByteBuffer src, ByteBuffer dst)
            throws AEADBadTagException {
        int total = src.remaining();
        if (total < TAG_BYTES) {
            throw new IllegalArgumentException("a ChaCha20-Poly1305 ciphertext has at least its 16-byte tag, got "
                    + total + " bytes");
        }
        int length = total - TAG_BYTES;
        if (dst.remaining() < length) {
            throw new BufferOverflowException();
        }
        int in = src.position();
        int out = dst.position();
        start(nonceWord, nonceLong, ad);
        mac.padded(src, in, length);
        mac.lengths(ad == null ? 0 : ad.length, length);
        mac.finish();
        // compared without an early exit
        long diff = (mac.tagLow() ^ LittleEndian.getLong(src, in + length))
                | (mac.tagHigh() ^ LittleEndian.getLong(src, in + length + 8));
        if (diff != 0) {
            throw new AEADBadTagException("Tag mismatch");
        }
        core.xor(state, src, in, dst, out, length);
        src.position(src.limit());
        dst.position(out + length);
    }

    /** Sets the nonce, derives the one-time Poly1305 key from block 0, absorbs the AD; the counter is then 1. */
    private void start(int nonceWord, long nonceLong, byte[] ad) {
        int[] s = state;
        s[12] = 0;
        s[13] = nonceWord;
        s[14] = (int) nonceLong;
        s[15] = (int) (nonceLong >>> 32);
        core.block(s, polyKey);
        s[12] = 1;
        mac.init(polyKey);
        if (ad != null && ad.length > 0) {
            mac.padded(ByteBuffer.wrap(ad), 0, ad.length);
        }
    }
}

package io.icn.p2p.aead;

import java.nio.ByteBuffer;

/**
 * The ChaCha20 block function and keystream (RFC 8439 section 2.3-2.4), over a 16-word initial state whose word
 * 12 is the block counter. Implementations: {@link ScalarChaCha20} and {@link VectorChaCha20}.
 *
 * <p>Not thread-safe unless the implementation says so.
 */
interface ChaCha20 {
    /** The implementation's name. */
    String name();

    /** Writes the 16 words of the block of {@code state} (its counter as it is) into {@code out}. */
    void block(int[] state, int[] out);

    /**
     * XORs {@code length} bytes at {@code srcIndex} with the keystream starting at block {@code state[12]} into
     * {@code dst} at {@code dstIndex} (absolute indexes; the same region may be both), and advances
     * {@code state[12]} past the blocks used.
     */
    void xor(int[] state, ByteBuffer src, int srcIndex, ByteBuffer dst, int dstIndex, int length);

    /**
     * A new bulk Poly1305 to go with this core (the AEAD's MAC uses it for long inputs), or null: none (the
     * default) or none faster than block by block here.
     */
    default Poly1305.Bulk macBulk() {
        return null;
    }
}

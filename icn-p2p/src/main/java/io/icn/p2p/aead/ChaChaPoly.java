package io.icn.p2p.aead;

import java.nio.ByteBuffer;
import javax.crypto.AEADBadTagException;

/**
 * ChaCha20-Poly1305 (RFC 8439) bound to one 256-bit key: what a Noise {@code CipherState} needs. Every
 * implementation produces the same bytes; {@link ChaChaPolys} makes them and chooses one for this JVM.
 *
 * <p>The 96-bit nonce is given as two words: {@code nonceWord} (bytes 0-3, little-endian) and {@code nonceLong}
 * (bytes 4-11, little-endian); Noise uses {@code 0} and its message counter.
 *
 * <p><b>Buffers.</b> {@code src} is read from its position to its limit and left at its limit; the output is
 * written at {@code dst}'s position, which advances by the bytes written. {@code src} and {@code dst} may be the
 * same memory only if the output starts exactly where the input does. Heap and direct buffers are both accepted;
 * byte order and marks of the buffers are not used and not changed. Nothing is allocated per call by the Java
 * implementations.
 *
 * <p>Not thread-safe: an instance keeps scratch state; confine it to one thread (a connection's event loop) or
 * synchronize externally.
 */
public interface ChaChaPoly {
    /** Bytes of the Poly1305 tag appended to every ciphertext. */
    int TAG_BYTES = 16;
    /** Bytes of a key. */
    int KEY_BYTES = 32;

    /** The implementation's name ({@code jdk}, {@code java-scalar}, {@code java-vector-256}, ...). */
    String name();

    /**
     * Encrypts {@code src} and appends the tag: {@code src.remaining() + TAG_BYTES} bytes into {@code dst}.
     *
     * @param ad associated data, authenticated and not encrypted; {@code null} or empty for none
     * @throws java.nio.BufferOverflowException if {@code dst} has less room than that
     */
    void seal(int nonceWord, long nonceLong, byte[] ad, ByteBuffer src, ByteBuffer dst);

    /**
     * Checks the tag at the end of {@code src} and, only if it verifies, writes the plaintext
     * ({@code src.remaining() - TAG_BYTES} bytes) into {@code dst}.
     *
     * @param ad associated data; {@code null} or empty for none
     * @throws AEADBadTagException if the tag does not verify (nothing is written and {@code src} is not consumed)
     * @throws IllegalArgumentException if {@code src} is shorter than a tag
     * @throws java.nio.BufferOverflowException if {@code dst} has less room than the plaintext
     */
    void open(int nonceWord, long nonceLong, byte[] ad, ByteBuffer src, ByteBuffer dst) throws AEADBadTagException;
}

package io.icn.chain.substrate;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * The hashes Substrate uses for storage keys and signing payloads: {@code twox_64/128/256} (xxHash64 with
 * seeds 0..3, each result little-endian, concatenated) and {@code blake2_128/256} (BLAKE2b with a 16- or
 * 32-byte output, no key). Stateless; thread-safe.
 */
public final class Hashing {
    private Hashing() {
    }

    public static byte[] twox64(byte[] data) {
        return twox(data, 1);
    }

    public static byte[] twox128(byte[] data) {
        return twox(data, 2);
    }

    public static byte[] twox128(String text) {
        return twox128(text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] twox256(byte[] data) {
        return twox(data, 4);
    }

    private static byte[] twox(byte[] data, int lanes) {
        byte[] out = new byte[8 * lanes];
        for (int seed = 0; seed < lanes; seed++) {
            long h = XxHash64.hash(data, 0, data.length, seed);
            for (int i = 0; i < 8; i++) {
                out[seed * 8 + i] = (byte) (h >>> (8 * i));
            }
        }
        return out;
    }

    public static byte[] blake2b128(byte[] data) {
        return blake2b(data, 128);
    }

    public static byte[] blake2b256(byte[] data) {
        return blake2b(data, 256);
    }

    static byte[] blake2b256(byte[] a, byte[] b) {
        return blake2b(256, a, b);
    }

    private static byte[] blake2b(byte[] data, int bits) {
        return blake2b(bits, data);
    }

    /** BLAKE2b with a {@code bits}-bit output over the concatenation of {@code parts}. */
    static byte[] blake2b(int bits, byte[]... parts) {
        Blake2bDigest d = new Blake2bDigest(bits);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[bits / 8];
        d.doFinal(out, 0);
        return out;
    }
}

package io.icn.chain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Shared test values: accounts, seeds (always printed), CIDs. */
public final class Fixtures {
    private Fixtures() {
    }

    /** A seed from {@code -Dicn.test.seed}, or a fresh one; printed so a failure can be replayed. */
    public static long seed(String test) {
        String fixed = System.getProperty("icn.test.seed");
        long seed = fixed != null ? Long.parseLong(fixed) : new SplittableRandom().nextLong();
        System.out.println(test + " seed=" + seed + " (replay with -Dicn.test.seed=" + seed + ")");
        return seed;
    }

    public static AccountId account(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) (n >>> 24);
        b[1] = (byte) (n >>> 16);
        b[2] = (byte) (n >>> 8);
        b[3] = (byte) n;
        Arrays.fill(b, 4, 32, (byte) 0x5a);
        return new AccountId(b);
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** CIDv1, raw codec, sha2-256, base32 lower-case multibase: {@code bafkrei...}. */
    public static String cidOf(byte[] content) {
        byte[] digest = sha256(content);
        byte[] bin = new byte[4 + digest.length];
        bin[0] = 0x01;
        bin[1] = 0x55;
        bin[2] = 0x12;
        bin[3] = 0x20;
        System.arraycopy(digest, 0, bin, 4, digest.length);
        return "b" + base32(bin);
    }

    private static String base32(byte[] data) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >>> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}

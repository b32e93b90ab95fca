package io.icn.chain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 digests; every JDK provides the algorithm. */
final class Sha256 {
    static final int LENGTH = 32;

    private Sha256() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    static byte[] of(byte[] data, int offset, int length) {
        MessageDigest md = newDigest();
        md.update(data, offset, length);
        return md.digest();
    }

    static byte[] of(byte[] a, byte[] b) {
        MessageDigest md = newDigest();
        md.update(a);
        md.update(b);
        return md.digest();
    }
}

package io.icn.chain;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 digests for the chain's own hashing (proof digests, state roots); Merkle trees are icn-storage-core's
 * {@link io.icn.storage.MerkleProof}. Every JDK provides the algorithm.
 */
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
}

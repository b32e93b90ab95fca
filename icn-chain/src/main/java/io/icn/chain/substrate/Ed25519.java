package io.icn.chain.substrate;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.math.BigInteger;

/** Ed25519 verification with a raw 32-byte public key, on the JDK. Stateless; thread-safe. */
final class Ed25519 {
    private Ed25519() {
    }

    static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        try {
            byte[] le = publicKey.clone();
            boolean xOdd = (le[31] & 0x80) != 0;
            le[31] &= 0x7F;
            byte[] be = new byte[32];
            for (int i = 0; i < 32; i++) {
                be[i] = le[31 - i];
            }
            EdECPublicKeySpec spec = new EdECPublicKeySpec(NamedParameterSpec.ED25519,
                    new EdECPoint(xOdd, new BigInteger(1, be)));
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(spec));
            v.update(message);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}

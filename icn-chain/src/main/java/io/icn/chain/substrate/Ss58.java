package io.icn.chain.substrate;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SS58 addresses (Substrate's base58 account format): {@code base58(prefix ++ account ++ checksum[0..2])}, the
 * checksum being BLAKE2b-512 of {@code "SS58PRE" ++ prefix ++ account}. Prefixes 0..16383. Stateless;
 * thread-safe.
 */
public final class Ss58 {
    /** The generic Substrate prefix, which the ICN chain uses. */
    public static final int GENERIC_PREFIX = 42;
    private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final byte[] CONTEXT = "SS58PRE".getBytes(StandardCharsets.US_ASCII);

    private Ss58() {
    }

    public static String encode(byte[] account, int prefix) {
        if (account.length != 32) {
            throw new IllegalArgumentException("an account id is 32 bytes, got " + account.length);
        }
        if (prefix < 0 || prefix > 16383) {
            throw new IllegalArgumentException("SS58 prefix must be in [0, 16383]: " + prefix);
        }
        byte[] head = prefix < 64 ? new byte[] {(byte) prefix}
                : new byte[] {(byte) (((prefix & 0xFC) >> 2) | 0x40), (byte) ((prefix >> 8) | ((prefix & 0x03) << 6))};
        byte[] body = StorageHasher.concat(head, account);
        byte[] sum = checksum(body);
        return base58(StorageHasher.concat(body, Arrays.copyOf(sum, 2)));
    }

    private static byte[] checksum(byte[] body) {
        return Hashing.blake2b(512, CONTEXT, body);
    }

    private static String base58(byte[] data) {
        BigInteger n = new BigInteger(1, data);
        StringBuilder sb = new StringBuilder();
        BigInteger base = BigInteger.valueOf(58);
        while (n.signum() > 0) {
            BigInteger[] qr = n.divideAndRemainder(base);
            sb.append(ALPHABET.charAt(qr[1].intValue()));
            n = qr[0];
        }
        for (int i = 0; i < data.length && data[i] == 0; i++) {
            sb.append('1');
        }
        return sb.reverse().toString();
    }
}

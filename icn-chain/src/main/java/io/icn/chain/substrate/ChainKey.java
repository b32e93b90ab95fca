package io.icn.chain.substrate;

import io.icn.chain.AccountId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * The Ed25519 key a node signs its extrinsics with; its account ({@code AccountId32}) is the raw public key.
 * Loaded from the node's key file (PKCS#8, the launcher's {@code node-key.pk8}), from a JDK key, or from an
 * environment variable holding the 32-byte seed in hex. Signing uses the JDK's Ed25519 (deterministic, so
 * the same payload always gives the same signature). The key material is never part of any message or
 * {@link #toString()}.
 *
 * <p>Immutable; thread-safe.
 */
public final class ChainKey {
    private static final byte[] PKCS8_ED25519_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    private final PrivateKey privateKey;
    private final byte[] publicKey;

    private ChainKey(PrivateKey privateKey, byte[] publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** A key from its 32-byte Ed25519 seed (the secret key of RFC 8032). */
    public static ChainKey fromSeed(byte[] seed) {
        Objects.requireNonNull(seed, "seed");
        if (seed.length != 32) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, got " + seed.length);
        }
        byte[] pkcs8 = Arrays.copyOf(PKCS8_ED25519_PREFIX, PKCS8_ED25519_PREFIX.length + 32);
        System.arraycopy(seed, 0, pkcs8, PKCS8_ED25519_PREFIX.length, 32);
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return new ChainKey(key, new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /**
     * A key from a JDK Ed25519 private key and its raw 32-byte public key (as the launcher's node identity holds
     * them). The pair is checked by signing and verifying.
     */
    public static ChainKey of(PrivateKey privateKey, byte[] publicKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        if (publicKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, got " + publicKey.length);
        }
        ChainKey key = new ChainKey(privateKey, publicKey.clone());
        byte[] probe = "icn chain key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (!Ed25519.verify(publicKey, probe, key.sign(probe))) {
            throw new IllegalArgumentException("the private key does not match the public key " + key.accountHex());
        }
        return key;
    }

    /** A key from a PKCS#8 Ed25519 key file (the launcher's {@code node-key.pk8}). */
    public static ChainKey fromPkcs8File(Path file) {
        try {
            byte[] der = Files.readAllBytes(file);
            if (der.length < PKCS8_ED25519_PREFIX.length + 32
                    || !Arrays.equals(der, 0, PKCS8_ED25519_PREFIX.length, PKCS8_ED25519_PREFIX, 0, PKCS8_ED25519_PREFIX.length)) {
                throw new IllegalArgumentException("the key file " + file + " is not a PKCS#8 Ed25519 key");
            }
            byte[] seed = Arrays.copyOfRange(der, PKCS8_ED25519_PREFIX.length, PKCS8_ED25519_PREFIX.length + 32);
            Arrays.fill(der, (byte) 0);
            try {
                return fromSeed(seed);
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the key file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A key from the environment variable {@code name}, holding the 32-byte seed as 64 hex digits (an optional
     * {@code 0x} prefix). The value is never echoed in errors.
     *
     * @throws IllegalArgumentException if the variable is unset or not a 32-byte hex seed
     */
    public static ChainKey fromEnvironment(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("environment variable " + name + " is not set");
        }
        String hex = value.strip();
        hex = hex.startsWith("0x") ? hex.substring(2) : hex;
        if (hex.length() != 64) {
            throw new IllegalArgumentException("environment variable " + name + " must hold 64 hex digits (a 32-byte"
                    + " Ed25519 seed), it holds " + hex.length() + " characters");
        }
        byte[] seed;
        try {
            seed = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("environment variable " + name + " is not hexadecimal");
        }
        try {
            return fromSeed(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** The raw 32-byte public key, which is the account id. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    public AccountId account() {
        return new AccountId(publicKey);
    }

    public String accountHex() {
        return HexFormat.of().formatHex(publicKey);
    }

    /** An Ed25519 signature (64 bytes) over {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    @Override
    public String toString() {
        return "ChainKey[account=0x" + accountHex() + "]";
    }
}

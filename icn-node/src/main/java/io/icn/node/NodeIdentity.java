package io.icn.node;

import io.icn.chain.AccountId;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.NamedParameterSpec;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * The node's Ed25519 key pair, generated with the JDK on first start and kept in the storage directory:
 * {@code node-key.pk8} (PKCS#8, permissions 0600) and {@code node-key.pub} (X.509). The raw 32-byte
 * public key is the node's chain account.
 *
 * <p>Immutable and thread-safe.
 */
public final class NodeIdentity {
    static final String PRIVATE_FILE = "node-key.pk8";
    static final String PUBLIC_FILE = "node-key.pub";
    private static final int X509_ED25519_PREFIX = 12;

    private final AccountId account;
    private final PrivateKey privateKey;
    private final Path privateKeyFile;
    private final Path publicKeyFile;

    private NodeIdentity(AccountId account, PrivateKey privateKey, Path privateKeyFile, Path publicKeyFile) {
        this.account = account;
        this.privateKey = privateKey;
        this.privateKeyFile = privateKeyFile;
        this.publicKeyFile = publicKeyFile;
    }

    /**
     * Loads the key pair of {@code dir}, generating and persisting one if neither file exists. With only
     * one of the two files it refuses to start rather than give the node a new chain account by accident.
     *
     * @throws NodeException if only one of the files exists (naming both and the fix), if the files cannot
     *     be read or written, or if they are not an Ed25519 key pair
     */
    public static NodeIdentity loadOrCreate(Path dir) {
        return loadOrCreate(dir, null);
    }

    /**
     * As {@link #loadOrCreate(Path)}, but a key pair generated here is the one of the Ed25519 private key
     * {@code seed} (32 bytes) rather than a random one: for harnesses whose nodes must have the same accounts on
     * every run. A key pair already in {@code dir} is loaded as it is.
     *
     * @param seed 32 bytes, or null for a random key
     * @throws IllegalArgumentException if {@code seed} is not 32 bytes
     */
    public static NodeIdentity loadOrCreate(Path dir, byte[] seed) {
        if (seed != null && seed.length != 32) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, not " + seed.length);
        }
        Path priv = dir.resolve(PRIVATE_FILE);
        Path pub = dir.resolve(PUBLIC_FILE);
        try {
            if (!Files.exists(priv) && Files.exists(pub)) {
                throw new NodeException("the node key " + priv + " is missing but its public half " + pub
                        + " exists: this node had an identity (a chain account) and starting now would replace it."
                        + " Restore " + priv.getFileName() + " from the backup; or, to give the node a new identity"
                        + " on purpose (orphaning the old account's deals, stake and audits), delete " + pub);
            }
            if (!Files.exists(priv)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
                if (seed != null) {
                    generator.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed));
                }
                KeyPair pair = generator.generateKeyPair();
                writeAtomically(pub, pair.getPublic().getEncoded(), false);
                writeAtomically(priv, pair.getPrivate().getEncoded(), true);
            } else if (!Files.exists(pub)) {
                throw new NodeException("the node key " + priv + " exists but its public half " + pub + " is missing;"
                        + " restore it from a backup, or move both away to give the node a new identity");
            }
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            PrivateKey privateKey = kf.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(priv)));
            byte[] x509 = Files.readAllBytes(pub);
            PublicKey publicKey = kf.generatePublic(new X509EncodedKeySpec(x509));
            byte[] raw = Arrays.copyOfRange(publicKey.getEncoded(), X509_ED25519_PREFIX, publicKey.getEncoded().length);
            return new NodeIdentity(new AccountId(raw), privateKey, priv, pub);
        } catch (IOException e) {
            throw new NodeException("cannot read or write the node key in " + dir + ": " + e, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new NodeException("the node key files " + priv + " / " + pub + " are not an Ed25519 key pair ("
                    + e.getMessage() + "); restore them, or move both away to give the node a new identity", e);
        }
    }

    /** A key source that hands out one given seed: the JDK's Ed25519 generator takes the private key from it. */
    private static final class FixedSeed extends java.security.SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("the key generator asked for " + bytes.length + " bytes, not the seed's "
                        + seed.length);
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }

    private static void writeAtomically(Path file, byte[] bytes, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--");
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(perms));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is writing " + tmp, e);
        }
        try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file);
        }
    }

    /** The chain account: the raw Ed25519 public key. */
    public AccountId account() {
        return account;
    }

    /** The account as 64 hex digits. */
    public String accountHex() {
        return HexFormat.of().formatHex(account.bytes());
    }

    /** The private key, for signing (the Substrate adapter's extrinsics). */
    PrivateKey privateKey() {
        return privateKey;
    }

    public Path privateKeyFile() {
        return privateKeyFile;
    }

    public Path publicKeyFile() {
        return publicKeyFile;
    }
}

package io.icn.transport.quic;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The node's TLS identity: an X.509 certificate and its private key, self-signed by default. Clients
 * authenticate a node by pinning the {@linkplain #sha256Fingerprint() SHA-256 fingerprint} of this
 * certificate rather than through a CA. A director's client certificate, which a node authorises for PUT by
 * its fingerprint ({@link ShardServerBuilder#ingestClients}), is the same kind of object.
 *
 * <p>{@link #loadOrGenerate(Path, Path, SecureRandom)} is what a node does at start: it loads the PEM
 * files if both exist, otherwise it generates an ECDSA P-256 key and a ten-year self-signed certificate
 * and persists them (temp file, fsync, atomic rename; the key file readable by its owner only), so the
 * fingerprint stays the same across restarts.
 *
 * <p>Immutable and thread-safe.
 */
public final class NodeCertificate {

    private static final Duration VALIDITY = Duration.ofDays(3650);

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final String fingerprint;

    private NodeCertificate(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.fingerprint = fingerprintOf(certificate);
    }

    /**
     * A new self-signed ECDSA P-256 certificate, in memory only.
     *
     * @param commonName the subject CN, e.g. the node's name
     */
    public static NodeCertificate selfSigned(String commonName, SecureRandom random) {
        Objects.requireNonNull(commonName, "commonName");
        Objects.requireNonNull(random, "random");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + commonName.replaceAll("[,=+<>#;\"\\\\]", "_"));
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(127, random).add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setSecureRandom(random)
                            .build(pair.getPrivate())));
            return new NodeCertificate(cert, pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new TransportException("cannot generate a self-signed certificate for " + commonName, e);
        }
    }

    /**
     * Loads a PEM certificate (the first of the file) and a PEM PKCS#8 private key (EC or RSA).
     *
     * @throws TransportException naming the file that could not be read or parsed
     */
    public static NodeCertificate load(Path certificatePem, Path privateKeyPem) {
        X509Certificate cert;
        try {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certificatePem)));
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new TransportException("cannot read certificate " + certificatePem, e);
        }
        PrivateKey key;
        try {
            byte[] der = pemBody(Files.readString(privateKeyPem, StandardCharsets.US_ASCII), "PRIVATE KEY");
            key = privateKey(der, cert.getPublicKey().getAlgorithm());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new TransportException("cannot read PKCS#8 private key " + privateKeyPem, e);
        }
        return new NodeCertificate(cert, key);
    }

    /**
     * Loads the pair if both files exist; generates and persists a self-signed one (CN {@code icn-super-node}) if
     * neither does.
     *
     * @throws TransportException if only one of the files exists, or on an I/O failure
     */
    public static NodeCertificate loadOrGenerate(Path certificatePem, Path privateKeyPem, SecureRandom random) {
        return loadOrGenerate(certificatePem, privateKeyPem, "icn-super-node", random);
    }

    /**
     * As {@link #loadOrGenerate(Path, Path, SecureRandom)}, naming a generated certificate {@code commonName}, e.g.
     * a director's client certificate ({@link ShardClientBuilder#clientCertificate}).
     *
     * @throws TransportException if only one of the files exists, or on an I/O failure
     */
    public static NodeCertificate loadOrGenerate(Path certificatePem, Path privateKeyPem, String commonName,
            SecureRandom random) {
        Objects.requireNonNull(commonName, "commonName");
        boolean haveCert = Files.exists(certificatePem);
        boolean haveKey = Files.exists(privateKeyPem);
        if (haveCert && haveKey) {
            return load(certificatePem, privateKeyPem);
        }
        if (haveCert || haveKey) {
            throw new TransportException("found only one of " + certificatePem + " and " + privateKeyPem
                    + "; refusing to overwrite it with a new identity");
        }
        NodeCertificate generated = selfSigned(commonName, random);
        try {
            writeAtomically(privateKeyPem, pem("PRIVATE KEY", generated.privateKey.getEncoded()), true);
            writeAtomically(certificatePem, pem("CERTIFICATE", generated.certificate.getEncoded()), false);
        } catch (IOException | GeneralSecurityException e) {
            throw new TransportException("cannot persist the node certificate to " + certificatePem, e);
        }
        return generated;
    }

    /** The certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the certificate's DER encoding, 64 lower-case hex digits: what clients pin. */
    public String sha256Fingerprint() {
        return fingerprint;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    /** The fingerprint of any certificate, in the form {@link #sha256Fingerprint()} uses. */
    static String fingerprintOf(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new TransportException("cannot fingerprint certificate " + cert.getSubjectX500Principal(), e);
        }
    }

    /**
     * Normalises a fingerprint written with or without colons, in either case, to the form
     * {@link #sha256Fingerprint()} uses.
     *
     * @throws IllegalArgumentException if it is not 32 bytes of hex
     */
    public static String normaliseFingerprint(String fingerprint) {
        String hex = fingerprint.replace(":", "").trim().toLowerCase(Locale.ROOT);
        if (hex.length() != 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint (64 hex digits): " + fingerprint);
        }
        return hex;
    }

    private static PrivateKey privateKey(byte[] pkcs8, String preferredAlgorithm) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {preferredAlgorithm, "EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    private static byte[] pemBody(String text, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no " + begin + " block");
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve(target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp);
        if (secret) {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system: the directory's permissions are all there is.
            }
        }
        try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        try (var dirChannel = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            dirChannel.force(true);
        } catch (IOException ignored) {
            // Some file systems cannot open a directory for fsync; the rename is still atomic.
        }
    }
}

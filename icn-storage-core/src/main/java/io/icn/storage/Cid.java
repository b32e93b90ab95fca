package io.icn.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A content identifier: CIDv1 with a sha2-256 multihash and the {@link #RAW raw} (0x55) or
 * {@link #DAG_PB dag-pb} (0x70) codec, written in base32 lower-case multibase ({@code bafk...} for
 * raw, {@code bafy...} for dag-pb).
 *
 * <p>The binary form is {@code 0x01 codec 0x12 0x20 digest[32]} (all varints fit one byte), 36 bytes;
 * the text form is {@code 'b'} followed by the RFC 4648 base32 alphabet in lower case without padding,
 * 59 characters. Only the canonical text is accepted: exactly 59 characters, lower case, the two unused
 * trailing bits zero. So text and bytes correspond one to one, and a parsed CID is always safe to use
 * as a single path element (it contains only {@code [a-z2-7]}).
 *
 * <p>Equality, hash code and ordering are by bytes. Instances are immutable and thread-safe.
 */
public final class Cid implements Comparable<Cid> {

    /** Multicodec of raw binary content. */
    public static final int RAW = 0x55;
    /** Multicodec of a MerkleDAG protobuf node. */
    public static final int DAG_PB = 0x70;

    private static final int SHA2_256 = 0x12;
    private static final int DIGEST_LENGTH = 32;
    /** Length of the binary form. */
    public static final int BYTE_LENGTH = 4 + DIGEST_LENGTH;
    /** Length of the text form. */
    public static final int TEXT_LENGTH = 1 + (BYTE_LENGTH * 8 + 4) / 5;

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final byte[] DECODE = new byte[128];

    static {
        Arrays.fill(DECODE, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            DECODE[ALPHABET[i]] = (byte) i;
        }
    }

    private final byte[] bytes;
    private final int hash;
    private String text;

    private Cid(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * Parses the canonical base32 text form.
     *
     * @throws InvalidCidException naming the input (truncated) if it is anything else
     */
    public static Cid parse(String text) {
        if (text == null) {
            throw new InvalidCidException("CID is null");
        }
        if (text.length() != TEXT_LENGTH) {
            throw new InvalidCidException("CID must be " + TEXT_LENGTH + " characters, got " + text.length()
                    + ": " + quote(text));
        }
        if (text.charAt(0) != 'b') {
            throw new InvalidCidException("CID must use base32 lower-case multibase 'b': " + quote(text));
        }
        byte[] out = new byte[BYTE_LENGTH];
        int buffer = 0;
        int bits = 0;
        int o = 0;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            int v = c < 128 ? DECODE[c] : -1;
            if (v < 0) {
                throw new InvalidCidException("CID has a character outside [a-z2-7] at " + i + ": " + quote(text));
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (buffer >>> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        if (buffer != 0) {
            throw new InvalidCidException("CID is not canonical base32 (non-zero trailing bits): " + quote(text));
        }
        return fromBytes(out);
    }

    /**
     * Reads the 36-byte binary form.
     *
     * @throws InvalidCidException if it is not CIDv1 / sha2-256 / raw or dag-pb
     */
    public static Cid fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length != BYTE_LENGTH) {
            throw new InvalidCidException("binary CID must be " + BYTE_LENGTH + " bytes, got "
                    + (bytes == null ? "null" : bytes.length));
        }
        if (bytes[0] != 1) {
            throw new InvalidCidException("unsupported CID version " + (bytes[0] & 0xff));
        }
        int codec = bytes[1] & 0xff;
        if (codec != RAW && codec != DAG_PB) {
            throw new InvalidCidException("unsupported codec 0x" + Integer.toHexString(codec));
        }
        if ((bytes[2] & 0xff) != SHA2_256 || (bytes[3] & 0xff) != DIGEST_LENGTH) {
            throw new InvalidCidException("unsupported multihash 0x" + Integer.toHexString(bytes[2] & 0xff)
                    + " of length " + (bytes[3] & 0xff));
        }
        return new Cid(bytes.clone());
    }

    /** The CID of a 32-byte sha2-256 digest under {@code codec} ({@link #RAW} or {@link #DAG_PB}). */
    public static Cid of(int codec, byte[] sha256Digest) {
        if (codec != RAW && codec != DAG_PB) {
            throw new InvalidCidException("unsupported codec 0x" + Integer.toHexString(codec));
        }
        if (sha256Digest == null || sha256Digest.length != DIGEST_LENGTH) {
            throw new InvalidCidException("sha2-256 digest must be 32 bytes");
        }
        byte[] b = new byte[BYTE_LENGTH];
        b[0] = 1;
        b[1] = (byte) codec;
        b[2] = SHA2_256;
        b[3] = DIGEST_LENGTH;
        System.arraycopy(sha256Digest, 0, b, 4, DIGEST_LENGTH);
        return new Cid(b);
    }

    /** The raw-codec CID of {@code content}: hashes it with SHA-256. */
    public static Cid ofRaw(byte[] content) {
        try {
            return of(RAW, MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** The raw-codec CID of {@code content}'s remaining bytes (its position does not move): hashes them in place. */
    public static Cid ofRaw(ByteBuffer content) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(content.duplicate());
            return of(RAW, sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** Whether {@code text} parses as a CID; never throws. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (InvalidCidException e) {
            return false;
        }
    }

    /** {@link #RAW} or {@link #DAG_PB}. */
    public int codec() {
        return bytes[1] & 0xff;
    }

    /** A copy of the 32-byte sha2-256 digest. */
    public byte[] digest() {
        return Arrays.copyOfRange(bytes, 4, BYTE_LENGTH);
    }

    /** A copy of the 36-byte binary form. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The canonical text form, {@code b} + base32. */
    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = encode(bytes);
            text = t;
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cid other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Cid o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    /** Writes the binary form into {@code dst} at {@code offset}; package-private for the index codec. */
    void writeTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, BYTE_LENGTH);
    }

    private static String encode(byte[] data) {
        StringBuilder sb = new StringBuilder(TEXT_LENGTH);
        sb.append('b');
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                sb.append(ALPHABET[(buffer >>> bits) & 31]);
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) {
            sb.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }

    private static String quote(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder sb = new StringBuilder(shown.length() + 2).append('"');
        for (char c : shown.toCharArray()) {
            if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}

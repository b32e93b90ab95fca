package io.icn.p2p.gossip;

import io.icn.p2p.PeerId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * How a message's id is derived (config key {@code gossip_message_id}). Every peer of a mesh must use the same
 * function, or duplicates are not recognised and IHAVE/IWANT gossip misses.
 *
 * <p>Immutable and thread-safe.
 */
public enum MessageIdFunction {
    /** The original ICN super-node's: lower-case hex of BLAKE3-256 of the data, as ASCII bytes (64 bytes). */
    BLAKE3_HEX("blake3-hex"),
    /** rust-libp2p's default: base58 of the source peer id followed by the decimal sequence number, as ASCII. */
    RUST_DEFAULT("rust-default"),
    /** js-libp2p gossipsub's StrictSign default: the publisher's protobuf public key followed by the 8-byte seqno. */
    JS_DEFAULT("js-default"),
    /** SHA-256 of the data (js's StrictNoSign default). */
    SHA256("sha256");

    private final String configName;

    MessageIdFunction(String configName) {
        this.configName = configName;
    }

    /** The name in the configuration, e.g. {@code blake3-hex}. */
    public String configName() {
        return configName;
    }

    /** The function named {@code name} in the configuration; fails naming the value and the choices. */
    public static MessageIdFunction parse(String name) {
        for (MessageIdFunction f : values()) {
            if (f.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("gossip_message_id \"" + name
                + "\" is not one of blake3-hex, rust-default, js-default, sha256");
    }

    /**
     * The id of a message of {@code source} with sequence number {@code seqno} (8 bytes big-endian) and
     * {@code data}.
     *
     * @throws IllegalArgumentException when the function needs a source or seqno the message lacks, or the source
     *     inlines no public key (js-default)
     */
    public MessageId apply(PeerId source, byte[] seqno, byte[] data) {
        return apply(source, seqno, ByteBuffer.wrap(data));
    }

    /**
     * As {@link #apply(PeerId, byte[], byte[])} for the data in {@code data}'s remaining bytes, read in place (its
     * position does not move).
     */
    public MessageId apply(PeerId source, byte[] seqno, ByteBuffer data) {
        return switch (this) {
            case BLAKE3_HEX -> {
                Blake3Digest digest = new Blake3Digest();
                if (data.hasArray()) {
                    digest.update(data.array(), data.arrayOffset() + data.position(), data.remaining());
                } else {
                    byte[] copy = new byte[data.remaining()];
                    data.duplicate().get(copy);
                    digest.update(copy, 0, copy.length);
                }
                byte[] out = new byte[32];
                digest.doFinal(out, 0);
                yield MessageId.wrap(HexFormat.of().formatHex(out).getBytes(StandardCharsets.US_ASCII));
            }
            case RUST_DEFAULT -> MessageId.wrap((requireSource(source).toBase58() + Long.toUnsignedString(seqnoValue(seqno)))
                    .getBytes(StandardCharsets.US_ASCII));
            case JS_DEFAULT -> {
                byte[] key = requireSource(source).inlinePublicKeyProtobuf().orElseThrow(() -> new IllegalArgumentException(
                        "js-default message ids need a source inlining its public key: " + source));
                yield MessageId.wrap(ByteBuffer.allocate(key.length + 8).put(key).putLong(seqnoValue(seqno)).array());
            }
            case SHA256 -> {
                try {
                    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                    sha256.update(data.duplicate());
                    yield MessageId.wrap(sha256.digest());
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("the JDK lacks SHA-256", e);
                }
            }
        };
    }

    private PeerId requireSource(PeerId source) {
        if (source == null) {
            throw new IllegalArgumentException(configName + " message ids need the message's source");
        }
        return source;
    }

    private long seqnoValue(byte[] seqno) {
        if (seqno == null || seqno.length != 8) {
            throw new IllegalArgumentException(configName + " message ids need an 8-byte seqno, got "
                    + (seqno == null ? "none" : seqno.length + " bytes"));
        }
        return ByteBuffer.wrap(seqno).getLong();
    }
}

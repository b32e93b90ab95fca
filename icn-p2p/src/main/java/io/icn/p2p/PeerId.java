package io.icn.p2p;

import io.icn.p2p.internal.Base32;
import io.icn.p2p.internal.Base58;
import io.icn.p2p.internal.Varint;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A libp2p peer id: the multihash of the peer's protobuf-encoded public key, the identity multihash for keys of
 * at most 42 bytes (every Ed25519 key: text {@code 12D3KooW...}) and SHA-256 otherwise ({@code Qm...}). Text
 * is base58btc; {@link #parse} also reads the CIDv1 form ({@code bafz...}, codec {@code libp2p-key}).
 *
 * <p>Immutable and thread-safe; equal when the multihash bytes are equal.
 */
public final class PeerId {
    static final int IDENTITY = 0x00;
    static final int SHA2_256 = 0x12;
    private static final int CID_V1 = 0x01;
    private static final int LIBP2P_KEY = 0x72;
    private static final int MAX_INLINE_KEY = 42;

    private final byte[] multihash;

    private PeerId(byte[] multihash) {
        this.multihash = multihash;
    }

    /** The peer id of an Ed25519 public key (32 raw bytes). */
    public static PeerId fromEd25519PublicKey(byte[] rawPublicKey) {
        return fromPublicKeyProtobuf(Ed25519.publicKeyProtobuf(rawPublicKey));
    }

    /** The peer id of a public key in libp2p's protobuf encoding ({@code PublicKey{Type, Data}}). */
    public static PeerId fromPublicKeyProtobuf(byte[] protobuf) {
        if (protobuf.length > MAX_INLINE_KEY) {
            byte[] digest = Ed25519.sha256(protobuf);
            byte[] mh = new byte[2 + digest.length];
            mh[0] = SHA2_256;
            mh[1] = (byte) digest.length;
            System.arraycopy(digest, 0, mh, 2, digest.length);
            return new PeerId(mh);
        }
        byte[] mh = new byte[2 + protobuf.length];
        mh[0] = IDENTITY;
        mh[1] = (byte) protobuf.length;
        System.arraycopy(protobuf, 0, mh, 2, protobuf.length);
        return new PeerId(mh);
    }

    /**
     * The peer id whose multihash is {@code multihash}.
     *
     * @throws InvalidPeerIdException if it is not an identity or SHA-256 multihash of the length it declares
     */
    public static PeerId fromBytes(byte[] multihash) {
        try {
            ByteBuffer in = ByteBuffer.wrap(multihash);
            long code = Varint.read(in);
            long length = Varint.read(in);
            if (code != IDENTITY && code != SHA2_256) {
                throw new InvalidPeerIdException("peer id multihash code 0x" + Long.toHexString(code)
                        + " is neither identity (0x00) nor sha2-256 (0x12)");
            }
            if (code == SHA2_256 && length != 32) {
                throw new InvalidPeerIdException("sha2-256 peer id digest must be 32 bytes, is " + length);
            }
            if (code == IDENTITY && length > MAX_INLINE_KEY) {
                throw new InvalidPeerIdException("identity peer id of " + length + " bytes (at most " + MAX_INLINE_KEY + ")");
            }
            if (length != in.remaining()) {
                throw new InvalidPeerIdException("peer id multihash declares " + length + " digest bytes but has "
                        + in.remaining());
            }
            return new PeerId(multihash.clone());
        } catch (ProtocolViolationException e) {
            throw new InvalidPeerIdException("peer id multihash is malformed: " + e.getMessage(), e);
        }
    }

    /**
     * Parses base58btc text ({@code 12D3KooW...}, {@code Qm...}) or a CIDv1 with codec {@code libp2p-key} in
     * base32 ({@code b...}).
     *
     * @throws InvalidPeerIdException naming {@code text} and the fault
     */
    public static PeerId parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidPeerIdException("empty peer id");
        }
        try {
            if (text.startsWith("1") || text.startsWith("Q")) {
                return fromBytes(Base58.decode(text));
            }
            if (text.startsWith("b")) {
                ByteBuffer in = ByteBuffer.wrap(Base32.decode(text.substring(1)));
                long version = Varint.read(in);
                long codec = Varint.read(in);
                if (version != CID_V1 || codec != LIBP2P_KEY) {
                    throw new InvalidPeerIdException("CID " + text + " is not a CIDv1 of codec libp2p-key (0x72): version "
                            + version + ", codec 0x" + Long.toHexString(codec));
                }
                byte[] mh = new byte[in.remaining()];
                in.get(mh);
                return fromBytes(mh);
            }
            throw new InvalidPeerIdException("peer id '" + text + "' is neither base58btc (1..., Qm...) nor a CIDv1 (b...)");
        } catch (IllegalArgumentException | ProtocolViolationException e) {
            throw new InvalidPeerIdException("peer id '" + text + "' is malformed: " + e.getMessage(), e);
        } catch (InvalidPeerIdException e) {
            if (e.getMessage().contains(text)) {
                throw e;
            }
            throw new InvalidPeerIdException("peer id '" + text + "': " + e.getMessage(), e);
        }
    }

    /** The multihash bytes (a copy). */
    public byte[] toBytes() {
        return multihash.clone();
    }

    /** The base58btc text, e.g. {@code 12D3KooW...}. */
    public String toBase58() {
        return Base58.encode(multihash);
    }

    /** The CIDv1 text (base32, codec {@code libp2p-key}), e.g. {@code bafzaa...}. */
    public String toCid() {
        byte[] cid = new byte[2 + multihash.length];
        cid[0] = CID_V1;
        cid[1] = LIBP2P_KEY;
        System.arraycopy(multihash, 0, cid, 2, multihash.length);
        return "b" + Base32.encode(cid);
    }

    /**
     * The public key (protobuf encoding) inlined in an identity multihash, or empty for a SHA-256 peer id, whose
     * key must come from the peer itself.
     */
    public Optional<byte[]> inlinePublicKeyProtobuf() {
        if (multihash[0] != IDENTITY) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOfRange(multihash, 2, multihash.length));
    }

    /** The raw 32-byte Ed25519 key this id inlines, or empty when it inlines no Ed25519 key. */
    public Optional<byte[]> ed25519PublicKey() {
        return inlinePublicKeyProtobuf().flatMap(protobuf -> {
            try {
                return Optional.of(Ed25519.rawKeyOfProtobuf(protobuf));
            } catch (P2pException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * Whether {@code signature} is the Ed25519 signature of {@code message} by this peer's inlined key; false for a
     * peer id without an inlined Ed25519 key and for any malformed signature.
     */
    public boolean verifies(byte[] message, byte[] signature) {
        return verifies(message, 0, message.length, signature);
    }

    /**
     * Whether {@code signature} is this peer's Ed25519 signature of {@code message[offset, offset + length)} (the
     * bytes are read in place, not copied); false when the peer id inlines no Ed25519 key.
     *
     * @throws IndexOutOfBoundsException if the range is outside {@code message}
     */
    public boolean verifies(byte[] message, int offset, int length, byte[] signature) {
        Objects.checkFromIndexSize(offset, length, message.length);
        Optional<byte[]> key = ed25519PublicKey();
        return key.isPresent() && Ed25519.verify(key.get(), message, offset, length, signature);
    }

    /** Whether {@code publicKeyProtobuf} is the key of this peer id. */
    public boolean matches(byte[] publicKeyProtobuf) {
        return equals(fromPublicKeyProtobuf(publicKeyProtobuf));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId other && Arrays.equals(multihash, other.multihash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(multihash);
    }

    /** The base58btc text. */
    @Override
    public String toString() {
        return toBase58();
    }
}

package io.icn.p2p.kad;

import io.icn.storage.Cid;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The DHT keys ICN uses. A manifest lives under {@code /icn/manifest/<cid>} (a namespaced key that
 * js-libp2p peers route to their {@code icn} validator) and, for the original rust node's relays,
 * under the bare CID text; a chunk's provider records are keyed by the multihash of its CID, as
 * js-libp2p's {@code provide(cid)} and Kubo key them. Keys are bytes; ICN's are UTF-8 text.
 *
 * <p>Stateless and thread-safe.
 */
public final class RecordKeys {
    /** The namespace of ICN records. */
    public static final String ICN_NAMESPACE = "icn";
    /** Prefix of manifest record keys. */
    public static final String MANIFEST_PREFIX = "/icn/manifest/";

    private RecordKeys() {
    }

    /** {@code /icn/manifest/<cid>} as bytes. */
    public static byte[] manifestKey(Cid cid) {
        return (MANIFEST_PREFIX + cid).getBytes(StandardCharsets.UTF_8);
    }

    /** The original node's key: the CID text as bytes. */
    public static byte[] legacyManifestKey(Cid cid) {
        return cid.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The provider key of a chunk: the multihash bytes of its CID ({@code 0x12 0x20 digest}). */
    public static byte[] providerKey(Cid cid) {
        return Arrays.copyOfRange(cid.toBytes(), 2, Cid.BYTE_LENGTH);
    }

    /**
     * The namespace of a key written {@code /<namespace>/...}, as js-libp2p reads it; empty for a key that
     * does not start with {@code /} or has no second {@code /}.
     */
    public static Optional<String> namespace(byte[] key) {
        Optional<String> text = utf8(key);
        if (text.isEmpty() || !text.get().startsWith("/")) {
            return Optional.empty();
        }
        int end = text.get().indexOf('/', 1);
        if (end <= 1) {
            return Optional.empty();
        }
        return Optional.of(text.get().substring(1, end));
    }

    /** The CID a manifest key names ({@code /icn/manifest/<cid>} or a bare CID), if it is one. */
    public static Optional<Cid> manifestCid(byte[] key) {
        Optional<String> text = utf8(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String t = text.get();
        String cid = t.startsWith(MANIFEST_PREFIX) ? t.substring(MANIFEST_PREFIX.length()) : t;
        return Cid.isValid(cid) ? Optional.of(Cid.parse(cid)) : Optional.empty();
    }

    /** The key as strict UTF-8 text, if it is. */
    static Optional<String> utf8(byte[] key) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(key)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** A key for messages and logs: its text when printable, else hex; at most 100 characters. */
    static String printable(byte[] key) {
        Optional<String> text = utf8(key);
        String s = text.filter(t -> t.chars().allMatch(c -> c >= 0x20 && c < 0x7f))
                .orElseGet(() -> "0x" + HexFormat.of().formatHex(key));
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}

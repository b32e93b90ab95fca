package io.icn.p2p.kad;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.icn.storage.Cid;
import io.icn.storage.InvalidCidException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The manifest record a super-node publishes for each chunk it holds: what a relay looks up to find
 * where the shards are and how to check them. Its JSON carries the fields both parsers of the original
 * network require ({@code cid}, {@code shards}, {@code locations}, {@code created_at},
 * {@code publisher_peer_id}, {@code signature}) and ICN's own: {@code k}, {@code m},
 * {@code shard_size}, {@code original_length}, {@code shard_sha256} (one lower-case hex SHA-256 per
 * shard), {@code quic_cert_sha256} (the fingerprint a relay pins for the QUIC locations) and
 * {@code manifest_signature}.
 *
 * <p>{@code signature} is the original format's: base64 Ed25519 by the publisher over
 * {@code "{cid}:{shards}:{locations joined by ,}"}. It leaves the hashes, the fingerprint and the
 * time unsigned, so anyone could alter them and keep the record valid; {@code manifest_signature}
 * covers every field ({@link #fullSigningPayload()}), and {@link #verify} requires both.
 *
 * <p>Immutable and thread-safe. Unknown JSON fields are ignored when parsing (newer publishers).
 *
 * @param cid the chunk's content id
 * @param shards the number of shards, {@code k + m} (14)
 * @param locations where the shards are served: multiaddrs such as {@code /ip4/203.0.113.5/udp/9002/quic-v1}
 * @param quicCertSha256 the SHA-256 fingerprint of the QUIC server certificate, 64 lower-case hex digits
 * @param createdAt when the publisher made this record, seconds since the epoch
 * @param publisherPeerId the publisher's peer id (base58, {@code 12D3KooW...} for Ed25519)
 * @param k data shards
 * @param m parity shards
 * @param shardSize bytes per shard
 * @param originalLength bytes of the chunk before coding
 * @param shardSha256 SHA-256 of each shard, lower-case hex, {@code shards} of them
 * @param signature the original format's signature, base64; empty while unsigned
 * @param manifestSignature the signature of every field, base64; empty while unsigned
 */
public record ManifestRecord(Cid cid, int shards, List<String> locations, String quicCertSha256, long createdAt,
        String publisherPeerId, int k, int m, int shardSize, long originalLength, List<String> shardSha256,
        String signature, String manifestSignature) {

    /** Most locations a record may list. */
    public static final int MAX_LOCATIONS = 16;
    /** Longest location multiaddr text. */
    public static final int MAX_LOCATION_CHARS = 256;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    public ManifestRecord {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(quicCertSha256, "quicCertSha256");
        Objects.requireNonNull(publisherPeerId, "publisherPeerId");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(manifestSignature, "manifestSignature");
        locations = List.copyOf(locations);
        shardSha256 = List.copyOf(shardSha256);
        if (k < 1 || m < 0 || k + m > 256) {
            throw new IllegalArgumentException("manifest of " + cid + ": k=" + k + ", m=" + m + " is not a code");
        }
        if (shards != k + m) {
            throw new IllegalArgumentException("manifest of " + cid + ": shards=" + shards + " is not k+m=" + (k + m));
        }
        if (locations.isEmpty() || locations.size() > MAX_LOCATIONS) {
            throw new IllegalArgumentException("manifest of " + cid + " must list 1.." + MAX_LOCATIONS + " locations: "
                    + locations.size());
        }
        for (String l : locations) {
            if (!l.startsWith("/") || l.length() > MAX_LOCATION_CHARS || l.contains(",")) {
                throw new IllegalArgumentException("manifest of " + cid + ": location is not a multiaddr: " + l);
            }
        }
        requireSha256Hex(quicCertSha256, "quic_cert_sha256 of " + cid);
        if (createdAt < 0) {
            throw new IllegalArgumentException("manifest of " + cid + ": created_at is negative: " + createdAt);
        }
        if (publisherPeerId.isEmpty() || publisherPeerId.length() > 128) {
            throw new IllegalArgumentException("manifest of " + cid + ": publisher_peer_id is empty or too long");
        }
        if (shardSize < 1 || originalLength < 1 || originalLength > (long) k * shardSize
                || originalLength <= (long) k * (shardSize - 1)) {
            throw new IllegalArgumentException("manifest of " + cid + ": shard_size " + shardSize
                    + " is not ceil(original_length " + originalLength + " / k " + k + ")");
        }
        if (shardSha256.size() != shards) {
            throw new IllegalArgumentException("manifest of " + cid + " has " + shardSha256.size() + " shard hashes for "
                    + shards + " shards");
        }
        for (String h : shardSha256) {
            requireSha256Hex(h, "shard hash of " + cid);
        }
    }

    private static void requireSha256Hex(String s, String what) {
        if (s.length() != 64 || !s.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException(what + " is not 64 lower-case hex digits: " + s);
        }
    }

    /** A record with every field but the signatures, which {@link #sign} adds. */
    public static ManifestRecord unsigned(Cid cid, int k, int m, int shardSize, long originalLength,
            List<String> shardSha256, List<String> locations, String quicCertSha256, long createdAt,
            String publisherPeerId) {
        return new ManifestRecord(cid, k + m, locations, quicCertSha256, createdAt, publisherPeerId, k, m, shardSize,
                originalLength, shardSha256, "", "");
    }

    /** The original format's signed text: {@code "{cid}:{shards}:{locations joined by ,}"}, as UTF-8. */
    public byte[] signingPayload() {
        return (cid + ":" + shards + ":" + String.join(",", locations)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Every field but the signatures, in a fixed order separated by {@code :} (lists joined by
     * {@code ,}; no field can contain either): what {@code manifest_signature} signs.
     */
    public byte[] fullSigningPayload() {
        return ("icn-manifest-v1:" + cid + ":" + shards + ":" + String.join(",", locations) + ":" + quicCertSha256
                + ":" + createdAt + ":" + publisherPeerId + ":" + k + ":" + m + ":" + shardSize + ":" + originalLength
                + ":" + String.join(",", shardSha256)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * This record signed by the publisher.
     *
     * @param ed25519Signer signs a message with the publisher's Ed25519 key (such as the host identity's
     *     {@code sign}), returning the 64-byte signature
     */
    public ManifestRecord sign(UnaryOperator<byte[]> ed25519Signer) {
        Base64.Encoder b64 = Base64.getEncoder();
        return new ManifestRecord(cid, shards, locations, quicCertSha256, createdAt, publisherPeerId, k, m, shardSize,
                originalLength, shardSha256, b64.encodeToString(ed25519Signer.apply(signingPayload())),
                b64.encodeToString(ed25519Signer.apply(fullSigningPayload())));
    }

    /**
     * Checks both signatures against the publisher's raw 32-byte Ed25519 public key. Uses BouncyCastle's
     * RFC 8032 verifier: about ten times faster than the JDK 17 provider's, and every node verifies every
     * manifest put to it each hour.
     *
     * @throws RecordRejectedException naming the CID if either is missing, malformed or wrong
     */
    public void verify(byte[] publisherEd25519Key) {
        if (publisherEd25519Key.length != Ed25519.PUBLIC_KEY_SIZE) {
            throw new RecordRejectedException("manifest of " + cid + ": publisher key is " + publisherEd25519Key.length
                    + " bytes, not " + Ed25519.PUBLIC_KEY_SIZE);
        }
        check(publisherEd25519Key, signingPayload(), signature, "signature");
        check(publisherEd25519Key, fullSigningPayload(), manifestSignature, "manifest_signature");
    }

    private void check(byte[] key, byte[] payload, String base64, String field) {
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new RecordRejectedException("manifest of " + cid + ": " + field + " is not base64", e);
        }
        if (sig.length != Ed25519.SIGNATURE_SIZE || !Ed25519.verify(sig, 0, key, 0, payload, 0, payload.length)) {
            throw new RecordRejectedException("manifest of " + cid + ": " + field + " does not verify for publisher "
                    + publisherPeerId);
        }
    }

    /** The JSON value stored in the DHT (UTF-8). */
    public byte[] toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("cid", cid.toString());
        o.put("shards", shards);
        ArrayNode locs = o.putArray("locations");
        locations.forEach(locs::add);
        o.put("created_at", createdAt);
        o.put("publisher_peer_id", publisherPeerId);
        o.put("signature", signature);
        o.put("k", k);
        o.put("m", m);
        o.put("shard_size", shardSize);
        o.put("original_length", originalLength);
        ArrayNode hashes = o.putArray("shard_sha256");
        shardSha256.forEach(hashes::add);
        o.put("quic_cert_sha256", quicCertSha256);
        o.put("manifest_signature", manifestSignature);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write manifest of " + cid, e);
        }
    }

    /**
     * Reads a manifest record value.
     *
     * @throws RecordRejectedException if it is not JSON, lacks a field, or a field has the wrong type or
     *     an invalid value (the message names it)
     */
    public static ManifestRecord parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new RecordRejectedException("manifest record is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new RecordRejectedException("manifest record is not a JSON object");
        }
        try {
            Cid cid = Cid.parse(text(root, "cid"));
            return new ManifestRecord(cid, integer(root, "shards"), texts(root, "locations"),
                    text(root, "quic_cert_sha256"), number(root, "created_at"), text(root, "publisher_peer_id"),
                    integer(root, "k"), integer(root, "m"), integer(root, "shard_size"),
                    number(root, "original_length"), texts(root, "shard_sha256"), text(root, "signature"),
                    text(root, "manifest_signature"));
        } catch (IllegalArgumentException | InvalidCidException e) {
            throw new RecordRejectedException("invalid manifest record: " + e.getMessage(), e);
        }
    }

    private static JsonNode field(JsonNode root, String name) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("field " + name + " is missing");
        }
        return n;
    }

    private static String text(JsonNode root, String name) {
        JsonNode n = field(root, name);
        if (!n.isTextual()) {
            throw new IllegalArgumentException("field " + name + " is not a string");
        }
        return n.textValue();
    }

    private static long number(JsonNode root, String name) {
        JsonNode n = field(root, name);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IllegalArgumentException("field " + name + " is not an integer: " + n);
        }
        return n.longValue();
    }

    private static int integer(JsonNode root, String name) {
        long v = number(root, name);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("field " + name + " is out of range: " + v);
        }
        return (int) v;
    }

    private static List<String> texts(JsonNode root, String name) {
        JsonNode n = field(root, name);
        if (!n.isArray() || n.size() > 256) {
            throw new IllegalArgumentException("field " + name + " is not an array of at most 256 strings");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw new IllegalArgumentException("field " + name + " holds a non-string: " + e);
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** The SHA-256 of {@code bytes} as lower-case hex, the form of {@link #shardSha256()}. */
    public static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(KadKey.sha256(bytes));
    }
}

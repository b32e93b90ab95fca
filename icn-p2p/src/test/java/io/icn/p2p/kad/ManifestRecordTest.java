package io.icn.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.storage.Cid;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The vector's signatures were computed independently (Python {@code cryptography} 48, Ed25519 from
 * seed 01×32) over the payloads the javadoc of {@link ManifestRecord} defines.
 */
class ManifestRecordTest {
    static final String PEER_ID = "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5";
    static final byte[] PUBLIC_KEY = HexFormat.of().parseHex("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c");
    static final PublisherKeys KEYS = id -> Optional.ofNullable(Map.of(PEER_ID, PUBLIC_KEY).get(id)).map(byte[]::clone);
    static final String LOCATION = "/ip4/203.0.113.5/udp/9002/quic-v1";
    static final String SIGNATURE =
            "4YLUtWKIG1Dk8SDpAdMbjR12kH8olX/H0ro+/nbUgBuIILEKURghjyjWjEtqtSCpYze5Lu+8tZ/Neke24pGEBA==";
    static final String MANIFEST_SIGNATURE =
            "tgawpOMo6Mc0YxdUS/YwHDcJ2Hy/yv6oM1bIEFcP/ssxx8vBXsgKHM6eW1fkJSlISArBTd6E35uu9iLMpAqGCw==";

    static PrivateKey seedKey() {
        try {
            byte[] seed = new byte[32];
            Arrays.fill(seed, (byte) 1);
            return KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(seedKey());
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static ManifestRecord vector() {
        Cid cid = Cid.ofRaw("icn manifest vector".getBytes(StandardCharsets.UTF_8));
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            hashes.add(ManifestRecord.sha256Hex(("shard " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return ManifestRecord.unsigned(cid, 10, 4, 5, 45, hashes, List.of(LOCATION),
                ManifestRecord.sha256Hex("cert".getBytes(StandardCharsets.UTF_8)), 1_765_000_000L, PEER_ID);
    }

    @Test
    void signaturesMatchTheIndependentVector() {
        ManifestRecord signed = vector().sign(ManifestRecordTest::sign);
        assertThat(signed.cid().toString()).isEqualTo("bafkreig7cny57hpzezzkuweo7bwp23zzwu7p2rio3p3oofl22p5hhfseoi");
        assertThat(new String(signed.signingPayload(), StandardCharsets.UTF_8))
                .isEqualTo("bafkreig7cny57hpzezzkuweo7bwp23zzwu7p2rio3p3oofl22p5hhfseoi:14:" + LOCATION);
        assertThat(signed.signature()).isEqualTo(SIGNATURE);
        assertThat(signed.manifestSignature()).isEqualTo(MANIFEST_SIGNATURE);
        signed.verify(PUBLIC_KEY);
    }

    @Test
    void jsonCarriesTheOriginalFieldsAndRoundTrips() {
        ManifestRecord signed = vector().sign(ManifestRecordTest::sign);
        String json = new String(signed.toJson(), StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"cid\":\"bafkreig7cny57hpzezzkuweo7bwp23zzwu7p2rio3p3oofl22p5hhfseoi\","
                + "\"shards\":14,\"locations\":[\"" + LOCATION + "\"],\"created_at\":1765000000,"
                + "\"publisher_peer_id\":\"" + PEER_ID + "\",\"signature\":\"" + SIGNATURE + "\",\"k\":10,\"m\":4,"
                + "\"shard_size\":5,\"original_length\":45,\"shard_sha256\":[");
        assertThat(ManifestRecord.parse(signed.toJson())).isEqualTo(signed);
    }

    @Test
    void unknownFieldsAreIgnored() {
        String json = new String(vector().sign(ManifestRecordTest::sign).toJson(), StandardCharsets.UTF_8);
        String extended = json.replaceFirst("\\{", "{\"future\":{\"x\":[1,2]},");
        assertThat(ManifestRecord.parse(extended.getBytes(StandardCharsets.UTF_8)).signature()).isEqualTo(SIGNATURE);
    }

    @Test
    void anyAlteredFieldFailsVerification() {
        ManifestRecord s = vector().sign(ManifestRecordTest::sign);
        List<ManifestRecord> altered = List.of(
                new ManifestRecord(s.cid(), 14, List.of("/ip4/198.51.100.1/udp/9002/quic-v1"), s.quicCertSha256(),
                        s.createdAt(), s.publisherPeerId(), 10, 4, 5, 45, s.shardSha256(), s.signature(), s.manifestSignature()),
                new ManifestRecord(s.cid(), 14, s.locations(), ManifestRecord.sha256Hex(new byte[1]), s.createdAt(),
                        s.publisherPeerId(), 10, 4, 5, 45, s.shardSha256(), s.signature(), s.manifestSignature()),
                new ManifestRecord(s.cid(), 14, s.locations(), s.quicCertSha256(), s.createdAt() + 1,
                        s.publisherPeerId(), 10, 4, 5, 45, s.shardSha256(), s.signature(), s.manifestSignature()),
                new ManifestRecord(s.cid(), 14, s.locations(), s.quicCertSha256(), s.createdAt(), s.publisherPeerId(),
                        10, 4, 5, 45, reversed(s.shardSha256()), s.signature(), s.manifestSignature()));
        for (ManifestRecord r : altered) {
            assertThatThrownBy(() -> r.verify(PUBLIC_KEY)).isInstanceOf(RecordRejectedException.class)
                    .hasMessageContaining("does not verify").hasMessageContaining(s.cid().toString());
        }
        byte[] otherKey = PUBLIC_KEY.clone();
        otherKey[0] ^= 1;
        assertThatThrownBy(() -> s.verify(otherKey)).isInstanceOf(RecordRejectedException.class);
    }

    private static List<String> reversed(List<String> l) {
        List<String> r = new ArrayList<>(l);
        java.util.Collections.reverse(r);
        return r;
    }

    @Test
    void invalidValuesAreRejectedNamingTheField() {
        String good = new String(vector().sign(ManifestRecordTest::sign).toJson(), StandardCharsets.UTF_8);
        Map<String, String> cases = Map.of(
                good.replace("\"shards\":14", "\"shards\":13"), "shards=13",
                good.replace("\"k\":10,", ""), "field k is missing",
                good.replace("\"shard_size\":5", "\"shard_size\":\"5\""), "field shard_size is not an integer",
                good.replace("\"cid\":\"bafk", "\"cid\":\"xafk"), "CID",
                good.replace("\"original_length\":45", "\"original_length\":51"), "shard_size 5 is not ceil",
                good.replace(LOCATION, "udp-9002"), "location is not a multiaddr",
                "[1,2]", "not a JSON object",
                "{\"cid\":", "not JSON");
        cases.forEach((json, message) -> assertThatThrownBy(() -> ManifestRecord.parse(json.getBytes(StandardCharsets.UTF_8)))
                .as(json).isInstanceOf(RecordRejectedException.class).hasMessageContaining(message));
    }

    @Test
    void validatorChecksKeyCidAndSignatureAndSelectsTheNewest() {
        RecordValidators v = RecordValidators.icn(KEYS);
        ManifestRecord s = vector().sign(ManifestRecordTest::sign);
        v.validate(RecordKeys.manifestKey(s.cid()), s.toJson());
        v.validate(RecordKeys.legacyManifestKey(s.cid()), s.toJson());
        Cid other = Cid.ofRaw(new byte[] {1});
        assertThatThrownBy(() -> v.validate(RecordKeys.manifestKey(other), s.toJson()))
                .isInstanceOf(RecordRejectedException.class).hasMessageContaining("stored under the key of " + other);
        ManifestRecord unknownPublisher = new ManifestRecord(s.cid(), 14, s.locations(), s.quicCertSha256(), s.createdAt(),
                "12D3KooWSomeoneElse", 10, 4, 5, 45, s.shardSha256(), s.signature(), s.manifestSignature());
        assertThatThrownBy(() -> v.validate(RecordKeys.manifestKey(s.cid()), unknownPublisher.toJson()))
                .isInstanceOf(RecordRejectedException.class).hasMessageContaining("12D3KooWSomeoneElse");
        assertThatThrownBy(() -> v.validate("/icn/other/x".getBytes(StandardCharsets.UTF_8), s.toJson()))
                .isInstanceOf(RecordRejectedException.class).hasMessageContaining("does not name a manifest");
        // The relays' keys of the original network pass as they did.
        v.validate("relay:EU-WEST".getBytes(StandardCharsets.UTF_8), "[\"/ip4/1.2.3.4/tcp/1\"]".getBytes(StandardCharsets.UTF_8));

        ManifestRecord newer = new ManifestRecord(s.cid(), 14, s.locations(), s.quicCertSha256(), s.createdAt() + 60,
                PEER_ID, 10, 4, 5, 45, s.shardSha256(), "", "").sign(ManifestRecordTest::sign);
        assertThat(v.select(RecordKeys.manifestKey(s.cid()), List.of(s.toJson(), newer.toJson(), s.toJson()))).isEqualTo(1);
    }
}

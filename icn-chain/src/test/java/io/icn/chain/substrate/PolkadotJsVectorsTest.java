package io.icn.chain.substrate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Byte-for-byte agreement with polkadot.js ({@code @polkadot/types} 16, {@code @polkadot/util-crypto} 14):
 * SCALE encodings of a set of values (the pinning pallet's types registered on the JS side), hashes,
 * storage keys, SS58, Ed25519 signatures, three shipped runtimes' metadata (V14 and V15) and signed
 * extrinsics built against them. The vectors come from {@code interop/chain/vectors.mjs}, run by this test.
 */
@Timeout(120)
class PolkadotJsVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static JsonNode vectors;

    @BeforeAll
    static void generate() throws Exception {
        vectors = new ObjectMapper().readTree(InteropHarness.runNode(90, "vectors.mjs"));
    }

    static byte[] hex(JsonNode n) {
        return hex(n.asText());
    }

    static byte[] hex(String s) {
        return HEX.parseHex(s.startsWith("0x") ? s.substring(2) : s);
    }

    private static BigInteger big(JsonNode n) {
        return new BigInteger(n.asText());
    }

    /** Java encoders of the JSON values polkadot.js encoded, by type name. */
    private static final Map<String, BiConsumer<ScaleWriter, JsonNode>> ENCODERS = Map.ofEntries(
            Map.entry("Compact<u128>", (w, v) -> w.compact(big(v))),
            Map.entry("u8", (w, v) -> w.u8(v.asInt())),
            Map.entry("u16", (w, v) -> w.u16(v.asInt())),
            Map.entry("u32", (w, v) -> w.u32(v.asLong())),
            Map.entry("u64", (w, v) -> w.u64(big(v).longValue())),
            Map.entry("u128", (w, v) -> w.u128(big(v))),
            Map.entry("i8", (w, v) -> w.i8(v.asInt())),
            Map.entry("i16", (w, v) -> w.i16(v.asInt())),
            Map.entry("i32", (w, v) -> w.i32(v.asInt())),
            Map.entry("i64", (w, v) -> w.i64(big(v).longValueExact())),
            Map.entry("i128", (w, v) -> w.signedBig(big(v), 16)),
            Map.entry("bool", (w, v) -> w.bool(v.asBoolean())),
            Map.entry("Option<u32>", (w, v) -> w.option(v.isNull() ? Optional.empty() : Optional.of(v.asLong()), ScaleWriter::u32)),
            Map.entry("OptionBool", (w, v) -> w.optionBool(v.isNull() ? Optional.empty() : Optional.of(v.asBoolean()))),
            Map.entry("Result<u32, Text>", (w, v) -> w.result(v.has("Ok") ? ScaleResult.ok(v.get("Ok").asLong())
                    : ScaleResult.err(v.get("Err").asText()), ScaleWriter::u32, ScaleWriter::string)),
            Map.entry("Vec<u16>", (w, v) -> w.vec(ints(v), ScaleWriter::u16)),
            Map.entry("(u8, Text, bool)", (w, v) -> w.u8(v.get(0).asInt()).string(v.get(1).asText()).bool(v.get(2).asBoolean())),
            Map.entry("[u16;3]", (w, v) -> w.array(ints(v), 3, ScaleWriter::u16)),
            Map.entry("Text", (w, v) -> w.string(v.asText())),
            Map.entry("Bytes", (w, v) -> w.bytes(hex(v))),
            Map.entry("SmallEnum", (w, v) -> {
                if (v.isTextual()) {
                    w.variant(0);
                } else if (v.has("Num")) {
                    w.variant(1).u32(v.get("Num").asLong());
                } else {
                    w.variant(2).u8(v.get("Pair").get(0).asInt()).string(v.get("Pair").get(1).asText());
                }
            }),
            Map.entry("BitVec", (w, v) -> {
                byte[] b = hex(v);
                boolean[] bits = new boolean[b.length * 8];
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = (b[i / 8] & (1 << (i % 8))) != 0;
                }
                w.bitSequence(bits);
            }),
            Map.entry("PinningDeal", (w, v) -> w.raw(PinningPallet.encodeDeal(deal(v)))),
            Map.entry("PinningAudit", (w, v) -> w.raw(PinningPallet.encodeAudit(audit(v)))),
            Map.entry("Vec<AccountId32>", (w, v) -> w.vec(hexList(v), ScaleWriter::raw)),
            Map.entry("SubmitAuditProofArgs", (w, v) -> w.raw(PinningPallet.encodeSubmitAuditProofArgs(
                    hex(v.get("audit_id")), proof(v.get("proof"))))),
            Map.entry("IcnEvent", (w, v) -> w.raw(encodeEvent(v))));

    private static List<Integer> ints(JsonNode v) {
        List<Integer> out = new ArrayList<>();
        v.forEach(n -> out.add(n.asInt()));
        return out;
    }

    private static List<byte[]> hexList(JsonNode v) {
        List<byte[]> out = new ArrayList<>();
        v.forEach(n -> out.add(hex(n)));
        return out;
    }

    static PinningPallet.Deal deal(JsonNode v) {
        return new PinningPallet.Deal(hex(v.get("deal_id")), hex(v.get("creator")), hexList(v.get("shards")),
                hexList(v.get("merkle_roots")), v.get("created_at").asLong(), v.get("expires_at").asLong(),
                big(v.get("total_reward")), PinningPallet.DealState.valueOf(v.get("status").asText().toUpperCase()));
    }

    static PinningPallet.Audit audit(JsonNode v) {
        JsonNode c = v.get("challenge");
        return new PinningPallet.Audit(hex(v.get("audit_id")), hex(v.get("pinner")), hex(v.get("shard_hash")),
                c.get("byte_offset").asLong(), c.get("byte_length").asLong(), hex(c.get("nonce")),
                v.get("deadline").asLong(), PinningPallet.AuditState.valueOf(v.get("status").asText().toUpperCase()));
    }

    private static io.icn.chain.PalletMerkleTree.Proof proof(JsonNode v) {
        return new io.icn.chain.PalletMerkleTree.Proof(hex(v.get("leaf_data")), hexList(v.get("siblings")), v.get("leaf_index").asLong());
    }

    private static byte[] encodeEvent(JsonNode v) {
        String name = v.fieldNames().next();
        JsonNode f = v.get(name);
        ScaleWriter w = new ScaleWriter();
        switch (name) {
            case "DealCreated":
                return w.variant(0).raw(hex(f.get("deal_id"))).raw(hex(f.get("creator"))).u32(f.get("shard_count").asLong())
                        .u128(big(f.get("total_reward"))).toByteArray();
            case "AuditStarted":
                return w.variant(3).raw(hex(f.get("audit_id"))).raw(hex(f.get("pinner"))).raw(hex(f.get("shard_hash"))).toByteArray();
            case "AuditCompleted":
                return w.variant(4).raw(hex(f.get("audit_id"))).bool(f.get("passed").asBoolean()).toByteArray();
            default:
                return w.variant(6).raw(hex(f.get("deal_id"))).toByteArray();
        }
    }

    @Test
    void scaleEncodingsMatchPolkadotJs() {
        int checked = 0;
        for (JsonNode c : vectors.get("cases")) {
            String type = c.get("type").asText();
            BiConsumer<ScaleWriter, JsonNode> enc = ENCODERS.get(type);
            assertThat(enc).as("encoder for " + type).isNotNull();
            ScaleWriter w = new ScaleWriter();
            enc.accept(w, c.get("value"));
            assertThat(HEX.formatHex(w.toByteArray())).as(type + " " + c.get("value")).isEqualTo(c.get("hex").asText().substring(2));
            checked++;
        }
        assertThat(checked).isGreaterThan(50);
    }

    @Test
    void palletValuesDecodeFromPolkadotJsBytes() {
        int deals = 0;
        int audits = 0;
        int events = 0;
        for (JsonNode c : vectors.get("cases")) {
            byte[] bytes = hex(c.get("hex"));
            switch (c.get("type").asText()) {
                case "PinningDeal":
                    assertThat(PinningPallet.decodeDeal(bytes)).usingRecursiveComparison().isEqualTo(deal(c.get("value")));
                    deals++;
                    break;
                case "PinningAudit":
                    assertThat(PinningPallet.decodeAudit(bytes)).usingRecursiveComparison().isEqualTo(audit(c.get("value")));
                    audits++;
                    break;
                case "IcnEvent": {
                    ScaleReader in = new ScaleReader(bytes);
                    Optional<PinningPallet.Event> e = PinningPallet.decodeEvent(in.u8(), in);
                    in.expectEnd("event");
                    assertThat(e).isPresent();
                    assertThat(e.get().getClass().getSimpleName()).isEqualTo(c.get("value").fieldNames().next());
                    events++;
                    break;
                }
                case "Compact<u128>":
                    assertThat(ScaleReader.decodeAll(bytes, ScaleReader::compactU128, "compact")).isEqualTo(big(c.get("value")));
                    break;
                default:
                    break;
            }
        }
        assertThat(deals).isEqualTo(3);
        assertThat(audits).isEqualTo(3);
        assertThat(events).isEqualTo(4);
    }

    @Test
    void hashesStorageKeysSs58AndSignaturesMatch() {
        for (JsonNode h : vectors.get("hashes")) {
            byte[] in = hex(h.get("input"));
            Map<String, Function<byte[], byte[]>> fns = Map.of("twox64", Hashing::twox64, "twox128", Hashing::twox128,
                    "twox256", Hashing::twox256, "blake2_128", Hashing::blake2b128, "blake2_256", Hashing::blake2b256);
            fns.forEach((name, fn) -> assertThat(HEX.formatHex(fn.apply(in))).as(name + " of " + h.get("input"))
                    .isEqualTo(h.get(name).asText().substring(2)));
        }
        for (JsonNode k : vectors.get("keys")) {
            StorageHasher hasher = switch (k.get("hasher").asText()) {
                case "Blake2_128Concat" -> StorageHasher.BLAKE2_128_CONCAT;
                case "Twox64Concat" -> StorageHasher.TWOX_64_CONCAT;
                default -> StorageHasher.IDENTITY;
            };
            byte[] key = StorageKeys.mapKey(k.get("pallet").asText(), k.get("item").asText(), hasher, hex(k.get("key")));
            assertThat(HEX.formatHex(key)).as(k.toString()).isEqualTo(k.get("storageKey").asText().substring(2));
            assertThat(StorageKeys.keySuffix(key, hasher)).isEqualTo(hex(k.get("key")));
            if (k.get("pallet").asText().equals("IcnPinning")) {
                PinningPallet pallet = new PinningPallet("IcnPinning");
                byte[] id = hex(k.get("key"));
                byte[] viaPallet = switch (k.get("item").asText()) {
                    case "PinningDeals" -> pallet.dealKey(id);
                    case "PendingAudits" -> pallet.pendingAuditKey(id);
                    case "ShardAssignments" -> pallet.shardAssignmentsKey(id);
                    default -> pallet.merkleRootKey(id);
                };
                assertThat(viaPallet).isEqualTo(key);
                assertThat(PinningPallet.mapKeyOf(key)).isEqualTo(id);
            }
        }
        for (JsonNode a : vectors.get("ss58")) {
            assertThat(Ss58.encode(hex(a.get("account")), a.get("prefix").asInt())).isEqualTo(a.get("address").asText());
        }
        JsonNode ed = vectors.get("ed25519");
        ChainKey key = ChainKey.fromSeed(hex(ed.get("seed")));
        assertThat(key.publicKey()).isEqualTo(hex(ed.get("publicKey")));
        assertThat(key.sign(hex(ed.get("message")))).isEqualTo(hex(ed.get("signature")));
        assertThat(key.toString()).doesNotContain(ed.get("seed").asText().substring(2));
    }

    @Test
    void metadataV14AndV15DecodeToWhatPolkadotJsSees() {
        assertThat(vectors.get("metadata")).hasSize(3);
        for (JsonNode m : vectors.get("metadata")) {
            RuntimeMetadata md = RuntimeMetadata.decode(hex(m.get("hex")));
            assertThat(md.version()).as(m.get("file").asText()).isEqualTo(m.get("version").asInt());
            assertThat(md.pallets()).hasSize(m.get("pallets").size());
            for (JsonNode p : m.get("pallets")) {
                RuntimeMetadata.Pallet pallet = md.pallet(p.get("name").asText());
                assertThat(pallet.index()).isEqualTo(p.get("index").asInt());
                for (JsonNode s : p.get("storage")) {
                    RuntimeMetadata.StorageEntry e = md.storage(pallet.name(), s.get("name").asText());
                    List<String> hashers = new ArrayList<>();
                    e.hashers().forEach(h -> hashers.add(h.name()));
                    List<String> expected = new ArrayList<>();
                    s.get("hashers").forEach(h -> expected.add(h.asText().replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                            .replace("Blake2_128_Concat", "Blake2_128Concat").toUpperCase()
                            .replace("BLAKE2_128CONCAT", "BLAKE2_128_CONCAT").replace("TWOX64_CONCAT", "TWOX_64_CONCAT")
                            .replace("TWOX128", "TWOX_128").replace("TWOX256", "TWOX_256")));
                    assertThat(hashers).as(pallet.name() + "." + e.name()).isEqualTo(expected);
                }
                for (JsonNode c : p.get("calls")) {
                    RuntimeMetadata.CallIndex ci = md.callIndex(pallet.name(), c.get("name").asText());
                    assertThat(ci.palletIndex()).isEqualTo(pallet.index());
                    assertThat(ci.callIndex()).isEqualTo(c.get("index").asInt());
                }
                for (JsonNode ev : p.get("events")) {
                    assertThat(md.event(pallet.name(), ev.asText()).name()).isEqualTo(ev.asText());
                }
            }
            List<String> ext = new ArrayList<>();
            md.extrinsic().signedExtensions().forEach(e -> ext.add(e.identifier()));
            List<String> expectedExt = new ArrayList<>();
            m.get("signedExtensions").forEach(e -> expectedExt.add(e.asText()));
            assertThat(ext).isEqualTo(expectedExt);
        }
    }

    @Test
    void truncatedOrCorruptMetadataFailsWithADecodeError() {
        byte[] full = hex(vectors.get("metadata").get(0).get("hex"));
        long seed = System.nanoTime();
        System.out.println("truncatedOrCorruptMetadataFailsWithADecodeError seed=" + seed);
        java.util.Random rnd = new java.util.Random(seed);
        for (int i = 0; i < 40; i++) {
            int cut = rnd.nextInt(full.length);
            byte[] prefix = java.util.Arrays.copyOf(full, cut);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuntimeMetadata.decode(prefix))
                    .as("cut at " + cut).isInstanceOf(io.icn.chain.ChainException.class);
        }
        for (int i = 0; i < 40; i++) {
            byte[] corrupt = full.clone();
            int at = 5 + rnd.nextInt(full.length - 5);
            corrupt[at] = (byte) rnd.nextInt(256);
            try {
                RuntimeMetadata.decode(corrupt);
            } catch (ScaleDecodeException | MetadataException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        byte[] wrongVersion = full.clone();
        wrongVersion[4] = 13;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuntimeMetadata.decode(wrongVersion))
                .isInstanceOf(MetadataException.class).hasMessageContaining("version 13");
    }

    @Test
    void callsSigningPayloadsAndSignedExtrinsicsAreByteIdentical() {
        ChainKey key = ChainKey.fromSeed(hex(vectors.get("ed25519").get("seed")));
        for (JsonNode m : vectors.get("metadata")) {
            String file = m.get("file").asText();
            RuntimeMetadata md = RuntimeMetadata.decode(hex(m.get("hex")));
            RuntimeCalls calls = new RuntimeCalls(md);
            byte[] remark = calls.remarkWithEvent(hex("69636e69636e69636e69636e"));
            assertThat(remark).as(file).isEqualTo(hex(m.get("remarkCall")));
            byte[] batch = calls.batchAll(List.of(calls.remarkWithEvent(new byte[] {1}), calls.remarkWithEvent(new byte[] {2, 2})));
            assertThat(batch).as(file).isEqualTo(hex(m.get("batchCall")));
            assertThat(Ss58.encode(key.publicKey(), 42)).isEqualTo(m.get("signer").asText());
            ExtrinsicBuilder builder = new ExtrinsicBuilder(md);
            for (JsonNode s : m.get("signed")) {
                Era era = s.get("era").isNull() ? Era.IMMORTAL
                        : Era.mortal(s.get("era").get("period").asLong(), s.get("era").get("current").asLong());
                ScaleWriter eraBytes = new ScaleWriter();
                era.encode(eraBytes);
                assertThat(eraBytes.toByteArray()).as(file + " era").isEqualTo(hex(s.get("eraHex")));
                assertThat(Era.decode(new ScaleReader(eraBytes.toByteArray()))).isEqualTo(era);
                ExtrinsicBuilder.SigningContext ctx = new ExtrinsicBuilder.SigningContext(hex(s.get("genesisHash")),
                        s.get("specVersion").asLong(), s.get("transactionVersion").asLong(), s.get("nonce").asLong(), era,
                        hex(s.get("blockHash")), BigInteger.valueOf(s.get("tip").asLong()));
                byte[] call = hex(s.get("call"));
                assertThat(HEX.formatHex(builder.signingPayload(call, ctx))).as(file + " payload")
                        .isEqualTo(s.get("payload").asText().substring(2));
                byte[] xt = builder.signed(call, ctx, key);
                assertThat(HEX.formatHex(xt)).as(file + " extrinsic").isEqualTo(s.get("extrinsic").asText().substring(2));
                assertThat(ExtrinsicBuilder.hash(xt)).isEqualTo(hex(s.get("hash")));
            }
        }
    }
}

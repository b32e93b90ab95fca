package io.icn.chain.substrate;

import io.icn.chain.PalletMerkleTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The storage, calls and events of {@code pallet-icn-pinning} (read from the original chain's source; see
 * docs/chain.md), under a configurable pallet name (default {@value #DEFAULT_NAME}): storage keys, SCALE
 * layouts of its values and events, and the {@code submit_audit_proof} call.
 *
 * <p>Storage, all {@code Blake2_128Concat}: {@code PinningDeals: [u8;32] -> PinningDeal},
 * {@code ShardAssignments: [u8;32] -> Vec<AccountId32>}, {@code PendingAudits: [u8;32] -> PinningAudit},
 * {@code ShardMerkleRoots: [u8;32] -> [u8;32]}. Block numbers are u32, balances u128.
 *
 * <p>Immutable; thread-safe.
 */
public final class PinningPallet {
    public static final String DEFAULT_NAME = "IcnPinning";
    /** The pallet's index in the original runtime, used when the runtime's metadata does not list the pallet. */
    public static final int DEFAULT_INDEX = 54;
    /** {@code submit_audit_proof}'s index in the pallet's call enum. */
    public static final int SUBMIT_AUDIT_PROOF_INDEX = 3;

    /** {@code DealStatus}. */
    public enum DealState { ACTIVE, EXPIRED, CANCELLED }

    /** {@code AuditStatus}. */
    public enum AuditState { PENDING, PASSED, FAILED }

    /** {@code PinningDeal} as stored. */
    public record Deal(byte[] dealId, byte[] creator, List<byte[]> shards, List<byte[]> merkleRoots, long createdAt,
            long expiresAt, BigInteger totalReward, DealState status) {
        public Deal {
            dealId = fixed(dealId, 32, "dealId");
            creator = fixed(creator, 32, "creator");
            shards = copyAll(shards, "shard");
            merkleRoots = copyAll(merkleRoots, "merkle root");
            u32(createdAt, "createdAt");
            u32(expiresAt, "expiresAt");
            Objects.requireNonNull(totalReward, "totalReward");
            Objects.requireNonNull(status, "status");
        }
    }

    /** {@code PinningAudit} as stored. */
    public record Audit(byte[] auditId, byte[] pinner, byte[] shardHash, long byteOffset, long byteLength, byte[] nonce,
            long deadline, AuditState status) {
        public Audit {
            auditId = fixed(auditId, 32, "auditId");
            pinner = fixed(pinner, 32, "pinner");
            shardHash = fixed(shardHash, 32, "shardHash");
            nonce = fixed(nonce, 16, "nonce");
            u32(byteOffset, "byteOffset");
            u32(byteLength, "byteLength");
            u32(deadline, "deadline");
            Objects.requireNonNull(status, "status");
        }
    }

    /** The pallet's events the node acts on. */
    public sealed interface Event permits DealCreated, AuditStarted, AuditCompleted, DealExpired {
    }

    public record DealCreated(byte[] dealId, byte[] creator, long shardCount, BigInteger totalReward) implements Event {
    }

    public record AuditStarted(byte[] auditId, byte[] pinner, byte[] shardHash) implements Event {
    }

    public record AuditCompleted(byte[] auditId, boolean passed) implements Event {
    }

    public record DealExpired(byte[] dealId) implements Event {
    }

    private final String name;

    public PinningPallet(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("pallet name must not be blank");
        }
        this.name = name;
    }

    public String name() {
        return name;
    }

    public byte[] prefix(String item) {
        return StorageKeys.prefix(name, item);
    }

    public byte[] dealKey(byte[] dealId) {
        return key("PinningDeals", dealId);
    }

    public byte[] pendingAuditKey(byte[] auditId) {
        return key("PendingAudits", auditId);
    }

    public byte[] shardAssignmentsKey(byte[] shardHash) {
        return key("ShardAssignments", shardHash);
    }

    public byte[] merkleRootKey(byte[] shardHash) {
        return key("ShardMerkleRoots", shardHash);
    }

    private byte[] key(String item, byte[] id32) {
        return StorageKeys.mapKey(name, item, StorageHasher.BLAKE2_128_CONCAT, fixed(id32, 32, item + " key"));
    }

    /** The 32-byte map key at the end of a full storage key of one of the pallet's maps. */
    public static byte[] mapKeyOf(byte[] storageKey) {
        byte[] k = StorageKeys.keySuffix(storageKey, StorageHasher.BLAKE2_128_CONCAT);
        if (k.length != 32) {
            throw new ScaleDecodeException("storage key ends in a " + k.length + "-byte key, not 32");
        }
        return k;
    }

    // ---- values

    public static Deal decodeDeal(byte[] value) {
        return ScaleReader.decodeAll(value, PinningPallet::readDeal, "PinningDeal");
    }

    static Deal readDeal(ScaleReader in) {
        byte[] id = in.raw(32);
        byte[] creator = in.raw(32);
        List<byte[]> shards = in.vec(r -> r.raw(32));
        List<byte[]> roots = in.vec(r -> r.raw(32));
        long created = in.u32();
        long expires = in.u32();
        BigInteger reward = in.u128();
        DealState status = DealState.values()[in.variant(3, "DealStatus")];
        return new Deal(id, creator, shards, roots, created, expires, reward, status);
    }

    public static byte[] encodeDeal(Deal d) {
        ScaleWriter w = new ScaleWriter(128 + 32 * (d.shards().size() + d.merkleRoots().size()));
        w.raw(d.dealId()).raw(d.creator()).vec(d.shards(), ScaleWriter::raw).vec(d.merkleRoots(), ScaleWriter::raw)
                .u32(d.createdAt()).u32(d.expiresAt()).u128(d.totalReward()).variant(d.status().ordinal());
        return w.toByteArray();
    }

    public static Audit decodeAudit(byte[] value) {
        return ScaleReader.decodeAll(value, in -> {
            byte[] id = in.raw(32);
            byte[] pinner = in.raw(32);
            byte[] shard = in.raw(32);
            long offset = in.u32();
            long length = in.u32();
            byte[] nonce = in.raw(16);
            long deadline = in.u32();
            AuditState status = AuditState.values()[in.variant(3, "AuditStatus")];
            return new Audit(id, pinner, shard, offset, length, nonce, deadline, status);
        }, "PinningAudit");
    }

    public static byte[] encodeAudit(Audit a) {
        return new ScaleWriter(160).raw(a.auditId()).raw(a.pinner()).raw(a.shardHash()).u32(a.byteOffset())
                .u32(a.byteLength()).raw(a.nonce()).u32(a.deadline()).variant(a.status().ordinal()).toByteArray();
    }

    /** {@code ShardAssignments} value: {@code BoundedVec<AccountId32>}. */
    public static List<byte[]> decodeAssignments(byte[] value) {
        return ScaleReader.decodeAll(value, in -> in.vec(r -> r.raw(32)), "ShardAssignments");
    }

    public static byte[] decodeMerkleRoot(byte[] value) {
        return ScaleReader.decodeAll(value, in -> in.raw(32), "ShardMerkleRoots");
    }

    // ---- calls

    /** The arguments of {@code submit_audit_proof(audit_id, proof)}. */
    public static byte[] encodeSubmitAuditProofArgs(byte[] auditId, PalletMerkleTree.Proof proof) {
        ScaleWriter w = new ScaleWriter(32 + 64 + 1 + 32 * proof.siblings().size() + 4);
        w.fixedBytes(auditId, 32).raw(proof.encode());
        return w.toByteArray();
    }

    /**
     * The full call {@code IcnPinning.submit_audit_proof}: the indices from the metadata when the runtime has the
     * pallet, else the original runtime's ({@link #DEFAULT_INDEX}, {@link #SUBMIT_AUDIT_PROOF_INDEX}).
     */
    public byte[] submitAuditProofCall(Optional<RuntimeMetadata> metadata, byte[] auditId, PalletMerkleTree.Proof proof) {
        byte[] args = encodeSubmitAuditProofArgs(auditId, proof);
        if (metadata.isPresent() && metadata.get().findPallet(name).isPresent()) {
            return new RuntimeCalls(metadata.get()).call(name, "submit_audit_proof", args);
        }
        return new ScaleWriter(args.length + 2).u8(DEFAULT_INDEX).u8(SUBMIT_AUDIT_PROOF_INDEX).raw(args).toByteArray();
    }

    // ---- events (fixed layout, variant order of the pallet's Event enum)

    /**
     * Decodes one of the pallet's events from its variant index and field bytes, in the original pallet's order
     * (0 DealCreated, 3 AuditStarted, 4 AuditCompleted, 6 DealExpired); other variants give empty.
     */
    public static Optional<Event> decodeEvent(int variant, ScaleReader in) {
        switch (variant) {
            case 0:
                return Optional.of(new DealCreated(in.raw(32), in.raw(32), in.u32(), in.u128()));
            case 3:
                return Optional.of(new AuditStarted(in.raw(32), in.raw(32), in.raw(32)));
            case 4:
                return Optional.of(new AuditCompleted(in.raw(32), in.bool()));
            case 6:
                return Optional.of(new DealExpired(in.raw(32)));
            default:
                return Optional.empty();
        }
    }

    /** An event decoded by the metadata ({@link DynamicDecoder}), by variant name. */
    public static Optional<Event> fromDecoded(DynamicDecoder.EnumValue event) {
        Object f = event.value();
        switch (event.name()) {
            case "DealCreated":
                return Optional.of(new DealCreated(bytes(f, "deal_id"), bytes(f, "creator"),
                        DynamicDecoder.integer(DynamicDecoder.field(f, "shard_count")).longValueExact(),
                        DynamicDecoder.integer(DynamicDecoder.field(f, "total_reward"))));
            case "AuditStarted":
                return Optional.of(new AuditStarted(bytes(f, "audit_id"), bytes(f, "pinner"), bytes(f, "shard_hash")));
            case "AuditCompleted":
                return Optional.of(new AuditCompleted(bytes(f, "audit_id"), (Boolean) DynamicDecoder.field(f, "passed")));
            case "DealExpired":
                return Optional.of(new DealExpired(bytes(f, "deal_id")));
            default:
                return Optional.empty();
        }
    }

    private static byte[] bytes(Object struct, String field) {
        Object v = DynamicDecoder.field(struct, field);
        if (v instanceof byte[] b) {
            return b;
        }
        throw new MetadataException("event field '" + field + "' is not bytes: " + v);
    }

    // ---- helpers

    static byte[] fixed(byte[] b, int n, String what) {
        Objects.requireNonNull(b, what);
        if (b.length != n) {
            throw new IllegalArgumentException(what + " must be " + n + " bytes, got " + b.length);
        }
        return b.clone();
    }

    private static List<byte[]> copyAll(List<byte[]> list, String what) {
        List<byte[]> out = new ArrayList<>(list.size());
        for (byte[] b : list) {
            out.add(fixed(b, 32, what));
        }
        return java.util.Collections.unmodifiableList(out);
    }

    private static void u32(long v, String what) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(what + " must be a u32: " + v);
        }
    }

    static boolean equal(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}

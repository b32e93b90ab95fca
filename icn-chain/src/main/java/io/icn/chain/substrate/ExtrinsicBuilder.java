package io.icn.chain.substrate;

import io.icn.chain.substrate.RuntimeMetadata.SignedExtension;
import io.icn.chain.substrate.TypeRegistry.Composite;
import io.icn.chain.substrate.TypeRegistry.PortableType;
import io.icn.chain.substrate.TypeRegistry.Variant;
import java.math.BigInteger;
import java.util.Objects;

/**
 * Builds signed extrinsics of format version 4 for the runtime its metadata describes:
 * {@code compact(len) ++ 0x84 ++ address ++ signature ++ extra ++ call}, where the address is the signer's
 * {@code MultiAddress::Id(AccountId32)} (or a bare {@code AccountId32}, as the runtime declares), the
 * signature {@code MultiSignature::Ed25519} over the signing payload {@code call ++ extra ++ additional}
 * (BLAKE2-256 of it when longer than 256 bytes), and {@code extra}/{@code additional} are what each signed
 * extension the metadata lists contributes, in its order:
 * <ul>
 * <li>{@code CheckNonZeroSender}, {@code CheckWeight}: nothing;</li>
 * <li>{@code CheckSpecVersion}, {@code CheckTxVersion}: the versions, signed only;</li>
 * <li>{@code CheckGenesis}: the genesis hash, signed only;</li>
 * <li>{@code CheckMortality} (or {@code CheckEra}): the era, and the birth block's hash signed;</li>
 * <li>{@code CheckNonce}: compact nonce;</li>
 * <li>{@code ChargeTransactionPayment}: compact tip; {@code ChargeAssetTxPayment}: compact tip and no asset;</li>
 * <li>{@code CheckMetadataHash}: mode {@code Disabled}, and no hash signed;</li>
 * <li>any other extension whose types are both empty: nothing; otherwise {@link MetadataException}.</li>
 * </ul>
 * Immutable; thread-safe.
 */
public final class ExtrinsicBuilder {

    /**
     * What a signature commits to besides the call.
     *
     * @param genesisHash the chain's genesis hash
     * @param specVersion the runtime's spec version
     * @param transactionVersion the runtime's transaction version
     * @param nonce the signer's next nonce
     * @param era the validity window ({@link Era#IMMORTAL} or mortal)
     * @param eraBlockHash the hash of the era's birth block (the genesis hash when immortal)
     * @param tip a tip to the block author, in the chain's smallest unit
     */
    public record SigningContext(byte[] genesisHash, long specVersion, long transactionVersion, long nonce, Era era,
            byte[] eraBlockHash, BigInteger tip) {
        public SigningContext {
            genesisHash = hash32(genesisHash, "genesisHash");
            eraBlockHash = hash32(eraBlockHash, "eraBlockHash");
            Objects.requireNonNull(era, "era");
            Objects.requireNonNull(tip, "tip");
            if (nonce < 0 || nonce > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("nonce must be a u32: " + nonce);
            }
            if (tip.signum() < 0 || tip.bitLength() > 128) {
                throw new IllegalArgumentException("tip must be a u128: " + tip);
            }
        }

        @Override
        public byte[] genesisHash() {
            return genesisHash.clone();
        }

        @Override
        public byte[] eraBlockHash() {
            return eraBlockHash.clone();
        }

        private static byte[] hash32(byte[] h, String what) {
            Objects.requireNonNull(h, what);
            if (h.length != 32) {
                throw new IllegalArgumentException(what + " must be 32 bytes, got " + h.length);
            }
            return h.clone();
        }
    }

    private final RuntimeMetadata metadata;
    private final int signatureVariant;
    private final int addressVariant;

    /** @throws MetadataException if the runtime does not take v4 extrinsics with Ed25519 multi-signatures */
    public ExtrinsicBuilder(RuntimeMetadata metadata) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        RuntimeMetadata.Extrinsic ext = metadata.extrinsic();
        if (ext.version() != 4) {
            throw new MetadataException("the runtime declares extrinsic version " + ext.version() + "; version 4 is supported");
        }
        int sigType = ext.signatureType().orElseThrow(() -> new MetadataException("the metadata names no signature type"));
        Variant ed = metadata.types().variants(sigType).byName("Ed25519").orElseThrow(
                () -> new MetadataException("the runtime's signature type has no Ed25519 variant"));
        if (ed.fields().size() != 1) {
            throw new MetadataException("the Ed25519 signature variant has " + ed.fields().size() + " fields");
        }
        signatureVariant = ed.index();
        int addressType = ext.addressType().orElseThrow(() -> new MetadataException("the metadata names no address type"));
        PortableType address = metadata.types().type(addressType);
        if (address.def() instanceof TypeRegistry.VariantType v) {
            addressVariant = v.byName("Id").orElseThrow(
                    () -> new MetadataException("the runtime's address type " + address.path() + " has no Id variant")).index();
        } else if (address.def() instanceof Composite && "AccountId32".equals(address.name())) {
            addressVariant = -1;
        } else {
            throw new MetadataException("unsupported address type " + address.path());
        }
        for (SignedExtension e : ext.signedExtensions()) {
            extra(e, new ScaleWriter(), sampleContext());
            additional(e, new ScaleWriter(), sampleContext());
        }
    }

    private static SigningContext sampleContext() {
        return new SigningContext(new byte[32], 0, 0, 0, Era.IMMORTAL, new byte[32], BigInteger.ZERO);
    }

    /** The bytes that are signed: {@code call ++ extra ++ additional}, hashed with BLAKE2-256 when over 256 bytes. */
    public byte[] signingPayload(byte[] call, SigningContext ctx) {
        ScaleWriter w = new ScaleWriter(call.length + 128);
        w.raw(call);
        for (SignedExtension e : metadata.extrinsic().signedExtensions()) {
            extra(e, w, ctx);
        }
        for (SignedExtension e : metadata.extrinsic().signedExtensions()) {
            additional(e, w, ctx);
        }
        byte[] payload = w.toByteArray();
        return payload.length > 256 ? Hashing.blake2b256(payload) : payload;
    }

    /** The complete signed extrinsic, length prefix included, as {@code author_submitExtrinsic} takes it. */
    public byte[] signed(byte[] call, SigningContext ctx, ChainKey key) {
        byte[] signature = key.sign(signingPayload(call, ctx));
        ScaleWriter body = new ScaleWriter(call.length + 160);
        body.u8(0x84);
        if (addressVariant >= 0) {
            body.variant(addressVariant);
        }
        body.raw(key.publicKey());
        body.variant(signatureVariant).raw(signature);
        for (SignedExtension e : metadata.extrinsic().signedExtensions()) {
            extra(e, body, ctx);
        }
        body.raw(call);
        return new ScaleWriter(body.size() + 5).bytes(body.toByteArray()).toByteArray();
    }

    /** The extrinsic's hash as the transaction pool names it: BLAKE2-256 of its bytes, prefix included. */
    public static byte[] hash(byte[] extrinsic) {
        return Hashing.blake2b256(extrinsic);
    }

    private void extra(SignedExtension e, ScaleWriter w, SigningContext ctx) {
        switch (e.identifier()) {
            case "CheckMortality":
            case "CheckEra":
                ctx.era().encode(w);
                return;
            case "CheckNonce":
                w.compact(ctx.nonce());
                return;
            case "ChargeTransactionPayment":
                w.compact(ctx.tip());
                return;
            case "ChargeAssetTxPayment":
                w.compact(ctx.tip()).u8(0); // asset_id: None (pay in the native token)
                return;
            case "CheckMetadataHash":
                w.u8(0); // Mode::Disabled
                return;
            default:
                requireEmpty(e, e.type(), "extra");
        }
    }

    private void additional(SignedExtension e, ScaleWriter w, SigningContext ctx) {
        switch (e.identifier()) {
            case "CheckSpecVersion":
                w.u32(ctx.specVersion());
                return;
            case "CheckTxVersion":
                w.u32(ctx.transactionVersion());
                return;
            case "CheckGenesis":
                w.raw(ctx.genesisHash());
                return;
            case "CheckMortality":
            case "CheckEra":
                w.raw(ctx.era().isImmortal() ? ctx.genesisHash() : ctx.eraBlockHash());
                return;
            case "CheckMetadataHash":
                w.u8(0); // Option<[u8; 32]>::None
                return;
            default:
                requireEmpty(e, e.additionalSigned(), "additional signed data");
        }
    }

    private void requireEmpty(SignedExtension e, int type, String what) {
        if (!metadata.types().isZeroSized(type)) {
            throw new MetadataException("signed extension " + e.identifier() + " needs " + what + " of type "
                    + metadata.types().type(type).path() + ", which this adapter cannot fill");
        }
    }
}

package io.icn.chain.substrate;

import io.icn.chain.substrate.TypeRegistry.Array;
import io.icn.chain.substrate.TypeRegistry.BitSequence;
import io.icn.chain.substrate.TypeRegistry.Compact;
import io.icn.chain.substrate.TypeRegistry.Composite;
import io.icn.chain.substrate.TypeRegistry.Field;
import io.icn.chain.substrate.TypeRegistry.PortableType;
import io.icn.chain.substrate.TypeRegistry.Primitive;
import io.icn.chain.substrate.TypeRegistry.PrimitiveKind;
import io.icn.chain.substrate.TypeRegistry.Sequence;
import io.icn.chain.substrate.TypeRegistry.Tuple;
import io.icn.chain.substrate.TypeRegistry.TypeDef;
import io.icn.chain.substrate.TypeRegistry.TypeParam;
import io.icn.chain.substrate.TypeRegistry.Variant;
import io.icn.chain.substrate.TypeRegistry.VariantType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A runtime's metadata, V14 or V15 ({@code RuntimeMetadataPrefixed}: the magic {@code "meta"}, a version
 * byte, then the body): the type registry, the pallets with their storage, calls, events and constants, and
 * the extrinsic format with its signed extensions. Lookups by name let the adapter follow a runtime upgrade
 * that renumbers pallets or calls. Immutable; thread-safe.
 */
public final class RuntimeMetadata {
    /** {@code "meta"} read as a little-endian u32. */
    static final long MAGIC = 0x6174656dL;

    /** A storage entry: plain value ({@code hashers} empty, no key type) or a map. */
    public record StorageEntry(String name, boolean optional, List<StorageHasher> hashers, Optional<Integer> keyType,
            int valueType, byte[] defaultValue) {
        public StorageEntry {
            hashers = List.copyOf(hashers);
            defaultValue = defaultValue.clone();
        }

        @Override
        public byte[] defaultValue() {
            return defaultValue.clone();
        }
    }

    /** A pallet constant: its type and SCALE-encoded value. */
    public record Constant(String name, int type, byte[] value) {
        public Constant {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    /** A pallet: its index in the runtime, storage prefix and entries, and the enum types of its calls, events, errors. */
    public record Pallet(String name, int index, Optional<String> storagePrefix, List<StorageEntry> storage,
            Optional<Integer> callType, Optional<Integer> eventType, List<Constant> constants,
            Optional<Integer> errorType) {
        public Pallet {
            storage = List.copyOf(storage);
            constants = List.copyOf(constants);
        }

        public Optional<StorageEntry> storageEntry(String item) {
            return storage.stream().filter(e -> e.name().equals(item)).findFirst();
        }
    }

    /** A signed extension: the type of what it adds to the extrinsic and of what it adds only to the signed payload. */
    public record SignedExtension(String identifier, int type, int additionalSigned) {
    }

    /**
     * The extrinsic format. V15 names the address, call, signature and extra types directly; for V14 they are
     * the type parameters of the {@code UncheckedExtrinsic} type.
     */
    public record Extrinsic(int version, Optional<Integer> addressType, Optional<Integer> callType,
            Optional<Integer> signatureType, List<SignedExtension> signedExtensions) {
        public Extrinsic {
            signedExtensions = List.copyOf(signedExtensions);
        }
    }

    private final int version;
    private final TypeRegistry types;
    private final List<Pallet> pallets;
    private final Extrinsic extrinsic;

    private RuntimeMetadata(int version, TypeRegistry types, List<Pallet> pallets, Extrinsic extrinsic) {
        this.version = version;
        this.types = types;
        this.pallets = List.copyOf(pallets);
        this.extrinsic = extrinsic;
    }

    public int version() {
        return version;
    }

    public TypeRegistry types() {
        return types;
    }

    public List<Pallet> pallets() {
        return pallets;
    }

    public Extrinsic extrinsic() {
        return extrinsic;
    }

    public Optional<Pallet> findPallet(String name) {
        return pallets.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** @throws MetadataException if the runtime has no pallet of this name */
    public Pallet pallet(String name) {
        return findPallet(name).orElseThrow(() -> new MetadataException("the runtime has no pallet '" + name + "'"));
    }

    /** @throws MetadataException if the pallet or item is missing */
    public StorageEntry storage(String pallet, String item) {
        return pallet(pallet).storageEntry(item).orElseThrow(
                () -> new MetadataException("pallet '" + pallet + "' has no storage item '" + item + "'"));
    }

    /**
     * The two bytes that open a call's encoding: the pallet index and the call's variant index.
     *
     * @throws MetadataException if the pallet has no calls or no call of this name
     */
    public CallIndex callIndex(String pallet, String call) {
        Pallet p = pallet(pallet);
        int callType = p.callType().orElseThrow(() -> new MetadataException("pallet '" + pallet + "' has no calls"));
        Variant v = types.variants(callType).byName(call).orElseThrow(
                () -> new MetadataException("pallet '" + pallet + "' has no call '" + call + "'"));
        return new CallIndex(p.index(), v.index(), v);
    }

    /** A call's position in the runtime and its declared fields. */
    public record CallIndex(int palletIndex, int callIndex, Variant variant) {
    }

    /** The variant of a pallet's event enum with this name. */
    public Variant event(String pallet, String event) {
        Pallet p = pallet(pallet);
        int eventType = p.eventType().orElseThrow(() -> new MetadataException("pallet '" + pallet + "' has no events"));
        return types.variants(eventType).byName(event).orElseThrow(
                () -> new MetadataException("pallet '" + pallet + "' has no event '" + event + "'"));
    }

    /** The value of a constant, decoded as a non-negative integer (block numbers, counts, deposits). */
    public Optional<Constant> constant(String pallet, String name) {
        return findPallet(pallet).flatMap(p -> p.constants().stream().filter(c -> c.name().equals(name)).findFirst());
    }

    /**
     * Decodes metadata as {@code state_getMetadata} returns it ({@code RuntimeMetadataPrefixed}), or as the
     * runtime API {@code Metadata_metadata_at_version} does ({@code Option<OpaqueMetadata>}: an option byte and a
     * length prefix before the magic).
     *
     * @throws MetadataException for a version other than 14 or 15
     * @throws ScaleDecodeException if the bytes are not well-formed metadata
     */
    public static RuntimeMetadata decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        ScaleReader in = new ScaleReader(bytes);
        if (bytes.length >= 5 && !startsWithMagic(bytes, 0) && bytes[0] == 1) {
            in.u8();
            int len = in.compactInt("opaque metadata length");
            if (len != in.remaining()) {
                throw new ScaleDecodeException("opaque metadata declares " + len + " bytes, " + in.remaining() + " present");
            }
        }
        long magic = in.u32();
        if (magic != MAGIC) {
            throw new ScaleDecodeException("metadata does not start with 'meta': 0x" + Long.toHexString(magic));
        }
        int version = in.u8();
        if (version != 14 && version != 15) {
            throw new MetadataException("metadata version " + version + " is not supported (14 and 15 are)");
        }
        TypeRegistry types = readRegistry(in);
        List<Pallet> pallets = in.vec(r -> readPallet(r, version));
        Extrinsic extrinsic = version == 14 ? readExtrinsicV14(in, types) : readExtrinsicV15(in);
        in.compact(); // the runtime type (V14 and V15)
        if (version == 15) {
            skipV15Tail(in);
        }
        in.expectEnd("metadata V" + version);
        return new RuntimeMetadata(version, types, pallets, extrinsic);
    }

    private static boolean startsWithMagic(byte[] b, int at) {
        return b[at] == 'm' && b[at + 1] == 'e' && b[at + 2] == 't' && b[at + 3] == 'a';
    }

    private static TypeRegistry readRegistry(ScaleReader in) {
        Map<Integer, PortableType> map = new HashMap<>();
        for (PortableType t : in.vec(RuntimeMetadata::readType)) {
            if (map.put(t.id(), t) != null) {
                throw new ScaleDecodeException("type id " + t.id() + " appears twice in the registry");
            }
        }
        return new TypeRegistry(map);
    }

    private static PortableType readType(ScaleReader in) {
        int id = in.compactInt("type id");
        List<String> path = in.vec(ScaleReader::string);
        List<TypeParam> params = in.vec(r -> new TypeParam(r.string(), r.option(x -> x.compactInt("type id"))));
        TypeDef def = readTypeDef(in);
        in.vec(ScaleReader::string); // docs
        return new PortableType(id, path, params, def);
    }

    private static TypeDef readTypeDef(ScaleReader in) {
        int tag = in.variant(8, "TypeDef");
        switch (tag) {
            case 0:
                return new Composite(in.vec(RuntimeMetadata::readField));
            case 1:
                return new VariantType(in.vec(r -> {
                    String name = r.string();
                    List<Field> fields = r.vec(RuntimeMetadata::readField);
                    int index = r.u8();
                    r.vec(ScaleReader::string);
                    return new Variant(name, index, fields);
                }));
            case 2:
                return new Sequence(in.compactInt("type id"));
            case 3: {
                long len = in.u32();
                return new Array(len, in.compactInt("type id"));
            }
            case 4:
                return new Tuple(in.vec(r -> r.compactInt("type id")));
            case 5:
                return new Primitive(PrimitiveKind.values()[in.variant(PrimitiveKind.values().length, "TypeDefPrimitive")]);
            case 6:
                return new Compact(in.compactInt("type id"));
            default:
                return new BitSequence(in.compactInt("type id"), in.compactInt("type id"));
        }
    }

    private static Field readField(ScaleReader in) {
        Optional<String> name = in.option(ScaleReader::string);
        int type = in.compactInt("type id");
        Optional<String> typeName = in.option(ScaleReader::string);
        in.vec(ScaleReader::string);
        return new Field(name, type, typeName);
    }

    private static Pallet readPallet(ScaleReader in, int version) {
        String name = in.string();
        Optional<String> prefix = Optional.empty();
        List<StorageEntry> storage = List.of();
        if (in.bool()) {
            prefix = Optional.of(in.string());
            storage = in.vec(RuntimeMetadata::readStorageEntry);
        }
        Optional<Integer> calls = in.option(r -> r.compactInt("type id"));
        Optional<Integer> events = in.option(r -> r.compactInt("type id"));
        List<Constant> constants = in.vec(r -> {
            String cname = r.string();
            int type = r.compactInt("type id");
            byte[] value = r.bytes();
            r.vec(ScaleReader::string);
            return new Constant(cname, type, value);
        });
        Optional<Integer> errors = in.option(r -> r.compactInt("type id"));
        int index = in.u8();
        if (version >= 15) {
            in.vec(ScaleReader::string); // pallet docs
        }
        return new Pallet(name, index, prefix, storage, calls, events, constants, errors);
    }

    private static StorageEntry readStorageEntry(ScaleReader in) {
        String name = in.string();
        boolean optional = in.variant(2, "StorageEntryModifier") == 0;
        List<StorageHasher> hashers;
        Optional<Integer> key;
        int value;
        if (in.variant(2, "StorageEntryType") == 0) {
            hashers = List.of();
            key = Optional.empty();
            value = in.compactInt("type id");
        } else {
            hashers = in.vec(r -> StorageHasher.ofIndex(r.variant(StorageHasher.values().length, "StorageHasher")));
            key = Optional.of(in.compactInt("type id"));
            value = in.compactInt("type id");
        }
        byte[] def = in.bytes();
        in.vec(ScaleReader::string);
        return new StorageEntry(name, optional, hashers, key, value, def);
    }

    private static Extrinsic readExtrinsicV14(ScaleReader in, TypeRegistry types) {
        int type = in.compactInt("type id");
        int version = in.u8();
        List<SignedExtension> ext = in.vec(RuntimeMetadata::readSignedExtension);
        PortableType unchecked = types.type(type);
        return new Extrinsic(version, param(unchecked, "Address"), param(unchecked, "Call"),
                param(unchecked, "Signature"), ext);
    }

    private static Optional<Integer> param(PortableType t, String name) {
        return t.params().stream().filter(p -> p.name().equals(name)).findFirst().flatMap(TypeParam::type);
    }

    private static Extrinsic readExtrinsicV15(ScaleReader in) {
        int version = in.u8();
        int address = in.compactInt("type id");
        int call = in.compactInt("type id");
        int signature = in.compactInt("type id");
        in.compactInt("type id"); // extra
        List<SignedExtension> ext = in.vec(RuntimeMetadata::readSignedExtension);
        return new Extrinsic(version, Optional.of(address), Optional.of(call), Optional.of(signature), ext);
    }

    private static SignedExtension readSignedExtension(ScaleReader in) {
        return new SignedExtension(in.string(), in.compactInt("type id"), in.compactInt("type id"));
    }

    /** V15 after the runtime type: runtime APIs, outer enums, custom values; read to check the layout, then dropped. */
    private static void skipV15Tail(ScaleReader in) {
        in.vec(api -> {
            api.string();
            api.vec(m -> {
                m.string();
                m.vec(i -> {
                    i.string();
                    return i.compactInt("type id");
                });
                m.compactInt("type id");
                m.vec(ScaleReader::string);
                return 0;
            });
            api.vec(ScaleReader::string);
            return 0;
        });
        in.compactInt("type id");
        in.compactInt("type id");
        in.compactInt("type id");
        in.vec(c -> {
            c.string();
            c.compactInt("type id");
            c.bytes();
            return 0;
        });
    }
}

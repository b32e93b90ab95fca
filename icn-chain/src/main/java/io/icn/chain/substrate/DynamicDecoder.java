package io.icn.chain.substrate;

import io.icn.chain.substrate.TypeRegistry.Array;
import io.icn.chain.substrate.TypeRegistry.BitSequence;
import io.icn.chain.substrate.TypeRegistry.Compact;
import io.icn.chain.substrate.TypeRegistry.Composite;
import io.icn.chain.substrate.TypeRegistry.Field;
import io.icn.chain.substrate.TypeRegistry.Primitive;
import io.icn.chain.substrate.TypeRegistry.PrimitiveKind;
import io.icn.chain.substrate.TypeRegistry.Sequence;
import io.icn.chain.substrate.TypeRegistry.Tuple;
import io.icn.chain.substrate.TypeRegistry.TypeDef;
import io.icn.chain.substrate.TypeRegistry.Variant;
import io.icn.chain.substrate.TypeRegistry.VariantType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decodes any value whose type the metadata describes into plain Java values, so the adapter can read
 * storage and events it has no hand-written decoder for (and keeps reading them after a runtime upgrade
 * that changes their layout):
 * <ul>
 * <li>struct with named fields: {@code Map<String, Object>} in declaration order; tuple struct or tuple:
 * {@code List<Object>}; a struct with one unnamed field: that field's value;</li>
 * <li>enum: {@link EnumValue};</li>
 * <li>{@code Vec<u8>} and {@code [u8; n]}: {@code byte[]}; other sequences and arrays: {@code List<Object>};</li>
 * <li>unsigned integers up to u64 and signed up to i64: {@code Long} (a u64 above {@code Long.MAX_VALUE}:
 * {@code BigInteger}); wider ones and compacts above 63 bits: {@code BigInteger}; {@code bool}: {@code Boolean};
 * {@code str}: {@code String}; {@code char}: {@code Integer} code point; bit sequences: {@code boolean[]}.</li>
 * </ul>
 * Immutable; thread-safe. Recursion is bounded by {@link #MAX_DEPTH}.
 */
public final class DynamicDecoder {
    /** The deepest nesting of types decoded before the input is refused. */
    public static final int MAX_DEPTH = 128;

    /** A decoded enum value: variant name and index, and its fields as decoded for a struct. */
    public record EnumValue(String name, int index, Object value) {
    }

    private final TypeRegistry types;

    public DynamicDecoder(TypeRegistry types) {
        this.types = Objects.requireNonNull(types, "types");
    }

    public Object decode(int typeId, ScaleReader in) {
        return decode(typeId, in, 0);
    }

    /** Decodes a whole byte array as one value of this type. */
    public Object decodeAll(int typeId, byte[] bytes) {
        ScaleReader in = new ScaleReader(bytes);
        Object v = decode(typeId, in, 0);
        in.expectEnd("value of type " + typeId);
        return v;
    }

    private Object decode(int typeId, ScaleReader in, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ScaleDecodeException("types nested deeper than " + MAX_DEPTH + " at offset " + in.position());
        }
        TypeDef def = types.type(typeId).def();
        if (def instanceof Composite c) {
            return fields(c.fields(), in, depth);
        }
        if (def instanceof VariantType v) {
            int at = in.position();
            int index = in.u8();
            Variant variant = v.byIndex(index).orElseThrow(() -> new ScaleDecodeException("unknown variant " + index
                    + " of " + types.type(typeId).path() + " at offset " + at));
            return new EnumValue(variant.name(), index, fields(variant.fields(), in, depth));
        }
        if (def instanceof Sequence s) {
            if (isU8(s.element())) {
                return in.bytes();
            }
            return in.vec(r -> decode(s.element(), r, depth + 1));
        }
        if (def instanceof Array a) {
            if (a.length() > Integer.MAX_VALUE) {
                throw new ScaleDecodeException("array of " + a.length() + " elements");
            }
            if (isU8(a.element())) {
                return in.raw((int) a.length());
            }
            return in.array((int) a.length(), r -> decode(a.element(), r, depth + 1));
        }
        if (def instanceof Tuple t) {
            List<Object> out = new ArrayList<>(t.elements().size());
            for (int e : t.elements()) {
                out.add(decode(e, in, depth + 1));
            }
            return out;
        }
        if (def instanceof Primitive p) {
            return primitive(p.kind(), in);
        }
        if (def instanceof Compact c) {
            BigInteger v = in.compactBig();
            return v.bitLength() < 64 ? (Object) v.longValue() : v;
        }
        BitSequence b = (BitSequence) def;
        return bits(b, in);
    }

    private Object fields(List<Field> fields, ScaleReader in, int depth) {
        if (fields.isEmpty()) {
            return List.of();
        }
        if (fields.get(0).name().isPresent()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Field f : fields) {
                out.put(f.name().orElse(""), decode(f.type(), in, depth + 1));
            }
            return out;
        }
        if (fields.size() == 1) {
            return decode(fields.get(0).type(), in, depth + 1);
        }
        List<Object> out = new ArrayList<>(fields.size());
        for (Field f : fields) {
            out.add(decode(f.type(), in, depth + 1));
        }
        return out;
    }

    private boolean isU8(int typeId) {
        return types.type(typeId).def() instanceof Primitive p && p.kind() == PrimitiveKind.U8;
    }

    private static Object primitive(PrimitiveKind kind, ScaleReader in) {
        switch (kind) {
            case BOOL:
                return in.bool();
            case CHAR:
                return (int) in.u32();
            case STR:
                return in.string();
            case U8:
                return (long) in.u8();
            case U16:
                return (long) in.u16();
            case U32:
                return in.u32();
            case U64: {
                long v = in.u64();
                return v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v));
            }
            case U128:
                return in.u128();
            case U256:
                return in.u256();
            case I8:
                return (long) in.i8();
            case I16:
                return (long) in.i16();
            case I32:
                return (long) in.i32();
            case I64:
                return in.i64();
            case I128:
                return in.signedBig(16);
            case I256:
                return in.signedBig(32);
            default:
                throw new AssertionError(kind);
        }
    }

    private boolean[] bits(BitSequence b, ScaleReader in) {
        if (!(types.type(b.storeType()).def() instanceof Primitive p) || p.kind().size() < 1 || p.kind() == PrimitiveKind.BOOL) {
            throw new MetadataException("bit sequence store type " + b.storeType() + " is not an unsigned integer");
        }
        String order = types.type(b.orderType()).name();
        int storeBytes = p.kind().size();
        int nbits = in.compactInt("bit sequence length");
        long words = (nbits + storeBytes * 8L - 1) / (storeBytes * 8L);
        byte[] raw = in.raw((int) (words * storeBytes));
        boolean[] out = new boolean[nbits];
        for (int i = 0; i < nbits; i++) {
            int word = i / (storeBytes * 8);
            int bit = i % (storeBytes * 8);
            // Lsb0 counts from the least significant bit of each (little-endian) store word; Msb0 from the most.
            int bitInWord = "Msb0".equals(order) ? storeBytes * 8 - 1 - bit : bit;
            int byteIndex = word * storeBytes + bitInWord / 8;
            out[i] = (raw[byteIndex] & (1 << (bitInWord % 8))) != 0;
        }
        return out;
    }

    /** The field {@code name} of a decoded struct. @throws MetadataException if the value has no such field */
    public static Object field(Object struct, String name) {
        if (struct instanceof Map<?, ?> m && m.containsKey(name)) {
            return m.get(name);
        }
        throw new MetadataException("decoded value has no field '" + name + "': " + describe(struct));
    }

    /** A decoded integer as a {@code BigInteger}. */
    public static BigInteger integer(Object value) {
        if (value instanceof Long l) {
            return BigInteger.valueOf(l);
        }
        if (value instanceof BigInteger b) {
            return b;
        }
        throw new MetadataException("decoded value is not an integer: " + describe(value));
    }

    private static String describe(Object v) {
        String s = String.valueOf(v);
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}

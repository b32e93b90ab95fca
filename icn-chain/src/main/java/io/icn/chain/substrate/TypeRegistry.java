package io.icn.chain.substrate;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The runtime's portable type registry (scale-info) from its metadata: every type the runtime exposes, by
 * id. Immutable; thread-safe.
 */
public final class TypeRegistry {

    /** A type and its definition. {@code path} is the Rust path, e.g. {@code [sp_core, crypto, AccountId32]}. */
    public record PortableType(int id, List<String> path, List<TypeParam> params, TypeDef def) {
        public PortableType {
            path = List.copyOf(path);
            params = List.copyOf(params);
            Objects.requireNonNull(def, "def");
        }

        /** The last path segment, or empty for unnamed types (tuples, sequences, primitives). */
        public String name() {
            return path.isEmpty() ? "" : path.get(path.size() - 1);
        }
    }

    /** A generic parameter: its name and, when bound, the type it was bound to. */
    public record TypeParam(String name, Optional<Integer> type) {
    }

    /** A field of a struct or enum variant. {@code name} is empty for tuple-like fields. */
    public record Field(Optional<String> name, int type, Optional<String> typeName) {
    }

    /** An enum variant. */
    public record Variant(String name, int index, List<Field> fields) {
        public Variant {
            fields = List.copyOf(fields);
        }
    }

    /** The shapes a type can have. */
    public sealed interface TypeDef permits Composite, VariantType, Sequence, Array, Tuple, Primitive, Compact,
            BitSequence {
    }

    public record Composite(List<Field> fields) implements TypeDef {
        public Composite {
            fields = List.copyOf(fields);
        }
    }

    public record VariantType(List<Variant> variants) implements TypeDef {
        public VariantType {
            variants = List.copyOf(variants);
        }

        public Optional<Variant> byName(String name) {
            return variants.stream().filter(v -> v.name().equals(name)).findFirst();
        }

        public Optional<Variant> byIndex(int index) {
            return variants.stream().filter(v -> v.index() == index).findFirst();
        }
    }

    public record Sequence(int element) implements TypeDef {
    }

    public record Array(long length, int element) implements TypeDef {
    }

    public record Tuple(List<Integer> elements) implements TypeDef {
        public Tuple {
            elements = List.copyOf(elements);
        }
    }

    public record Primitive(PrimitiveKind kind) implements TypeDef {
    }

    public record Compact(int type) implements TypeDef {
    }

    public record BitSequence(int storeType, int orderType) implements TypeDef {
    }

    /** Primitive types in their metadata order. */
    public enum PrimitiveKind {
        BOOL(1), CHAR(4), STR(-1), U8(1), U16(2), U32(4), U64(8), U128(16), U256(32), I8(1), I16(2), I32(4), I64(8),
        I128(16), I256(32);

        private final int size;

        PrimitiveKind(int size) {
            this.size = size;
        }

        /** Encoded size in bytes, or -1 for the length-prefixed {@link #STR}. */
        public int size() {
            return size;
        }
    }

    private final Map<Integer, PortableType> types;

    TypeRegistry(Map<Integer, PortableType> types) {
        this.types = Map.copyOf(types);
    }

    public int size() {
        return types.size();
    }

    /** @throws MetadataException if the registry has no type with this id */
    public PortableType type(int id) {
        PortableType t = types.get(id);
        if (t == null) {
            throw new MetadataException("type id " + id + " is not in the registry (" + types.size() + " types)");
        }
        return t;
    }

    /** The variants of an enum type. @throws MetadataException if the type is not an enum */
    public VariantType variants(int id) {
        TypeDef def = type(id).def();
        if (def instanceof VariantType v) {
            return v;
        }
        throw new MetadataException("type " + id + " " + type(id).path() + " is not an enum: " + def);
    }

    /** The first type whose path ends with these segments, e.g. {@code ("sp_runtime", "MultiSignature")}. */
    public Optional<PortableType> byPath(String... suffix) {
        return types.values().stream().filter(t -> endsWith(t.path(), suffix)).sorted(
                java.util.Comparator.comparingInt(PortableType::id)).findFirst();
    }

    private static boolean endsWith(List<String> path, String[] suffix) {
        if (path.size() < suffix.length) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (!path.get(path.size() - suffix.length + i).equals(suffix[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a value of this type always encodes to no bytes (the unit tuple, a struct of such fields, an
     * empty array).
     */
    public boolean isZeroSized(int id) {
        return isZeroSized(id, 0);
    }

    private boolean isZeroSized(int id, int depth) {
        if (depth > 64) {
            return false;
        }
        TypeDef def = type(id).def();
        if (def instanceof Composite c) {
            return c.fields().stream().allMatch(f -> isZeroSized(f.type(), depth + 1));
        }
        if (def instanceof Tuple t) {
            return t.elements().stream().allMatch(e -> isZeroSized(e, depth + 1));
        }
        if (def instanceof Array a) {
            return a.length() == 0 || isZeroSized(a.element(), depth + 1);
        }
        return false;
    }
}

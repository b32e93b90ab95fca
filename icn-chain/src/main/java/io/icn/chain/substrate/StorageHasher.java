package io.icn.chain.substrate;

/**
 * How a storage map hashes its key into the storage key, in the order the metadata numbers them. The
 * {@code *Concat} hashers and {@link #IDENTITY} keep the key itself after the hash, so keys listed by
 * prefix can be decoded back. Immutable.
 */
public enum StorageHasher {
    BLAKE2_128(16, false),
    BLAKE2_256(32, false),
    BLAKE2_128_CONCAT(16, true),
    TWOX_128(16, false),
    TWOX_256(32, false),
    TWOX_64_CONCAT(8, true),
    IDENTITY(0, true);

    private final int hashLength;
    private final boolean keepsKey;

    StorageHasher(int hashLength, boolean keepsKey) {
        this.hashLength = hashLength;
        this.keepsKey = keepsKey;
    }

    /** Bytes of hash before the key (0 for {@link #IDENTITY}). */
    public int hashLength() {
        return hashLength;
    }

    /** Whether the encoded key follows its hash, so it can be read back from a storage key. */
    public boolean keepsKey() {
        return keepsKey;
    }

    /** The hasher with this metadata index. */
    public static StorageHasher ofIndex(int index) {
        StorageHasher[] all = values();
        if (index < 0 || index >= all.length) {
            throw new ScaleDecodeException("unknown storage hasher index " + index);
        }
        return all[index];
    }

    /** The bytes this hasher puts into a storage key for an encoded key. */
    public byte[] apply(byte[] encodedKey) {
        switch (this) {
            case BLAKE2_128:
                return Hashing.blake2b128(encodedKey);
            case BLAKE2_256:
                return Hashing.blake2b256(encodedKey);
            case BLAKE2_128_CONCAT:
                return concat(Hashing.blake2b128(encodedKey), encodedKey);
            case TWOX_128:
                return Hashing.twox128(encodedKey);
            case TWOX_256:
                return Hashing.twox256(encodedKey);
            case TWOX_64_CONCAT:
                return concat(Hashing.twox64(encodedKey), encodedKey);
            case IDENTITY:
                return encodedKey.clone();
            default:
                throw new AssertionError(this);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

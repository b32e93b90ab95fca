package io.icn.chain.substrate;

import java.util.List;

/**
 * Storage keys: {@code twox128(pallet prefix) ++ twox128(item name) ++ hasher_i(key_i)...}. Stateless;
 * thread-safe.
 */
public final class StorageKeys {
    private StorageKeys() {
    }

    /** The key of a plain value, which is also the prefix of every key of a map. */
    public static byte[] prefix(String pallet, String item) {
        return StorageHasher.concat(Hashing.twox128(pallet), Hashing.twox128(item));
    }

    /** The key of one entry of a map with one key. */
    public static byte[] mapKey(String pallet, String item, StorageHasher hasher, byte[] encodedKey) {
        return StorageHasher.concat(prefix(pallet, item), hasher.apply(encodedKey));
    }

    /** The key of one entry of an n-map: one hasher per key part, in order. */
    public static byte[] nMapKey(String pallet, String item, List<StorageHasher> hashers, List<byte[]> encodedKeys) {
        if (hashers.size() != encodedKeys.size()) {
            throw new IllegalArgumentException(hashers.size() + " hashers for " + encodedKeys.size() + " key parts");
        }
        byte[] key = prefix(pallet, item);
        for (int i = 0; i < hashers.size(); i++) {
            key = StorageHasher.concat(key, hashers.get(i).apply(encodedKeys.get(i)));
        }
        return key;
    }

    /**
     * The encoded key at the end of a full storage key made with a single {@code *Concat} or identity hasher:
     * {@code storageKey} minus the 32-byte prefix and the hash.
     *
     * @throws ScaleDecodeException if the key is too short for the prefix and hash
     */
    public static byte[] keySuffix(byte[] storageKey, StorageHasher hasher) {
        if (!hasher.keepsKey()) {
            throw new IllegalArgumentException(hasher + " does not keep the key");
        }
        int skip = 32 + hasher.hashLength();
        if (storageKey.length < skip) {
            throw new ScaleDecodeException("storage key of " + storageKey.length + " bytes is shorter than " + skip);
        }
        return java.util.Arrays.copyOfRange(storageKey, skip, storageKey.length);
    }
}

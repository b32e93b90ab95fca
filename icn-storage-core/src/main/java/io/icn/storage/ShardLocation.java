package io.icn.storage;

import java.util.Objects;

/**
 * Where a store holds a shard: the chunk and the shard's index in it, as {@link ShardStore.Maintenance#locate(byte[])}
 * answers. Immutable and thread-safe.
 *
 * @param cid the chunk
 * @param index the shard index, {@code 0 .. k+m-1}
 */
public record ShardLocation(Cid cid, int index) {

    /** @throws IllegalArgumentException unless {@code 0 <= index <= 255} */
    public ShardLocation {
        Objects.requireNonNull(cid, "cid");
        if (index < 0 || index > 255) {
            throw new IllegalArgumentException("shard index must be 0..255: " + index);
        }
    }
}

package io.icn.storage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the store knows about one chunk: the caller's {@link ChunkSpec} plus what the store
 * measured. Immutable snapshot; later writes produce a new instance.
 *
 * @param cid the chunk's content id
 * @param spec original length, {@code k}, {@code m}, deal id and expiry block
 * @param merkleLeafSize the block size of the shards' Merkle trees, in bytes
 * @param createdAt when the chunk was first stored (from the store's clock)
 * @param shards the healthy shards held here, ordered by index
 * @param quarantined shards held here once but found corrupt or missing and moved aside, awaiting
 *     {@linkplain ShardStore.Maintenance#repair(Cid) repair}; their recorded hashes are the ones repair must reproduce
 */
public record ChunkMeta(Cid cid, ChunkSpec spec, int merkleLeafSize, Instant createdAt, List<ShardInfo> shards,
        List<ShardInfo> quarantined) {

    public ChunkMeta {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(createdAt, "createdAt");
        if (merkleLeafSize < 1) {
            throw new IllegalArgumentException("merkleLeafSize must be >= 1: " + merkleLeafSize);
        }
        shards = List.copyOf(shards);
        quarantined = List.copyOf(quarantined);
        for (ShardInfo s : shards) {
            if (s.index() >= spec.totalShards() || s.length() != spec.shardLength()) {
                throw new IllegalArgumentException("shard " + s.index() + " does not fit " + spec);
            }
        }
    }

    public long originalLength() {
        return spec.originalLength();
    }

    public int dataShards() {
        return spec.dataShards();
    }

    public int parityShards() {
        return spec.parityShards();
    }

    public String dealId() {
        return spec.dealId();
    }

    public long expiryBlock() {
        return spec.expiryBlock();
    }

    /** The healthy shard with this index, if held here. */
    public Optional<ShardInfo> shard(int index) {
        for (ShardInfo s : shards) {
            if (s.index() == index) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Bytes this chunk occupies in the store (healthy shards only). */
    public long bytesStored() {
        return (long) shards.size() * spec.shardLength();
    }
}

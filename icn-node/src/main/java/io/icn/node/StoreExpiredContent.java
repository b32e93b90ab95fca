package io.icn.node;

import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;
import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.icn.storage.InvalidCidException;
import io.icn.storage.ShardInfo;
import io.icn.storage.ShardNotFoundException;
import io.icn.storage.ShardStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The storage cleanup's view of a {@link ShardStore}: the store's expiry index, each chunk's shard
 * hashes as the chain knows them, expiry extension and deletion.
 *
 * <p>Thread-safe. Does not own the store.
 */
public final class StoreExpiredContent implements ExpiredContent {
    private final ShardStore store;
    private final ProofScheme scheme;

    public StoreExpiredContent(ShardStore store, ProofScheme scheme) {
        this.store = Objects.requireNonNull(store, "store");
        this.scheme = Objects.requireNonNull(scheme, "scheme");
    }

    /** The chain's name for a stored shard: its Merkle root or its SHA-256, per the chain's scheme. */
    static ShardHash chainHash(ProofScheme scheme, ShardInfo info) {
        return new ShardHash(scheme.mode() == ProofScheme.Mode.MERKLE ? info.merkleRoot() : info.sha256());
    }

    /** The store answers "strictly below", the chain asks "at or before". */
    @Override
    public Stream<String> expiredBefore(long block) {
        return store.expiredBefore(block == Long.MAX_VALUE ? block : block + 1).stream().map(Cid::toString);
    }

    /** Every shard of the chunk the store has a hash for (healthy or quarantined), in index order. */
    @Override
    public List<ShardHash> shardHashes(String cid) {
        Optional<ChunkMeta> meta = parse(cid).flatMap(store::meta);
        if (meta.isEmpty()) {
            return List.of();
        }
        List<ShardInfo> infos = new ArrayList<>(meta.get().shards());
        infos.addAll(meta.get().quarantined());
        infos.sort(Comparator.comparingInt(ShardInfo::index));
        return infos.stream().map(info -> chainHash(scheme, info)).toList();
    }

    @Override
    public void extendExpiry(String cid, long expiryBlock) {
        parse(cid).ifPresent(c -> {
            try {
                store.setExpiry(c, expiryBlock);
            } catch (ShardNotFoundException gone) {
                // deleted meanwhile: nothing left to keep
            }
        });
    }

    @Override
    public long delete(String cid) {
        Optional<Cid> c = parse(cid);
        if (c.isEmpty()) {
            return 0;
        }
        long bytes = store.bytesStored(c.get());
        return store.delete(c.get()) ? bytes : 0;
    }

    /** A CID the store never issued cannot name stored content; it is simply not found. */
    private static Optional<Cid> parse(String cid) {
        try {
            return Optional.of(Cid.parse(cid));
        } catch (InvalidCidException e) {
            return Optional.empty();
        }
    }
}

package io.icn.node;

import io.icn.chain.AuditChallenge;
import io.icn.chain.AuditProofs;
import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;
import io.icn.chain.ShardMissingException;
import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.icn.storage.RepairReport;
import io.icn.storage.ShardInfo;
import io.icn.storage.ShardStore;
import io.icn.storage.StorageException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Answers the chain's audits from a {@link ShardStore}: finds the shard the audit names, reads it
 * (hash-checked by the store), checks it against the audited hash and builds the proof with
 * {@link AuditProofs}, the one implementation of both proof formats; repairs a lost shard with the
 * store's erasure repair.
 *
 * <p>A shard hash is the shard's Merkle root (Merkle scheme) or its SHA-256 (hash scheme), as the
 * store records them at write time. Locating a hash scans the store's in-memory index (never the
 * disk) on the first audit of that shard and remembers the answer; audits are rare (hourly, a few
 * percent of nodes), so no full hash index is kept in memory.
 *
 * <p>Thread-safe. Does not own the store.
 */
public final class StoreAuditProver implements AuditProver {
    private final ShardStore store;
    private final ProofScheme scheme;
    private final ConcurrentMap<ShardHash, Location> located = new ConcurrentHashMap<>();

    /**
     * @param scheme the chain's proof scheme; in Merkle mode its block size must be the store's Merkle
     *     leaf size, or the recorded roots would not be the chain's shard hashes
     */
    public StoreAuditProver(ShardStore store, ProofScheme scheme) {
        this.store = Objects.requireNonNull(store, "store");
        this.scheme = Objects.requireNonNull(scheme, "scheme");
    }

    @Override
    public byte[] prove(ProofScheme requested, ShardHash shard, AuditChallenge challenge) {
        Location at = locate(shard).orElseThrow(() -> new ShardMissingException(shard, "no stored shard has this hash"));
        byte[] bytes;
        try {
            bytes = store.readShard(at.cid, at.index);
        } catch (StorageException e) {
            located.remove(shard);
            throw new ShardMissingException(shard, "shard " + at.index + " of " + at.cid + " is unreadable: "
                    + e.getMessage(), e);
        }
        if (!AuditProofs.shardHash(requested, bytes).equals(shard)) {
            throw new ShardMissingException(shard, "shard " + at.index + " of " + at.cid
                    + " does not hash to the audited value under " + requested);
        }
        return AuditProofs.prove(requested, bytes, challenge);
    }

    @Override
    public boolean repair(ShardHash shard) {
        Optional<Location> at = locate(shard);
        if (at.isEmpty()) {
            return false;
        }
        Cid cid = at.get().cid;
        try {
            RepairReport report = store.repair(cid);
            return report != null && store.containsShard(cid, at.get().index)
                    && AuditProofs.shardHash(scheme, store.readShard(cid, at.get().index)).equals(shard);
        } catch (StorageException e) {
            return false;
        }
    }

    private Optional<Location> locate(ShardHash shard) {
        Location known = located.get(shard);
        if (known != null) {
            return Optional.of(known);
        }
        byte[] wanted = shard.bytes();
        for (Cid cid : store.list()) {
            Optional<ChunkMeta> meta = store.meta(cid);
            if (meta.isEmpty()) {
                continue; // deleted meanwhile
            }
            for (List<ShardInfo> infos : List.of(meta.get().shards(), meta.get().quarantined())) {
                for (ShardInfo info : infos) {
                    if (Arrays.equals(hashOf(info), wanted)) {
                        Location found = new Location(cid, info.index());
                        located.put(shard, found);
                        return Optional.of(found);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private byte[] hashOf(ShardInfo info) {
        return StoreExpiredContent.chainHash(scheme, info).bytes();
    }

    private record Location(Cid cid, int index) {
    }
}

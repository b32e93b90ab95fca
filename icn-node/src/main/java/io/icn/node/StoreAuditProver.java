package io.icn.node;

import io.icn.chain.AuditChallenge;
import io.icn.chain.AuditProofs;
import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;
import io.icn.chain.ShardMissingException;
import io.icn.storage.Cid;
import io.icn.storage.RepairReport;
import io.icn.storage.ShardLocation;
import io.icn.storage.ShardStore;
import io.icn.storage.StorageException;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers the chain's audits from a {@link ShardStore}: finds the shard the audit names, reads it
 * (hash-checked by the store), checks it against the audited hash and builds the proof with
 * {@link AuditProofs}, the one implementation of both proof formats; repairs a lost shard with the
 * store's erasure repair.
 *
 * <p>A shard hash is the shard's Merkle root (Merkle scheme) or its SHA-256 (hash scheme), as the
 * store records them at write time. The store finds it with {@link ShardStore.Maintenance#locate(byte[])}, an
 * index from both hashes of every stored shard to its chunk and index: proving an audit never walks
 * the stored chunks.
 *
 * <p>Thread-safe. Does not own the store.
 */
public final class StoreAuditProver implements AuditProver {
    private final ShardStore store;
    private final ProofScheme scheme;

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
        ShardLocation at = locate(shard).orElseThrow(() -> new ShardMissingException(shard,
                "no stored shard has this hash"));
        byte[] bytes;
        try {
            bytes = store.readShard(at.cid(), at.index());
        } catch (StorageException e) {
            throw new ShardMissingException(shard, "shard " + at.index() + " of " + at.cid() + " is unreadable: "
                    + e.getMessage(), e);
        }
        if (!AuditProofs.shardHash(requested, bytes).equals(shard)) {
            throw new ShardMissingException(shard, "shard " + at.index() + " of " + at.cid()
                    + " does not hash to the audited value under " + requested);
        }
        return AuditProofs.prove(requested, bytes, challenge);
    }

    @Override
    public boolean repair(ShardHash shard) {
        Optional<ShardLocation> at = locate(shard);
        if (at.isEmpty()) {
            return false;
        }
        Cid cid = at.get().cid();
        int index = at.get().index();
        try {
            RepairReport report = store.maintenance().repair(cid);
            return report != null && store.containsShard(cid, index)
                    && AuditProofs.shardHash(scheme, store.readShard(cid, index)).equals(shard);
        } catch (StorageException e) {
            return false;
        }
    }

    private Optional<ShardLocation> locate(ShardHash shard) {
        return store.maintenance().locate(shard.bytes());
    }
}

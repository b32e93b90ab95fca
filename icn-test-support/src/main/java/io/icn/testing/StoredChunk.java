package io.icn.testing;

import io.icn.chain.PinningDeal;
import io.icn.chain.ShardHash;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A chunk {@link LocalCluster#putChunk put} into a cluster: its CID, how it was coded, the deal that pins
 * it on the chain, its shards' chain hashes, and which nodes received which shard.
 *
 * <p>Immutable and thread-safe.
 *
 * @param cid the raw-codec CID of the chunk's bytes
 * @param spec what the stores recorded: length, Reed-Solomon 10+4, the deal id (hex) and its expiry
 * @param deal the pinning deal as the chain created it
 * @param shardHashes the chain's hash of each shard, by shard index (Merkle root or SHA-256, after the
 *     chain's proof scheme); the deal lists the same hashes
 * @param holders element {@code i} lists the indexes of the nodes that received shard {@code i}
 */
public record StoredChunk(Cid cid, ChunkSpec spec, PinningDeal deal, List<ShardHash> shardHashes,
        List<List<Integer>> holders) {

    public StoredChunk {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(deal, "deal");
        shardHashes = List.copyOf(shardHashes);
        List<List<Integer>> copied = new ArrayList<>(holders.size());
        for (List<Integer> h : holders) {
            copied.add(List.copyOf(h));
        }
        holders = List.copyOf(copied);
        if (shardHashes.size() != spec.totalShards() || holders.size() != spec.totalShards()) {
            throw new IllegalArgumentException("a chunk of " + spec.totalShards() + " shards needs as many hashes ("
                    + shardHashes.size() + ") and holder lists (" + holders.size() + ")");
        }
    }

    /** The index of the shard whose chain hash is {@code hash} (as an audit names it), if it is one of this chunk's. */
    public OptionalInt shardIndexOf(ShardHash hash) {
        int i = shardHashes.indexOf(Objects.requireNonNull(hash, "hash"));
        return i < 0 ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** The shards node {@code node} received, ascending. */
    public List<Integer> shardsOn(int node) {
        List<Integer> on = new ArrayList<>();
        for (int i = 0; i < holders.size(); i++) {
            if (holders.get(i).contains(node)) {
                on.add(i);
            }
        }
        return List.copyOf(on);
    }
}

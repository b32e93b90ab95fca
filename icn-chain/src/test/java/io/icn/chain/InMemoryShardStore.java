package io.icn.chain;


import io.icn.erasure.ErasureCodec;
import io.icn.erasure.Kernels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A shard store in memory for the monitor and cleanup tests: real Reed-Solomon 10+4 shards, real
 * SHA-256 / Merkle hashes, real proofs, real repair from surviving shards, and an expiry index ordered
 * by block. Thread-safe (coarse lock for the indexes; shard reads are lock-free).
 */
public class InMemoryShardStore {
    public record Chunk(String cid, List<ShardHash> shardHashes, int shardSize) {
    }

    private final ProofScheme scheme;
    // The scalar kernel: the fake needs correct shards, not speed, and skips the Vector API warm-up.
    private final ErasureCodec codec = ErasureCodec.reedSolomon(10, 4, Kernels.scalar());
    private final ConcurrentHashMap<ShardHash, byte[]> shards = new ConcurrentHashMap<>();
    private final Map<String, Chunk> chunks = new HashMap<>();
    private final Map<ShardHash, String> chunkOfShard = new HashMap<>();
    private final TreeMap<Long, Set<String>> expiryIndex = new TreeMap<>();
    private final Map<String, Long> expiryOf = new HashMap<>();
    public final AtomicLong indexEntriesVisited = new AtomicLong();
    public final AtomicLong contentCalls = new AtomicLong();

    public InMemoryShardStore(ProofScheme scheme) {
        this.scheme = scheme;
    }

    /** Erasure-codes {@code data}, stores the 14 shards, indexes the chunk's expiry. */
    public synchronized Chunk put(byte[] data, long expiryBlock) {
        byte[][] encoded = codec.encode(data);
        List<ShardHash> hashes = new ArrayList<>();
        for (byte[] shard : encoded) {
            ShardHash h = AuditProofs.shardHash(scheme, shard);
            hashes.add(h);
            shards.put(h, shard);
        }
        Chunk chunk = new Chunk(Fixtures.cidOf(data), List.copyOf(hashes), encoded[0].length);
        register(chunk, expiryBlock);
        return chunk;
    }

    /** Indexes a chunk whose shard bytes the test does not need (the 100,000-deal cleanup). */
    public synchronized void register(Chunk chunk, long expiryBlock) {
        chunks.put(chunk.cid(), chunk);
        for (ShardHash h : chunk.shardHashes()) {
            chunkOfShard.put(h, chunk.cid());
        }
        index(chunk.cid(), expiryBlock);
    }

    /** A shard read, as the QUIC server would do it. */
    public byte[] read(ShardHash shard) {
        byte[] bytes = shards.get(shard);
        if (bytes == null) {
            throw new ShardMissingException(shard, "not in the store");
        }
        return bytes.clone();
    }

    public Optional<byte[]> shardBytes(ShardHash shard) {
        return Optional.ofNullable(shards.get(shard)).map(byte[]::clone);
    }

    public boolean holds(ShardHash shard) {
        return shards.containsKey(shard);
    }

    public void lose(ShardHash shard) {
        shards.remove(shard);
    }

    public synchronized boolean contains(String cid) {
        return chunks.containsKey(cid);
    }

    public synchronized Long recordedExpiry(String cid) {
        return expiryOf.get(cid);
    }

    public synchronized int size() {
        return chunks.size();
    }

    // ---------------------------------------------------------------- proofs (the node's AuditProver)

    public byte[] prove(ProofScheme proofScheme, ShardHash shard, AuditChallenge challenge) {
        byte[] bytes = shards.get(shard);
        if (bytes == null) {
            throw new ShardMissingException(shard, "not in the store");
        }
        if (!AuditProofs.shardHash(proofScheme, bytes).equals(shard)) {
            throw new ShardMissingException(shard, "stored copy is corrupt");
        }
        return AuditProofs.prove(proofScheme, bytes, challenge);
    }

    public boolean repair(ShardHash shard) {
        Chunk chunk;
        synchronized (this) {
            String cid = chunkOfShard.get(shard);
            chunk = cid == null ? null : chunks.get(cid);
        }
        if (chunk == null) {
            return false;
        }
        int n = chunk.shardHashes().size();
        byte[][] arrays = new byte[n][];
        boolean[] present = new boolean[n];
        int survivors = 0;
        for (int i = 0; i < n; i++) {
            byte[] bytes = shards.get(chunk.shardHashes().get(i));
            present[i] = bytes != null;
            arrays[i] = present[i] ? bytes.clone() : new byte[chunk.shardSize()];
            survivors += present[i] ? 1 : 0;
        }
        if (survivors < codec.dataShards()) {
            return false;
        }
        codec.reconstruct(arrays, present);
        int index = chunk.shardHashes().indexOf(shard);
        if (!AuditProofs.shardHash(scheme, arrays[index]).equals(shard)) {
            return false;
        }
        shards.put(shard, arrays[index]);
        return true;
    }

    // ---------------------------------------------------------------- expiry (the node's ExpiredContent)

    public synchronized Stream<String> expiredBefore(long block) {
        contentCalls.incrementAndGet();
        List<String> out = new ArrayList<>();
        for (Set<String> cids : expiryIndex.headMap(block, true).values()) {
            indexEntriesVisited.addAndGet(cids.size());
            out.addAll(cids);
        }
        return out.stream();
    }

    public synchronized List<ShardHash> shardHashes(String cid) {
        contentCalls.incrementAndGet();
        Chunk chunk = chunks.get(cid);
        return chunk == null ? List.of() : chunk.shardHashes();
    }

    public synchronized void extendExpiry(String cid, long expiryBlock) {
        contentCalls.incrementAndGet();
        unindex(cid);
        index(cid, expiryBlock);
    }

    public synchronized long delete(String cid) {
        contentCalls.incrementAndGet();
        Chunk chunk = chunks.remove(cid);
        if (chunk == null) {
            return 0;
        }
        unindex(cid);
        long freed = 0;
        for (ShardHash h : chunk.shardHashes()) {
            chunkOfShard.remove(h);
            byte[] bytes = shards.remove(h);
            freed += bytes == null ? 0 : bytes.length;
        }
        return freed;
    }

    private void index(String cid, long block) {
        expiryIndex.computeIfAbsent(block, k -> new HashSet<>()).add(cid);
        expiryOf.put(cid, block);
    }

    private void unindex(String cid) {
        Long old = expiryOf.remove(cid);
        if (old != null) {
            Set<String> set = expiryIndex.get(old);
            set.remove(cid);
            if (set.isEmpty()) {
                expiryIndex.remove(old);
            }
        }
    }
}

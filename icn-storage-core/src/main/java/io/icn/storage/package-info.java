/**
 * The ICN shard store: content ids, durable erasure-coded shard storage, its index, usage accounting,
 * integrity (hashes, scrubbing, repair), hot-shard cache, deal-expiry index and audit proofs.
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link io.icn.storage.Cid}: parse, format and compare CIDv1 (sha2-256, raw/dag-pb, base32).</li>
 *   <li>{@link io.icn.storage.ShardStore}: the store contract (data operations); {@link io.icn.storage.ShardStore#builder}
 *       opens the file store, {@link io.icn.storage.InMemoryShardStore} is the heap one.</li>
 *   <li>{@link io.icn.storage.ShardStore.Maintenance}, from {@link io.icn.storage.ShardStore#maintenance()}: scrub,
 *       repair, index rebuild, lookup by hash, audit proofs, cache counters and {@link io.icn.storage.StoreHealth}.</li>
 *   <li>{@link io.icn.storage.ShardRegion}: a zero-copy handle on a shard byte range for transports.</li>
 *   <li>{@link io.icn.storage.ChunkMeta}, {@link io.icn.storage.ShardInfo}: what the store recorded.</li>
 *   <li>{@link io.icn.storage.ShardLocation}: where {@link io.icn.storage.ShardStore.Maintenance#locate(byte[])} finds a
 *       shard by its SHA-256 or Merkle root (the chain's name for it), from an index, without a walk.</li>
 *   <li>{@link io.icn.storage.MerkleProof}: the Merkle construction, range proofs and their verifier; the
 *       project's one Merkle implementation (icn-chain's audit proofs are built on it).</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Stores are thread-safe; regions and builders are not. All calls may block on disk I/O.
 *
 * <h2>Errors</h2>
 * Every failure is a {@link io.icn.storage.StorageException} (unchecked) or one of its leaves; malformed
 * arguments raise {@link java.lang.IllegalArgumentException}.
 */
package io.icn.storage;

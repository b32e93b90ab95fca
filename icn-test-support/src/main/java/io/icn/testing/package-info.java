/**
 * Published harnesses for tests and for embedders trying the SDK: a multi-node ICN cluster on loopback in
 * one JVM, and a hand-driven clock.
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link io.icn.testing.LocalCluster#builder()}: N nodes (shard store + QUIC server each, port 0,
 *       generated certificates) sharing one {@link io.icn.chain.local.LocalChain} whose blocks are produced by
 *       hand; put chunks ({@link io.icn.testing.Placement}, {@link io.icn.testing.StoredChunk}), lose
 *       shards, fetch through a client that pins every node.</li>
 *   <li>{@link io.icn.testing.ClusterNode}: one node's store, server, address, fingerprint, account and
 *       chain client.</li>
 *   <li>{@link io.icn.testing.ManualClock}: a {@link java.time.Clock} advanced by hand.</li>
 * </ul>
 * The in-memory shard store is {@link io.icn.storage.InMemoryShardStore} of {@code icn-storage-core}; this
 * module uses it ({@link io.icn.testing.LocalCluster.Builder#inMemoryStores()}) rather than copying it.
 *
 * <h2>Dependencies</h2>
 * Erasure, storage, chain and QUIC transport; never {@code icn-node-launcher}, so that the launcher's own
 * tests can use this module.
 *
 * <h2>Threading</h2>
 * {@link io.icn.testing.LocalCluster} and {@link io.icn.testing.ManualClock} are thread-safe; builders
 * are not; {@link io.icn.testing.Placement}, {@link io.icn.testing.StoredChunk} and
 * {@link io.icn.testing.ClusterNode} are immutable.
 *
 * <h2>Errors</h2>
 * Misuse raises {@link java.lang.IllegalArgumentException} (naming the value) or
 * {@link java.lang.IllegalStateException} (a closed cluster); faults of the modules underneath surface as
 * their own exceptions ({@link io.icn.storage.StorageException}, {@link io.icn.chain.ChainException},
 * {@link io.icn.transport.quic.TransportException}).
 */
package io.icn.testing;

/**
 * Published harnesses for tests and for embedders trying the SDK: a multi-node ICN cluster on loopback in
 * one JVM, and a hand-driven clock.
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link io.icn.testing.LocalCluster#builder()}: N real super-nodes ({@link io.icn.node.SuperNode}s of
 *       {@code icn-node}: store, QUIC server on loopback port 0, audit monitor, cleanup, replicator, ingest)
 *       sharing one {@link io.icn.chain.local.LocalChain} whose blocks are produced by hand; put chunks as a
 *       director ({@link io.icn.testing.Placement}, {@link io.icn.testing.StoredChunk}) or through a node's
 *       ingest, lose shards, let blocks drive audits, replication and cleanup, fetch through a client that pins
 *       every node.</li>
 *   <li>{@link io.icn.testing.ClusterNode}: one node's {@link io.icn.node.SuperNode}, store, address,
 *       fingerprint, account and chain client.</li>
 *   <li>{@link io.icn.testing.ManualClock}: a {@link java.time.Clock} advanced by hand.</li>
 * </ul>
 * The in-memory shard store is {@link io.icn.storage.InMemoryShardStore} of {@code icn-storage-core}; this
 * module uses it ({@link io.icn.testing.LocalCluster.Builder#inMemoryStores()}) rather than copying it.
 *
 * <h2>Dependencies</h2>
 * Erasure, storage, chain, QUIC transport and {@code icn-node} (the node as a library); never
 * {@code icn-node-launcher}, so that the launcher's own tests can use this module.
 *
 * <h2>Threading</h2>
 * {@link io.icn.testing.LocalCluster} and {@link io.icn.testing.ManualClock} are thread-safe (the nodes'
 * services run on their own threads and react to each block after it is produced); builders are not;
 * {@link io.icn.testing.Placement}, {@link io.icn.testing.StoredChunk} and {@link io.icn.testing.ClusterNode}
 * are immutable.
 *
 * <h2>Errors</h2>
 * Misuse raises {@link java.lang.IllegalArgumentException} (naming the value) or
 * {@link java.lang.IllegalStateException} (a closed cluster); a wait for the nodes that does not end in time
 * raises {@link io.icn.testing.ClusterTimeoutException}; faults of the modules underneath surface as
 * their own exceptions ({@link io.icn.storage.StorageException}, {@link io.icn.chain.ChainException},
 * {@link io.icn.node.NodeException}, {@link io.icn.transport.quic.TransportException}).
 */
package io.icn.testing;

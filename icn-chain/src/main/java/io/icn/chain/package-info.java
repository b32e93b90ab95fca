/**
 * The super-node's side of the ICN chain: what to store, proving that it is stored, and deleting what
 * no deal pays for any more.
 *
 * <h2>Start here</h2>
 * <ul>
 *   <li>{@link io.icn.chain.ChainClient}: one node's view of the chain (blocks, pinning deals, shard
 *       assignments, audits, proof submission, stake and reputation). Types mirror
 *       {@code pallet-icn-pinning}.</li>
 *   <li>{@link io.icn.chain.LocalChain}: the embedded chain applying the pallet's rules in process
 *       ({@code chain_endpoint = "local"}); {@link io.icn.chain.LocalChain#clientFor} gives a node its
 *       client.</li>
 *   <li>{@link io.icn.chain.AuditMonitor}: answers this node's audits in time, in batches.</li>
 *   <li>{@link io.icn.chain.StorageCleanup}: deletes content whose deals have all ended.</li>
 *   <li>{@link io.icn.chain.AuditProofs}: the two audit proof formats, for provers and verifiers.</li>
 * </ul>
 *
 * <h2>Service-provider interfaces</h2>
 * This module sees neither the shard store nor the DHT; the launcher adapts them to
 * {@link io.icn.chain.AuditProver}, {@link io.icn.chain.ExpiredContent} and
 * {@link io.icn.chain.ManifestPublisher}.
 *
 * <h2>Errors</h2>
 * Every failure is a {@link io.icn.chain.ChainException}; {@link io.icn.chain.ChainUnavailableException}
 * is the transient one to retry.
 *
 * <h2>Threading</h2>
 * Every public type states its contract; the clients, the local chain, the monitor and the cleanup are
 * thread-safe, values are immutable.
 */
package io.icn.chain;

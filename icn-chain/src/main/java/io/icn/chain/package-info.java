/**
 * The super-node's view of the ICN chain, as a service-provider interface: what to store, the audits to
 * answer, and which deals have ended. Implementations live in sub-packages named for their technology.
 *
 * <h2>Start here</h2>
 * <ul>
 *   <li>{@link io.icn.chain.ChainClient}: one node's view of the chain (blocks, pinning deals, shard
 *       assignments, audits, proof submission, stake and reputation). Types mirror
 *       {@code pallet-icn-pinning}.</li>
 *   <li>{@link io.icn.chain.local.LocalChain}: the embedded chain applying the pallet's rules in process
 *       ({@code chain_endpoint = "local"}); {@link io.icn.chain.local.LocalChain#clientFor} gives a node its
 *       client.</li>
 *   <li>{@link io.icn.chain.AuditProofs}: the two audit proof formats, for provers and verifiers.</li>
 * </ul>
 * The services that act on what the chain says (the audit monitor, the storage cleanup) are the node's:
 * module {@code icn-node}.
 *
 * <h2>Errors</h2>
 * Every failure is a {@link io.icn.chain.ChainException}; {@link io.icn.chain.ChainUnavailableException}
 * is the transient one to retry.
 *
 * <h2>Threading</h2>
 * Every public type states its contract; the clients and the local chain are thread-safe, values are
 * immutable.
 */
package io.icn.chain;

/**
 * The ICN chain as a real Substrate runtime over JSON-RPC ({@code chain_endpoint = "ws://host:9944"}): SCALE,
 * storage keys, metadata V14/V15, signed extrinsics, and {@code pallet-icn-pinning}'s storage, calls and events.
 * docs/chain.md describes each layer and how it is proven against polkadot.js and chopsticks.
 *
 * <h2>Start here</h2>
 * <ul>
 *   <li>{@link io.icn.chain.substrate.SubstrateChainClient}: the {@link io.icn.chain.ChainClient} a node uses;
 *       deals from the finalized state, audits from the best block, proofs in the pallet's format.</li>
 *   <li>{@link io.icn.chain.substrate.SubstrateChain}: the chain itself, for the operator commands
 *       ({@link io.icn.chain.substrate.SubstrateChain#info()}, {@link io.icn.chain.substrate.SubstrateChain#remark},
 *       {@link io.icn.chain.substrate.SubstrateChain#pendingAudits}) and anything the SPI does not cover.</li>
 *   <li>{@link io.icn.chain.substrate.ChainKey}: the node's Ed25519 signing key, from its key file or an
 *       environment variable; never logged.</li>
 *   <li>Below them: {@link io.icn.chain.substrate.ScaleWriter}/{@link io.icn.chain.substrate.ScaleReader},
 *       {@link io.icn.chain.substrate.StorageKeys}, {@link io.icn.chain.substrate.RuntimeMetadata},
 *       {@link io.icn.chain.substrate.JsonRpcClient}, {@link io.icn.chain.substrate.ExtrinsicBuilder},
 *       {@link io.icn.chain.substrate.PinningPallet}.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * All are {@link io.icn.chain.ChainException}s: {@link io.icn.chain.ChainUnavailableException} (no answer in
 * time, connection lost: retry), {@link io.icn.chain.substrate.RpcErrorException} (the node refused a request),
 * {@link io.icn.chain.substrate.TransactionFailedException} (an extrinsic invalid, dropped or failed),
 * {@link io.icn.chain.substrate.ScaleDecodeException} and {@link io.icn.chain.substrate.TruncatedScaleException}
 * (bytes that are not what they should be), {@link io.icn.chain.substrate.MetadataException} (the runtime lacks
 * what is needed), {@link io.icn.chain.UnsupportedChainCallException} (the pallet has no such call).
 *
 * <h2>Threading</h2>
 * Codecs and values are immutable or single-use (writers, readers); the clients are thread-safe and block on
 * the network with bounded waits; listeners run on the scheduler the caller passes in, which the caller owns.
 */
package io.icn.chain.substrate;

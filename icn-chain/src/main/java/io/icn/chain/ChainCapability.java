package io.icn.chain;

/**
 * The calls of {@link ChainClient} that a chain may lack. The pallet of the ICN chain has neither an endpoint
 * registry, nor a record of a deal's content, nor a registry of super-nodes' stake and reputation; the embedded
 * chain has all three. A client lists what it supports in
 * {@link ChainClient#capabilities()}; a call outside it throws {@link UnsupportedChainCallException}, and the
 * node falls back (to the DHT and its configured {@code peers} for endpoints and content).
 */
public enum ChainCapability {
    /** {@link ChainClient#registerEndpoint}, {@link ChainClient#nodeEndpoints()}, {@link ChainClient#endpoint}. */
    ENDPOINT_REGISTRY,
    /** {@link ChainClient#dealContent}: the chunk's CID recorded with a deal. */
    DEAL_CONTENT,
    /** {@link ChainClient#standing()}: the node's stake, free balance and reputation (pallet-icn-stake, -reputation). */
    STANDING
}

package io.icn.chain;

import java.util.concurrent.CompletableFuture;

/**
 * How a chunk the node has just stored becomes pinned on the chain, so that the node is paid for it and audited
 * on it. Two policies exist: on the embedded chain the node is its own director and makes the deal
 * ({@link io.icn.chain.local.LocalChain#selfDealing}); on a real chain a director makes the deal, and the node
 * waits for one that names the chunk's shards ({@link DirectorDeals}).
 *
 * <p>Implementations are thread-safe and never block the caller: the result completes later, on a thread of
 * the implementation's. A chunk whose future fails is not pinned; the node then deletes it.
 */
@FunctionalInterface
public interface PinningPolicy {

    /**
     * Pins the chunk of {@code request}.
     *
     * @return completes with the active deal that names exactly the request's shards, or exceptionally: a
     *     {@link ChainException} saying why no deal pins it (refused, none came in time, chain unavailable)
     */
    CompletableFuture<PinningDeal> pin(PinRequest request);
}

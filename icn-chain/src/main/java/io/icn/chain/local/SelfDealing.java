package io.icn.chain.local;

import io.icn.chain.AccountId;
import io.icn.chain.Balance;
import io.icn.chain.PinRequest;
import io.icn.chain.PinningDeal;
import io.icn.chain.PinningPolicy;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link PinningPolicy} of a node on the embedded chain: the node is its own director. Each chunk's deal is
 * paid from the development faucet ({@link LocalChain#endow}), lasts the request's {@code dealBlocks} and records
 * the chunk's CID as its content (so the other assigned nodes know what to fetch). With {@code persist} (the
 * node owns the chain) the deal is made durable ({@link LocalChain#persist()}) before the pin completes, so a
 * deal the uploader was told about survives a crash.
 *
 * <p>Thread-safe; completes on the caller's thread. Does not own the chain.
 */
final class SelfDealing implements PinningPolicy {
    /** The payment of one chunk's deal. */
    static final Balance PAYMENT_PER_CHUNK = Balance.ofIcn(1);

    private final LocalChain chain;
    private final AccountId director;
    private final boolean persist;

    SelfDealing(LocalChain chain, AccountId director, boolean persist) {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.director = Objects.requireNonNull(director, "director");
        this.persist = persist;
    }

    @Override
    public CompletableFuture<PinningDeal> pin(PinRequest request) {
        try {
            chain.endow(director, PAYMENT_PER_CHUNK);
            PinningDeal deal = chain.createDeal(director, request.shards(), request.shardSize(),
                    chain.currentBlock() + request.dealBlocks(), PAYMENT_PER_CHUNK, request.cid());
            if (persist) {
                chain.persist();
            }
            return CompletableFuture.completedFuture(deal);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}

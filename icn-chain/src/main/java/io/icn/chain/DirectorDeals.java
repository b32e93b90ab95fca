package io.icn.chain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link PinningPolicy} of a node on a real chain: directors make the deals, so a stored chunk is pinned by
 * the first active deal that names exactly its shards, in order. The deal may already exist when the chunk
 * arrives, or come in a later block; if none comes within {@code graceBlocks} blocks of the chunk's arrival the
 * pin fails with {@link PinningTimeoutException} (and the node drops the chunk).
 *
 * <p>Checks run when a chunk arrives and at every new block, on the executor (never on the chain's notifying
 * thread). A check that finds the chain unavailable is retried at the next block, still within the grace.
 *
 * <p>Thread-safe. Owns its block subscription; does not own the client or the executor. {@link #close()} fails
 * the waiting pins with {@link ChainException} and is idempotent.
 */
public final class DirectorDeals implements PinningPolicy, AutoCloseable {
    private final ChainClient chain;
    private final long graceBlocks;
    private final Executor executor;
    private final ConcurrentLinkedQueue<Waiter> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean checkQueued = new AtomicBoolean();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final BlockSubscription subscription;

    /**
     * @param graceBlocks how many blocks after its arrival a chunk waits for its deal, {@code >= 1}
     * @param executor runs the checks
     */
    public DirectorDeals(ChainClient chain, long graceBlocks, Executor executor) {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.executor = Objects.requireNonNull(executor, "executor");
        if (graceBlocks < 1) {
            throw new IllegalArgumentException("graceBlocks must be at least 1: " + graceBlocks);
        }
        this.graceBlocks = graceBlocks;
        this.subscription = chain.subscribeBlocks(block -> scheduleCheck());
    }

    private record Waiter(PinRequest request, long deadlineBlock, CompletableFuture<PinningDeal> result) {
    }

    @Override
    public CompletableFuture<PinningDeal> pin(PinRequest request) {
        Objects.requireNonNull(request, "request");
        CompletableFuture<PinningDeal> result = new CompletableFuture<>();
        if (closed.get()) {
            result.completeExceptionally(new ChainException("the pinning policy is closed; " + request.cid()
                    + " is not pinned"));
            return result;
        }
        executor.execute(() -> {
            try {
                long deadline = chain.currentBlock() + graceBlocks;
                Waiter w = new Waiter(request, deadline, result);
                Optional<PinningDeal> deal = dealFor(request, deadline - graceBlocks);
                if (deal.isPresent()) {
                    result.complete(deal.get());
                } else {
                    waiting.add(w);
                    pending.incrementAndGet();
                }
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** How many stored chunks wait for their deal now. */
    public int waiting() {
        return pending.get();
    }

    private void scheduleCheck() {
        if (!waiting.isEmpty() && checkQueued.compareAndSet(false, true)) {
            executor.execute(this::checkAll);
        }
    }

    private void checkAll() {
        checkQueued.set(false);
        long block;
        try {
            block = chain.currentBlock();
        } catch (ChainUnavailableException e) {
            return; // the next block retries
        }
        for (Waiter w : waiting) {
            try {
                Optional<PinningDeal> deal = dealFor(w.request, block);
                if (deal.isPresent()) {
                    settle(w).complete(deal.get());
                } else if (block >= w.deadlineBlock) {
                    settle(w).completeExceptionally(new PinningTimeoutException(w.request.cid(), graceBlocks));
                }
            } catch (ChainUnavailableException e) {
                if (block >= w.deadlineBlock) {
                    settle(w).completeExceptionally(e);
                }
            } catch (RuntimeException e) {
                settle(w).completeExceptionally(e);
            }
        }
    }

    /** Takes the waiter off the queue (once) and returns its future, to be completed by the caller. */
    private CompletableFuture<PinningDeal> settle(Waiter w) {
        if (waiting.remove(w)) {
            pending.decrementAndGet();
        }
        return w.result;
    }

    /** The active deal that names exactly the request's shards, in order, if there is one at {@code block}. */
    private Optional<PinningDeal> dealFor(PinRequest request, long block) {
        List<ShardHash> shards = request.shards();
        for (PinningDeal deal : chain.dealsForShard(shards.get(0))) {
            if (deal.isActiveAt(block) && deal.shards().equals(shards)) {
                return Optional.of(deal);
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        subscription.close();
        Waiter w;
        while ((w = waiting.poll()) != null) {
            pending.decrementAndGet();
            w.result.completeExceptionally(new ChainException("the node is stopping; " + w.request.cid()
                    + " was not pinned"));
        }
    }
}

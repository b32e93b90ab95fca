package io.icn.chain;

/** A live {@link ChainClient#subscribeBlocks(BlockListener) block subscription}. Thread-safe. */
public interface BlockSubscription extends AutoCloseable {

    /** Stops the notifications; a call already running finishes. Idempotent. */
    @Override
    void close();
}

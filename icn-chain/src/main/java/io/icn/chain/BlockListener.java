package io.icn.chain;

/** Told about each new block. Runs on the chain client's notifying thread: return quickly. */
@FunctionalInterface
public interface BlockListener {

    /** Block {@code blockNumber} has been imported. */
    void onBlock(long blockNumber);
}

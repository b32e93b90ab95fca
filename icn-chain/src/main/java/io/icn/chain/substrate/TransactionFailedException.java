package io.icn.chain.substrate;

import io.icn.chain.ChainException;

/**
 * A submitted extrinsic did not make it: the pool found it invalid, dropped it, or a block included it and
 * its dispatch failed. The message names the extrinsic hash and the reason the node gave.
 */
public final class TransactionFailedException extends ChainException {
    private static final long serialVersionUID = 1L;

    public TransactionFailedException(String message) {
        super(message);
    }
}

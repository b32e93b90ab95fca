package io.icn.chain;

/** A deal was refused: too few shards, an expiry not in the future, no payment, or a bad shard size. */
public class InvalidDealException extends ChainException {
    private static final long serialVersionUID = 1L;

    public InvalidDealException(String message) {
        super(message);
    }
}

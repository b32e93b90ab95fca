package io.icn.chain;

/** A deal cannot be placed: no registered super-node has the minimum stake. */
public class NoEligiblePinnersException extends ChainException {
    private static final long serialVersionUID = 1L;

    public NoEligiblePinnersException(String message) {
        super(message);
    }
}

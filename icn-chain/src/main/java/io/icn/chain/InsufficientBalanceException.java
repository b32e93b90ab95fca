package io.icn.chain;

/** An account cannot pay what a call costs. */
public class InsufficientBalanceException extends ChainException {
    private static final long serialVersionUID = 1L;

    public InsufficientBalanceException(AccountId account, Balance needed, Balance available) {
        super("account " + account + " needs " + needed + " but has " + available);
    }
}

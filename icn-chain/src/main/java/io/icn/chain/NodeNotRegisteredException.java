package io.icn.chain;

/** The account is not a registered super-node. */
public class NodeNotRegisteredException extends ChainException {
    private static final long serialVersionUID = 1L;

    public NodeNotRegisteredException(AccountId account) {
        super("account " + account + " is not a registered super-node");
    }
}

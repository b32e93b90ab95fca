package io.icn.chain;

/**
 * Thrown by a {@link ChainClient} call that this chain does not have (see {@link ChainClient#capabilities()});
 * names the call and the capability it needs.
 */
public class UnsupportedChainCallException extends ChainException {
    private static final long serialVersionUID = 1L;
    private final ChainCapability capability;

    public UnsupportedChainCallException(String call, ChainCapability capability) {
        super(call + " is not supported by this chain (it lacks " + capability + ")");
        this.capability = capability;
    }

    /** The capability the call needs. */
    public ChainCapability capability() {
        return capability;
    }
}

package io.icn.chain;

/** No deal with this id exists. */
public class DealNotFoundException extends ChainException {
    private static final long serialVersionUID = 1L;

    public DealNotFoundException(DealId dealId) {
        super("no pinning deal " + dealId);
    }
}

package io.icn.chain;

/** No deal naming a stored chunk's shards appeared on the chain within the grace period; names both. */
public class PinningTimeoutException extends ChainException {
    private static final long serialVersionUID = 1L;

    public PinningTimeoutException(String cid, long graceBlocks) {
        super("no active deal names the shards of " + cid + " within " + graceBlocks + " blocks of its arrival; the"
                + " chunk is not pinned");
    }
}

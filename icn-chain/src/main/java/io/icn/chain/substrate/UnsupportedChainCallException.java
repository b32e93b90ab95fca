package io.icn.chain.substrate;

import io.icn.chain.ChainException;

/**
 * The chain has no such call or storage: the original pinning pallet lacks the endpoint registry and the
 * stake and reputation the SPI exposes. The caller falls back (the DHT and the configured peers for
 * endpoints). The message names the call and the fallback.
 */
public final class UnsupportedChainCallException extends ChainException {
    private static final long serialVersionUID = 1L;

    public UnsupportedChainCallException(String message) {
        super(message);
    }
}

package io.icn.chain.substrate;

import io.icn.chain.ChainException;

/**
 * The runtime's metadata lacks what the adapter needs (a pallet, call, storage item or type by name), or
 * declares it with a shape the adapter cannot use. The message names what was looked up.
 */
public class MetadataException extends ChainException {
    private static final long serialVersionUID = 1L;

    public MetadataException(String message) {
        super(message);
    }
}

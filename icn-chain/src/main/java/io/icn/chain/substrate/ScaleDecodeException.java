package io.icn.chain.substrate;

import io.icn.chain.ChainException;

/**
 * Bytes that are not a valid SCALE encoding of the expected type: a value out of range, an unknown enum
 * index, a non-canonical compact integer, a length the input cannot hold. The message names the value and
 * the offset where decoding stopped.
 */
public class ScaleDecodeException extends ChainException {
    private static final long serialVersionUID = 1L;

    public ScaleDecodeException(String message) {
        super(message);
    }
}

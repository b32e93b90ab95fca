package io.icn.chain;

/** An audit proof does not prove possession of the challenged bytes; the message says which check failed. */
public class InvalidProofException extends ChainException {
    private static final long serialVersionUID = 1L;

    public InvalidProofException(String message) {
        super(message);
    }
}

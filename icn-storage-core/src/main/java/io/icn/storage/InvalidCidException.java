package io.icn.storage;

/**
 * A string or byte sequence is not a CID this store accepts (CIDv1, sha2-256, raw or dag-pb, base32).
 *
 * <p>Immutable once thrown; safe to hand between threads.
 */
public final class InvalidCidException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidCidException(String message) {
        super(message);
    }
}

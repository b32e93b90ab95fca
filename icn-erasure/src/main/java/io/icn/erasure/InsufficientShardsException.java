package io.icn.erasure;

/** Fewer than {@code k} shards are present, so nothing can be rebuilt. */
public final class InsufficientShardsException extends ErasureException {
    private static final long serialVersionUID = 1L;

    private final int present;
    private final int required;

    public InsufficientShardsException(int present, int required) {
        super("only " + present + " shards present, at least " + required + " required");
        this.present = present;
        this.required = required;
    }

    /** How many shards the call had. */
    public int present() {
        return present;
    }

    /** How many it needed ({@code k}). */
    public int required() {
        return required;
    }
}

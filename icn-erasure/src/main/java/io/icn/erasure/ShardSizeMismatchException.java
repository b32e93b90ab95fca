package io.icn.erasure;

/** The shards of one call differ in size. */
public final class ShardSizeMismatchException extends ErasureException {
    private static final long serialVersionUID = 1L;

    public ShardSizeMismatchException(int shardIndex, int size, int expected) {
        super("shard " + shardIndex + " has " + size + " bytes, expected " + expected
                + " like the other shards");
    }
}

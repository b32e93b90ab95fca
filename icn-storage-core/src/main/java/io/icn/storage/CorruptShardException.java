package io.icn.storage;

import java.util.HexFormat;

/**
 * A shard's bytes no longer hash to the SHA-256 recorded when it was written (or its file is gone or
 * has the wrong length). Raised by verify-on-read and reported by the scrubber, which also moves the
 * shard to quarantine.
 *
 * <p>Immutable once thrown; safe to hand between threads.
 */
public final class CorruptShardException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final transient Cid cid;
    private final int shardIndex;

    public CorruptShardException(Cid cid, int shardIndex, byte[] expectedSha256, byte[] actualSha256) {
        super("shard " + shardIndex + " of " + cid + " is corrupt: expected sha256 "
                + HexFormat.of().formatHex(expectedSha256) + ", found "
                + (actualSha256 == null ? "no readable file" : HexFormat.of().formatHex(actualSha256)));
        this.cid = cid;
        this.shardIndex = shardIndex;
    }

    public CorruptShardException(Cid cid, int shardIndex, String reason) {
        super("shard " + shardIndex + " of " + cid + " is corrupt: " + reason);
        this.cid = cid;
        this.shardIndex = shardIndex;
    }

    public Cid cid() {
        return cid;
    }

    public int shardIndex() {
        return shardIndex;
    }
}

package io.icn.storage;

/**
 * Moves a chunk's recorded deal expiry: journals the chunk's new entry and publishes it; no file changes. Answers
 * the chunk's metadata, or fails with {@link ShardNotFoundException} when the chunk is absent. Confined to the writer
 * once submitted.
 */
final class ExpiryOp extends SetEntryOp<ChunkMeta> {

    private final long expiryBlock;

    ExpiryOp(Cid cid, long expiryBlock) {
        super(cid);
        this.expiryBlock = expiryBlock;
    }

    @Override
    ChunkEntry change(ChunkEntry cur) {
        return cur.withSpec(cur.spec.withExpiryBlock(expiryBlock));
    }

    @Override
    void unchanged(ChunkEntry cur) {
        fail(new ShardNotFoundException(cid, -1));
    }

    @Override
    void apply(GroupCommit group) {
        group.publish(this);
    }

    @Override
    void publish(GroupCommit group) {
        complete(after.toMeta());
    }
}

package io.icn.storage;

/**
 * The writer's last operation, queued by the store's close: the writer commits the group it was forming, writes
 * the final checkpoint, answers, and fails every operation queued after it with {@link StoreClosedException}.
 */
final class StopOp extends WriteOp<Void> {

    @Override
    void enter(StoreWriter.Batch batch) {
        batch.stop(this);
    }
}

package io.icn.storage;

import java.util.concurrent.Callable;

/**
 * Work that runs on the writer thread with no other write in flight (an index rebuild): the writer commits the
 * group it was forming, then runs the task. Answers the task's result or fails with its exception.
 *
 * @param <R> the task's result
 */
final class ExclusiveOp<R> extends WriteOp<R> {

    private final Callable<R> task;

    ExclusiveOp(Callable<R> task) {
        this.task = task;
    }

    @Override
    void enter(StoreWriter.Batch batch) {
        batch.alone(this);
    }

    /** On the writer thread, alone. */
    void run() {
        try {
            complete(task.call());
        } catch (Throwable t) {
            fail(t);
        }
    }
}

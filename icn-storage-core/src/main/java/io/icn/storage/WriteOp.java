package io.icn.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A unit of work for the store's writer thread, with its typed result. The operation says itself how the writer
 * runs it ({@link #enter}): joined to the group commit (a {@link JournaledOp}), alone between groups
 * ({@link ExclusiveOp}) or as the writer's last act ({@link StopOp}). The submitting thread waits in {@link #await};
 * the writer completes or fails the operation exactly once.
 *
 * @param <R> what the operation answers its caller
 */
abstract class WriteOp<R> {

    private final CompletableFuture<R> result = new CompletableFuture<>();

    /** On the writer thread: hands this operation to the batch the writer is forming. */
    abstract void enter(StoreWriter.Batch batch);

    /** Answers the caller. */
    final void complete(R value) {
        result.complete(value);
    }

    /** Fails the caller with {@code t}; operations holding resources (staged files, reserved bytes) release them first. */
    void fail(Throwable t) {
        result.completeExceptionally(t);
    }

    /**
     * The caller's wait for the answer: a runtime failure is rethrown as it is, a checked one wrapped.
     *
     * @param store names the store in the messages
     */
    final R await(Object store) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted waiting for the writer of " + store
                    + "; the write may still complete", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new StorageException("write failed at " + store + ": " + c, c);
        }
    }
}

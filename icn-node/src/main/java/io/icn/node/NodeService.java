package io.icn.node;

/**
 * One of the services a {@link SuperNode} is composed of (ingest and shard serving, audits, cleanup, replication):
 * built from its own typed configuration, started in the node's start order and closed in reverse.
 *
 * <p>Implementations are thread-safe. {@link #start()} is called once, before anything else; {@link #close()}
 * stops what the service runs (its timers, subscriptions and threads), releases what it created and is
 * idempotent. A service never closes what it was given (the store, the chain client, shared executors).
 */
public interface NodeService extends AutoCloseable {

    /** A short name for logs and errors: {@code audits}, {@code cleanup}, ... */
    String name();

    /** Starts the service; returns once it runs. */
    void start();

    /** Stops the service. Idempotent. */
    @Override
    void close();

    /**
     * A service made of a start action and a closeable, for components whose classes predate this interface.
     *
     * @param stop closed by {@link #close()}, once; a checked exception it throws is rethrown unchecked
     */
    static NodeService of(String name, Runnable start, AutoCloseable stop) {
        return new NodeService() {
            private boolean closed;

            @Override
            public String name() {
                return name;
            }

            @Override
            public void start() {
                start.run();
            }

            @Override
            public synchronized void close() {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    stop.close();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new NodeException("closing " + name + " failed: " + e, e);
                }
            }
        };
    }
}

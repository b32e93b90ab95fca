package io.icn.node.launcher;

/**
 * One HTTP endpoint: answers a {@link Request}. Throws {@link ApiError} for a request it refuses, or a module's
 * exception, which the server maps to a status ({@link HttpErrors}).
 *
 * <p>Called on the server's request threads, several at once: implementations are thread-safe.
 */
@FunctionalInterface
interface Handler {
    Reply handle(Request request);
}

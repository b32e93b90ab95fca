package io.icn.p2p;

/**
 * Serves one protocol on streams the remote opens (see {@link P2pHost#bind}).
 *
 * <p><b>Threading.</b> Called on the stream's connection event loop, once per stream, after multistream-select
 * agreed the protocol: it must not block (use the stream's futures, or hand work to an executor). Handlers are
 * shared by every stream of their protocol and must be thread-safe.
 *
 * <p><b>Ownership.</b> The handler owns the stream: it closes or resets it when done. If it throws, the stream is
 * reset.
 */
@FunctionalInterface
public interface StreamHandler {
    /** Serves {@code stream}. */
    void handle(P2pStream stream);
}

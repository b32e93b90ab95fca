package io.icn.p2p;

/**
 * A protocol served by the host: its handler and the limit of its inbound messages. Immutable.
 */
record ProtocolBinding(StreamHandler handler, int maxMessageBytes) {
    ProtocolBinding {
        if (handler == null || maxMessageBytes <= 0) {
            throw new IllegalArgumentException("a binding needs a handler and a positive message limit, got " + maxMessageBytes);
        }
    }
}

package io.icn.transport.quic;

import java.net.InetSocketAddress;

/**
 * The node at an address is not the node pinned for it ({@link ShardClientBuilder#pinnedNodes},
 * {@link ShardClient#pinNode}): it presented a certificate whose fingerprint is not the one pinned for that
 * address (though it may be pinned for another node), or no certificate is pinned for the address and the
 * client trusts no other way. Nothing was sent to it; not retried.
 */
public final class NodeIdentityException extends TransportException {
    private static final long serialVersionUID = 1L;

    private final transient InetSocketAddress node;

    public NodeIdentityException(InetSocketAddress node, String message) {
        super(message);
        this.node = node;
    }

    /** The address whose node was refused. */
    public InetSocketAddress node() {
        return node;
    }
}

package io.icn.p2p;

import java.security.SecureRandom;

/** Test hosts on 127.0.0.1 port 0. */
final class Hosts {
    private Hosts() {
    }

    static P2pHost.Builder loopback() {
        return P2pHost.builder().identity(HostIdentity.generate(new SecureRandom()))
                .listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")).ioThreads(1);
    }

    static Multiaddr dialable(P2pHost host) {
        return host.listenAddresses().get(0).withPeerId(host.peerId());
    }
}

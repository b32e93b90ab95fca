package io.icn.p2p.kad;

import io.icn.p2p.HostIdentity;
import io.icn.p2p.Multiaddr;
import io.icn.p2p.P2pHost;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Java Kademlia nodes on real libp2p hosts on 127.0.0.1. Close it. */
public final class HostDht implements AutoCloseable {
    public final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    public final List<P2pHost> hosts = new ArrayList<>();
    public final List<Kademlia> nodes = new ArrayList<>();
    public final List<HostIdentity> identities = new ArrayList<>();
    private final Random random = new Random(1);

    public Kademlia add(KadConfig config, RecordValidators validators) {
        return add(config, validators, HostIdentity.generate(new SecureRandom()));
    }

    public Kademlia add(KadConfig config, RecordValidators validators, HostIdentity identity) {
        AtomicReference<HostKadNetwork> network = new AtomicReference<>();
        P2pHost host = P2pHost.builder().identity(identity).listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
                .ioThreads(1).eventListener(e -> {
                    HostKadNetwork n = network.get();
                    if (n != null) {
                        n.onEvent(e);
                    }
                }).build();
        hosts.add(host);
        identities.add(identity);
        host.start().orTimeout(10, TimeUnit.SECONDS).join();
        network.set(new HostKadNetwork(host, config, executor, executor, host::listenAddresses));
        Kademlia k = Kademlia.builder(network.get()).config(config).validators(validators).scheduler(executor)
                .random(new Random(random.nextLong())).build().start();
        nodes.add(k);
        return k;
    }

    /** {@code /ip4/127.0.0.1/tcp/<port>/p2p/<id>} of node i. */
    public String address(int i) {
        return hosts.get(i).listenAddresses().get(0).withPeerId(hosts.get(i).peerId()).toString();
    }

    @Override
    public void close() {
        for (Kademlia k : nodes) {
            k.close();
        }
        for (P2pHost h : hosts) {
            h.close();
        }
        executor.shutdownNow();
    }

}

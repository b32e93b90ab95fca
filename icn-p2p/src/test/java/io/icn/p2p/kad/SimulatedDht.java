package io.icn.p2p.kad;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** N Kademlia nodes on one in-memory network, bootstrapped through the first. Close it. */
final class SimulatedDht implements AutoCloseable {
    final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
    final InMemoryKadNetwork network = new InMemoryKadNetwork(executor, Duration.ZERO);
    final List<Kademlia> nodes = new ArrayList<>();
    final Random random;

    SimulatedDht(long seed) {
        this.random = new Random(seed);
    }

    static byte[] randomId(Random r) {
        byte[] id = new byte[34];
        r.nextBytes(id);
        id[0] = 0x12;
        id[1] = 0x20;
        return id;
    }

    Kademlia add(KadConfig config, RecordValidators validators, Clock clock) {
        return add(config, validators, clock, id -> KadPeer.of(id, List.of(new byte[] {4, 127, 0, 0, 1})));
    }

    Kademlia add(KadConfig config, RecordValidators validators, Clock clock, Function<byte[], KadPeer> self) {
        KadPeer peer = self.apply(randomId(random));
        Kademlia k = Kademlia.builder(network.join(peer, config)).config(config).validators(validators)
                .clock(clock).scheduler(executor).random(new Random(random.nextLong())).build().start();
        nodes.add(k);
        return k;
    }

    /** Adds n nodes and bootstraps each through the first. */
    SimulatedDht grow(int n, KadConfig config, RecordValidators validators) {
        for (int i = 0; i < n; i++) {
            Kademlia k = add(config, validators, Clock.systemUTC());
            if (nodes.size() > 1) {
                k.bootstrap(List.of(nodes.get(0).self())).orTimeout(30, TimeUnit.SECONDS).join();
            }
        }
        return this;
    }

    @Override
    public void close() {
        for (Kademlia k : nodes) {
            k.close();
        }
        network.close();
        executor.shutdownNow();
    }
}

package io.icn.p2p.kad;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The DHT's meters, as a {@link QueryListener} to give {@link Kademlia.Builder#listener}:
 * {@code icn_super_node_dht_query_seconds{type, outcome}} (a timer: its count is the number of queries,
 * with a percentile histogram of their latency), {@code icn_super_node_dht_query_requests{type}} (requests
 * sent per query), and, once {@link #watch} is called, gauges of the routing table
 * ({@code icn_super_node_dht_peers}) and the store ({@code icn_super_node_dht_stored_records},
 * {@code icn_super_node_dht_provider_keys}). Types are the lower-case message types ({@code get_value}, ...),
 * outcomes {@code success}, {@code not_found}, {@code timeout}, {@code failure}.
 *
 * <p>Thread-safe. {@link #close} removes every meter it registered.
 */
public final class KadMetrics implements QueryListener, AutoCloseable {
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<KadMessage.Type, DistributionSummary> requests = new ConcurrentHashMap<>();
    private final List<Meter> meters = new CopyOnWriteArrayList<>();

    public KadMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the gauges of {@code dht}'s routing table and store. */
    public KadMetrics watch(Kademlia dht) {
        meters.add(Gauge.builder("icn_super_node_dht_peers", dht, Kademlia::routingTableSize)
                .description("Peers in the Kademlia routing table").register(registry));
        meters.add(Gauge.builder("icn_super_node_dht_stored_records", dht, Kademlia::storedRecords)
                .description("Records held for other peers").register(registry));
        meters.add(Gauge.builder("icn_super_node_dht_provider_keys", dht, Kademlia::storedProviderKeys)
                .description("Keys with provider records held for other peers").register(registry));
        return this;
    }

    @Override
    public void finished(KadMessage.Type type, Outcome outcome, Duration latency, int requestCount) {
        String t = type.name().toLowerCase(Locale.ROOT);
        String o = outcome.name().toLowerCase(Locale.ROOT);
        timers.computeIfAbsent(t + "/" + o, k -> add(Timer.builder("icn_super_node_dht_query_seconds").tag("type", t)
                .tag("outcome", o).description("DHT queries by type and outcome, and their latency")
                .publishPercentileHistogram().register(registry))).record(latency);
        requests.computeIfAbsent(type, k -> add(DistributionSummary.builder("icn_super_node_dht_query_requests")
                .tag("type", t).description("Requests a DHT query sent to peers").register(registry)))
                .record(requestCount);
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    @Override
    public void close() {
        for (Meter m : meters) {
            registry.remove(m);
        }
        meters.clear();
    }
}

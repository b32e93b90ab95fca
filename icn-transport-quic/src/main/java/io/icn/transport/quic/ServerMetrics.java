package io.icn.transport.quic;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's meters (names and tags are listed in docs/protocol.md). Thread-safe. {@link #close()}
 * removes every meter this instance registered.
 */
final class ServerMetrics implements AutoCloseable {

    /** Why a request did not get a full OK response. */
    enum Refusal {
        CONCURRENCY, STREAMS_PER_CONNECTION, CLIENT_RATE, CONNECTIONS, BAD_REQUEST, UNSUPPORTED_VERSION,
        NOT_FOUND, RANGE, HASH_MISMATCH, CORRUPT, HEADER_TIMEOUT, DEADLINE, INTERNAL, DRAINING, UNSUPPORTED_REQUEST,
        UNAUTHORIZED, PAYLOAD_TOO_LARGE, CONTENT_MISMATCH, STORAGE_FULL, INGEST_BUDGET;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    final Timer timeToFirstByte;
    final Timer transfer;
    final Counter bytesServed;
    final Timer put;
    final Counter putBytes;
    final Counter throttleWaits;
    final Timer throttleDelay;
    final Counter malformedDatagrams;
    final AtomicInteger activeStreams = new AtomicInteger();
    final AtomicInteger activeConnections = new AtomicInteger();
    final AtomicInteger throttledStreams = new AtomicInteger();
    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);

    ServerMetrics(MeterRegistry registry) {
        this.registry = registry;
        timeToFirstByte = add(Timer.builder("icn.transport.ttfb")
                .description("Request admitted to first body byte handed to QUIC")
                .publishPercentileHistogram().publishPercentiles(0.5, 0.99).register(registry));
        transfer = add(Timer.builder("icn.transport.transfer")
                .description("Request admitted to last byte handed to QUIC")
                .publishPercentileHistogram().publishPercentiles(0.5, 0.99).register(registry));
        bytesServed = add(Counter.builder("icn.transport.bytes.served").baseUnit("bytes")
                .description("Shard bytes sent").register(registry));
        put = add(Timer.builder("icn.transport.put")
                .description("PUT admitted to the node's answer that the chunk is stored")
                .publishPercentileHistogram().publishPercentiles(0.5, 0.99).register(registry));
        putBytes = add(Counter.builder("icn.transport.put.bytes").baseUnit("bytes")
                .description("Chunk bytes received by PUTs that were stored").register(registry));
        throttleWaits = add(Counter.builder("icn.transport.throttle.waits")
                .description("Times a stream paused for its client's bandwidth budget").register(registry));
        throttleDelay = add(Timer.builder("icn.transport.throttle.delay")
                .description("Pauses imposed by per-client bandwidth limits").register(registry));
        malformedDatagrams = add(Counter.builder("icn.transport.datagrams.malformed")
                .description("Datagrams the QUIC codec failed on (dropped; logged at most once a minute)")
                .register(registry));
        add(Gauge.builder("icn.transport.streams.active", activeStreams, AtomicInteger::get)
                .description("Requests admitted and not finished").register(registry));
        add(Gauge.builder("icn.transport.connections.active", activeConnections, AtomicInteger::get)
                .description("Open QUIC connections").register(registry));
        add(Gauge.builder("icn.transport.streams.throttled", throttledStreams, AtomicInteger::get)
                .description("Streams paused right now by per-client bandwidth limits").register(registry));
        for (Refusal r : Refusal.values()) {
            refused.put(r, add(Counter.builder("icn.transport.requests.refused").tag("reason", r.tag())
                    .description("Requests answered with a non-OK status or cut off").register(registry)));
        }
    }

    void refused(Refusal reason) {
        refused.get(reason).increment();
    }

    double refusedCount(Refusal reason) {
        return refused.get(reason).count();
    }

    void throttled(long nanos) {
        throttleWaits.increment();
        throttleDelay.record(nanos, TimeUnit.NANOSECONDS);
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    @Override
    public void close() {
        synchronized (meters) {
            for (Meter m : meters) {
                registry.remove(m);
            }
            meters.clear();
        }
    }
}

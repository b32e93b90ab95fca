/**
 * Load tools of the QUIC shard transport ({@code io.icn.transport.quic}), each beside a baseline:
 * <ul>
 *   <li>{@link io.icn.benchmarks.transport.TransportLoad}: a load tool (not JMH: it measures whole
 *       transfers across two JVMs and the kernel's UDP path) with a {@code serve} mode that runs a
 *       {@code ShardServer} over a file store in its own JVM, and client modes for 100 relays fetching
 *       different 5 MiB shards at once, 1,000 concurrent 64 KiB ranges, one or several connections
 *       fetching whole shards, and the same files over HTTPS (nginx) as the baseline.</li>
 * </ul>
 * Run them all with {@code icn-benchmarks/run-transport-benchmarks.sh}; see docs/benchmarks.md,
 * "Transport (QUIC)".
 */
package io.icn.benchmarks.transport;

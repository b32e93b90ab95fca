/**
 * Load tools (not JMH) of the Kademlia DHT: {@link io.icn.benchmarks.kad.DhtLookupLoad}, lookups in simulated
 * networks of 25 to 400 nodes in one JVM (requests and latency per lookup beside log2 N), and
 * {@link io.icn.benchmarks.kad.RepublishLoad}, one republication sweep of 140,000 manifests and provider records
 * (time and CPU, per hour of schedule). See docs/benchmarks.md, "DHT".
 */
package io.icn.benchmarks.kad;

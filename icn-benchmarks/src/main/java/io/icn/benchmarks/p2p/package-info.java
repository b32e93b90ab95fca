/**
 * Load tools of the libp2p host ({@code io.icn.p2p}), beside js-libp2p peers:
 * <ul>
 *   <li>{@link io.icn.benchmarks.p2p.P2pThroughputLoad}: one 50 MiB stream over TCP + Noise + Yamux on loopback,
 *       Java→Java, Java→js and js→Java beside js→js in the same run, medians and ratios.</li>
 * </ul>
 * Run with {@code icn-benchmarks/run-p2p-benchmarks.sh}; see docs/benchmarks.md, "p2p".
 */
package io.icn.benchmarks.p2p;

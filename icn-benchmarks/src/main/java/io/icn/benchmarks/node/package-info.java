/**
 * Load tools (not JMH) of the whole super-node, run the way an operator runs it ({@code bin/icn-node run} as a
 * child process, so its time, RSS and heap are the node's own):
 * <ul>
 *   <li>{@link io.icn.benchmarks.node.NodeColdStartLoad}: fills a node storage directory with 140,000 chunks and
 *       their deals exactly as the node's put leaves them, then times cold starts to RUNNING (with and without
 *       the script's AOT cache, and without the chain state), with RSS and heap, and in-process
 *       {@code SuperNode} starts;</li>
 *   <li>{@link io.icn.benchmarks.node.NodeSoak}: a node under mixed load (puts, QUIC and admin-path gets,
 *       audits, cleanups) for 30 minutes, heap after GC and RSS sampled every minute, with the least-squares
 *       slope of each; any error fails it.</li>
 * </ul>
 * {@code NodeProcess} runs and reads the node. Run them with {@code icn-benchmarks/run-node-benchmarks.sh};
 * see docs/benchmarks.md, "Node".
 */
package io.icn.benchmarks.node;

/**
 * The super-node: the modules wired into one node, and its command line.
 *
 * <ul>
 *   <li>{@link io.icn.node.NodeConfig} (read by {@link io.icn.node.NodeConfigFile} from
 *       {@code super-node.toml}): the effective configuration, every value checked;</li>
 *   <li>{@link io.icn.node.SuperNode}: lifecycle NEW → STARTING → RUNNING → STOPPING → STOPPED (or FAILED);
 *       wires the file shard store, the embedded local chain, the audit monitor
 *       ({@link io.icn.node.StoreAuditProver}), the storage cleanup ({@link io.icn.node.StoreExpiredContent}),
 *       the HTTP {@code /metrics}, {@code /health} and {@code /admin/*} endpoints, the QUIC shard server (whose
 *       PUTs from {@code ingest_clients} and the admin {@code put} share one ingest pipeline) and the node's
 *       {@link io.icn.node.NodeIdentity};</li>
 *   <li>{@link io.icn.node.Main}: the {@code icn-node} CLI ({@code run}, the client commands that reach a
 *       running node over its admin endpoints, and {@code director-cert}).</li>
 * </ul>
 *
 * Errors are {@link io.icn.node.NodeException}s ({@link io.icn.node.ConfigException},
 * {@link io.icn.node.StorageLockedException}) whose messages name the bad value and the fix. Operator
 * documentation: docs/configuration.md and docs/operations.md.
 */
package io.icn.node.launcher;

import io.icn.node.*;

/**
 * The {@code icn-node} launcher: what an operator runs around the {@link io.icn.node.SuperNode} library.
 *
 * <ul>
 *   <li>Configuration: {@link io.icn.node.launcher.ConfigKeys}, one declaration per key of {@code super-node.toml}
 *       (name, type and bounds, default, doc line, where the value goes), read by
 *       {@link io.icn.node.launcher.NodeConfigFile} into {@link io.icn.node.launcher.ConfigValues}, which
 *       assembles the {@link io.icn.node.launcher.LauncherConfig}: the node's
 *       {@link io.icn.node.NodeConfig}, the launcher's {@link io.icn.node.launcher.HttpConfig} and
 *       {@link io.icn.node.launcher.LogConfig};</li>
 *   <li>{@link io.icn.node.launcher.NodeLauncher}: the running node of {@code icn-node run}, the
 *       {@code SuperNode} with the Prometheus registry, then the HTTP interface; stops HTTP and node within one
 *       shutdown grace;</li>
 *   <li>HTTP: a small router per listener, each endpoint a handler built from the narrow part of the node it
 *       needs; the long admin operations (verify, index rebuild, repair) run as jobs that the CLI polls;</li>
 *   <li>{@link io.icn.node.launcher.Main}: the {@code icn-node} CLI ({@code run}, the client commands that reach a
 *       running node over its admin endpoints, {@code config} and {@code director-cert}). The only class of
 *       the project that ends the JVM, in {@code main} alone.</li>
 * </ul>
 *
 * Errors are {@link io.icn.node.NodeException}s ({@link io.icn.node.ConfigException} for configuration) whose
 * messages name the bad value and the fix. Operator documentation: docs/configuration.md and docs/operations.md.
 */
package io.icn.node.launcher;

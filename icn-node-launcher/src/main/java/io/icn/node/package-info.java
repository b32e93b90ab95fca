/**
 * The super-node: wiring of the modules into one node. So far the adapters that let the chain
 * module's audit monitor and storage cleanup work on a real shard store
 * ({@link io.icn.node.StoreAuditProver}, {@link io.icn.node.StoreExpiredContent}); configuration,
 * CLI, HTTP endpoints and the runnable jar follow (issue 6).
 */
package io.icn.node;

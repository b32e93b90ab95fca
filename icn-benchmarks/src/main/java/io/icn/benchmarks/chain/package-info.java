/**
 * Load tools (not JMH) of the embedded local chain: {@link io.icn.benchmarks.chain.ChainPersistLoad}, the cost of
 * making one new deal durable ({@code LocalChain.persist()}, a journal append and fsync) beside a write of the
 * whole state file (what {@code persist()} cost before the journal), at several chain sizes. See
 * docs/benchmarks.md, "Chain".
 */
package io.icn.benchmarks.chain;

/**
 * JMH benchmarks of the erasure codec ({@code io.icn.erasure}) on one workload, RS(10,4) over a
 * 50 MB chunk of 5,000,000-byte shards, beside its peers: Hadoop's pure-Java Reed-Solomon coder, a
 * no-op coder, a 50 MB memory copy, and ISA-L in C ({@code native/isal_bench.c}).
 *
 * <p>Run them all with {@code icn-benchmarks/run-erasure-benchmarks.sh}; results and the ratio table
 * are described in {@code docs/benchmarks.md}. Every operation is one chunk, so
 * {@code GB/s = ops/s * 0.05}.
 */
package io.icn.benchmarks.erasure;

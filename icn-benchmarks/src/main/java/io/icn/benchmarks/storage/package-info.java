/**
 * Benchmarks and load tools of the shard store ({@code io.icn.storage}), each beside a baseline that
 * does the same I/O without the store:
 * <ul>
 *   <li>{@link io.icn.benchmarks.storage.ShardStoreBenchmark}: random 64 KiB range and whole-shard reads
 *       (hot-shard cache, page cache, zero-copy region) beside plain {@code FileChannel} reads of the same
 *       files and heap copies (JMH SampleTime: percentiles);</li>
 *   <li>{@link io.icn.benchmarks.storage.ChunkPutBenchmark}: an fsync'd 50 MB chunk put beside a raw
 *       write+fsync of the same 14 files;</li>
 *   <li>{@link io.icn.benchmarks.storage.StorageUsageBenchmark}: the O(1) usage query over stores of
 *       different sizes;</li>
 *   <li>{@link io.icn.benchmarks.storage.StoreStartupLoad}: a load tool (not JMH) that fills stores of
 *       10k, 50k and 140k chunks and times their startup and index memory in fresh child JVMs.</li>
 * </ul>
 * Run them all with {@code icn-benchmarks/run-storage-benchmarks.sh}; see docs/benchmarks.md, "Storage".
 */
package io.icn.benchmarks.storage;

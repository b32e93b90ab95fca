package io.icn.benchmarks.erasure;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link ErasureWholeChunkBenchmark} in a plain JVM: the fork adds only
 * {@code --add-modules jdk.incubator.vector}, as {@link PlainJvmErasureEncodeBenchmark}.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PlainJvmErasureWholeChunkBenchmark extends ErasureWholeChunkBenchmark {
}

package io.icn.benchmarks.erasure;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link ErasureEncodeBenchmark} in the JVM an embedder runs: the fork adds only
 * {@code --add-modules jdk.incubator.vector} (what the README asks for), none of the node's flags
 * (no {@code VECTOR_ACCESS_OOB_CHECK=0}, no transparent huge pages, no fixed heap, no native access).
 * The same benchmark methods and parameters, inherited; only the fork differs.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PlainJvmErasureEncodeBenchmark extends ErasureEncodeBenchmark {
}

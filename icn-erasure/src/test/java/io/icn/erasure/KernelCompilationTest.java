package io.icn.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SIMD kernels compile at every JIT tier in a fresh JVM whose JIT is busy, as an embedder's often is. When
 * {@code multiplyFourBlock} took five inputs (2,937 bytecodes), C1 gave up on its profiled compile ("out of virtual
 * registers"); with the compile queues busy the JIT first compiled it at C1's tier 2, and then never reached C2:
 * in 2 of 4 such starts every encode ran at 0.03 GB/s for the whole run (docs/erasure.md). No compile of the codec's
 * methods may be skipped.
 */
class KernelCompilationTest {
    private static final long CHILD_LIMIT_SECONDS = 240;

    @Test
    void everyKernelMethodCompilesWhileTheJitIsBusy(@TempDir Path dir) throws IOException, InterruptedException {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "needs jdk.incubator.vector");
        Path out = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+IgnoreUnrecognizedVMOptions", "--add-modules=jdk.incubator.vector", "-XX:+PrintCompilation",
                "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean ended = child.waitFor(CHILD_LIMIT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        assertThat(ended).as("the child JVM ended within %d s; its log's tail:\n%s", CHILD_LIMIT_SECONDS, tail).isTrue();
        assertThat(String.join("\n", lines)).as("the child's end; its log's tail:\n%s", tail).contains("ENCODED");
        assertThat(lines.stream().filter(l -> l.contains("io.icn.erasure.") && l.contains("COMPILE SKIPPED"))
                .collect(Collectors.toList()))
                .as("compilations of the codec's methods that the JIT gave up").isEmpty();
    }

    /** The child JVM: threads keeping the JIT busy, and RS(10,4) encodes of 1 MB shards. */
    static final class Child {
        private static volatile boolean stop;

        public static void main(String[] args) throws InterruptedException {
            Thread[] busy = new Thread[2];
            for (int t = 0; t < busy.length; t++) {
                busy[t] = new Thread(Child::busy, "busy-" + t);
                busy[t].setDaemon(true);
                busy[t].start();
            }
            ErasureCodec codec = ErasureCodec.reedSolomon(10, 4);
            byte[][] shards = new byte[14][1_000_000];
            for (int i = 0; i < 10; i++) {
                for (int j = 0; j < shards[i].length; j += 7) {
                    shards[i][j] = (byte) (i * 31 + j);
                }
            }
            for (int call = 0; call < 300; call++) {
                codec.encodeParity(shards);
            }
            stop = true;
            for (Thread t : busy) {
                t.join(10_000);
            }
            System.out.println("ENCODED");
        }

        /** Much distinct hot code: strings, maps, regular expressions. */
        private static void busy() {
            Map<String, Integer> counts = new HashMap<>();
            for (long n = 0; !stop; n++) {
                counts.merge(Long.toString(n % 10_000, 36), 1, Integer::sum);
                if (n % 100_000 == 0) {
                    counts.clear();
                }
                Pattern.compile("a" + (n % 50) + "b*").matcher("abbb").matches();
            }
        }
    }
}

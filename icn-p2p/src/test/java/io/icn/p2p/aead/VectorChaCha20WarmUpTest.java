package io.icn.p2p.aead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Vector API ChaCha20's warm-up in a fresh JVM whose JIT is busy, as a node's is at start-up: two threads seal
 * 64 KiB messages through the warming cipher (the scalar code) while the warm-up runs. When {@code keystream} was one
 * method too large for C1 ("out of virtual registers"), a busy compile queue left it in C1's tier 2 for good in
 * four of six such starts, and the vector code was never used; C1's skipped compile showed in every start. Each of
 * C1's and C2's compilations must succeed, and the warm-up must end with the vector code in use (within 240 s: at a
 * load average of 20 a start took 60 s).
 */
class VectorChaCha20WarmUpTest {
    private static final long CHILD_LIMIT_SECONDS = 240;

    @Test
    void everyMethodCompilesAtEveryTierAndTheWarmUpSwitchesWhileTheJitIsBusy(@TempDir Path dir)
            throws IOException, InterruptedException {
        // a CPU with 512-bit vectors gains about 2.8x over the scalar code (docs/benchmarks.md); narrower ones may
        // rightly keep the scalar code, which the warm-up's 1.5x criterion decides
        assumeTrue(ChaChaPolys.vectorBits() >= 512, "needs jdk.incubator.vector and 512-bit vectors");
        Path out = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+IgnoreUnrecognizedVMOptions", "--add-modules=jdk.incubator.vector", "-XX:+PrintCompilation",
                "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                Long.toString(CHILD_LIMIT_SECONDS))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean ended = child.waitFor(CHILD_LIMIT_SECONDS + 30, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        String log = String.join("\n", lines);
        assertThat(ended).as("the child JVM ended within its limit; its log:\n%s", tail(lines)).isTrue();
        assertThat(lines.stream().filter(l -> l.contains("io.icn.p2p.aead.") && l.contains("COMPILE SKIPPED"))
                .collect(Collectors.toList()))
                .as("compilations of the cipher's methods that the JIT gave up").isEmpty();
        assertThat(log).as("the warm-up's verdict; the log's tail:\n%s", tail(lines))
                .contains("RESULT warm=true");
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** The child JVM: busy sealing threads, then waits (bounded) for the warm-up's verdict. */
    static final class Child {
        private static volatile boolean stop;

        public static void main(String[] args) throws InterruptedException {
            long limitNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[0]));
            long start = System.nanoTime();
            Thread[] sealers = new Thread[2];
            for (int t = 0; t < sealers.length; t++) {
                sealers[t] = new Thread(Child::seal, "sealer-" + t);
                sealers[t].setDaemon(true);
                sealers[t].start();
            }
            while (!WarmingChaCha20.warm() && System.nanoTime() - start < limitNanos) {
                Thread.sleep(50);
            }
            stop = true;
            for (Thread t : sealers) {
                t.join(10_000);
            }
            System.out.println("RESULT warm=" + WarmingChaCha20.warm() + " after ms="
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }

        private static void seal() {
            ChaCha20 vector = new VectorChaCha20();
            WarmingChaCha20.startWarmUp(vector);
            ChaChaPoly cipher = new JavaChaChaPoly(new WarmingChaCha20(vector), new byte[32]);
            ByteBuffer[] src = {ByteBuffer.allocateDirect(65_519), ByteBuffer.allocate(65_519)};
            ByteBuffer[] dst = {ByteBuffer.allocateDirect(65_535), ByteBuffer.allocate(65_535)};
            byte[] ad = new byte[0];
            for (long n = 0; !stop; n++) {
                int which = (int) (n & 1);
                src[which].clear();
                dst[which].clear();
                cipher.seal(0, n, ad, src[which], dst[which]);
            }
        }
    }
}

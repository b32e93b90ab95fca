package io.icn.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Kernel selection: the probe, the fallback without the Vector API module, the forcing property. */
class KernelsTest {

    @Test
    void bestIsAVectorKernelWhenTheModuleIsLoaded() {
        assertThat(Kernels.best().name()).startsWith("vector-");
        assertThat(Kernels.selectionReason()).isNotBlank();
        assertThat(ErasureCodec.reedSolomon(10, 4).kernelName()).isEqualTo(Kernels.best().name());
        assertThatThrownBy(() -> Kernels.vector(64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64");
    }

    /**
     * A kernel that fails its self-test is dropped, not reported: then the contract tests, which take the
     * available kernels, would never see it. Every width this CPU has must pass.
     */
    @Test
    void everyWidthOfThisCpuPassesItsSelfTest() {
        for (int bits : new int[] {128, 256, 512}) {
            if (bits <= VectorWidth.maxBits()) {
                assertThat(Kernels.vector(bits)).as("vector-%d on a CPU with %d-bit vectors", bits,
                        VectorWidth.maxBits()).isPresent();
            }
        }
    }

    @Test
    void calibrationReturnsAValueAndChangesNothingProcessWide() {
        Gf256Kernel before = Kernels.best();
        KernelSelection probed = Kernels.probed();
        KernelSelection calibrated = Kernels.calibrate(Duration.ofSeconds(5));
        assertThat(calibrated.reason()).isNotBlank();
        assertThat(Kernels.available()).contains(calibrated.kernel());
        assertThat(Kernels.best()).isSameAs(before);
        assertThat(Kernels.probed()).isEqualTo(probed);
        assertThat(ErasureCodec.reedSolomon(10, 4).kernelName()).isEqualTo(before.name());
        assertThat(calibrated.reedSolomon(10, 4).kernelName()).isEqualTo(calibrated.kernel().name());
        assertThatThrownBy(() -> Kernels.calibrate(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> new KernelSelection(Kernels.scalar(), " ", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scalar");
    }

    /**
     * Which path direct buffers take, by JDK: in place on JDK 17-19 (ByteBuffer access) and on 22+
     * (memory segments: the multi-release classes, so this fails when the JDK 22+ run does not use
     * the jar's META-INF/versions/22; at the buffers' addresses with native access enabled, else on a
     * segment per buffer), staged on JDK 20-21. Run by surefire on JDK 17 and by failsafe on the JDK 22+
     * toolchain with native access enabled and without.
     */
    @Test
    void directBuffersTakeTheInPlacePathOfThisJdk() {
        int feature = Runtime.version().feature();
        boolean nativeAccess = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("--enable-native-access"));
        String expected = feature <= 19 ? "in place by ByteVector.fromByteBuffer"
                : feature < 22 ? "staged"
                : "in place by ByteVector.fromMemorySegment/intoMemorySegment (JDK 22+ class) "
                + (nativeAccess ? "at the buffers' addresses" : "on a segment per buffer and call");
        for (Gf256Kernel k : Kernels.available().subList(1, Kernels.available().size())) {
            assertThat(k.bufferAccess()).as(k.name()).startsWith(expected);
            assertThat(k.inPlace(ByteBuffer.allocateDirect(16))).as(k.name()).isEqualTo(!expected.equals("staged"));
        }
        assertThat(Kernels.scalar().inPlace(ByteBuffer.allocateDirect(16))).isFalse();
        assertThat(Kernels.selectionReason()).contains("direct buffers: " + expected);
    }

    @Test
    @Timeout(60)
    void withoutTheModuleTheScalarKernelRunsAndSaysWhy() throws Exception {
        String out = runChild(List.of(), "");
        assertThat(out).contains("kernel=scalar").contains("add --add-modules jdk.incubator.vector")
                .contains("vectorAvailable=false");
    }

    @Test
    @Timeout(60)
    void thePropertyForcesAKernel() throws Exception {
        assertThat(runChild(List.of("--add-modules", "jdk.incubator.vector"), "scalar"))
                .contains("kernel=scalar").contains("forced");
        assertThat(runChild(List.of("--add-modules", "jdk.incubator.vector"), "vector-128"))
                .contains("kernel=vector-128").contains("forced");
        assertThat(runChild(List.of(), "vector-256"))
                .contains("kernel=scalar").contains("is not available");
        assertThat(runChild(List.of("--add-modules", "jdk.incubator.vector"), "turbo"))
                .contains("kernel=scalar").contains("unknown -Dicn.erasure.kernel=turbo");
    }

    /** Entry point of the child JVMs. */
    public static void main(String[] args) {
        Gf256Kernel k = Kernels.best();
        byte[][] shards = ErasureCodec.reedSolomon(10, 4).encode(new byte[12345]);
        System.out.println("kernel=" + k.name() + " vectorAvailable=" + Kernels.vectorAvailable()
                + " shards=" + shards.length + " reason=" + Kernels.selectionReason());
    }

    private static String runChild(List<String> jvmArgs, String forced) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        if (!forced.isEmpty()) {
            cmd.add("-D" + Kernels.KERNEL_PROPERTY + "=" + forced);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelsTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            assertThat(p.waitFor(50, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            return out;
        } finally {
            p.destroyForcibly();
        }
    }
}

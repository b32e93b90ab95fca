package io.icn.node.launcher;

import io.icn.node.*;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RSS from a {@code /proc/<pid>/status}-shaped file, and no meter where there is none. */
class ProcessMemoryMetricsTest {

    @TempDir
    Path tmp;

    @Test
    void vmRssIsReadInBytesAtEveryScrape() throws Exception {
        Path status = tmp.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmPeak:\t 9999999 kB\nVmRSS:\t  123456 kB\nThreads:\t42\n");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new ProcessMemoryMetrics(status).bindTo(registry);
        assertThat(registry.get("process.resident.memory").gauge().value()).isEqualTo(123456.0 * 1024);
        assertThat(registry.get("process.resident.memory").gauge().getId().getBaseUnit()).isEqualTo("bytes");

        Files.writeString(status, "VmRSS:\t  2048 kB\n");
        assertThat(registry.get("process.resident.memory").gauge().value()).isEqualTo(2048.0 * 1024);
    }

    @Test
    void nothingIsRegisteredWithoutTheFileOrItsLine() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new ProcessMemoryMetrics(tmp.resolve("absent")).bindTo(registry);
        new ProcessMemoryMetrics(Files.writeString(tmp.resolve("other"), "Name:\tjava\n")).bindTo(registry);
        assertThat(registry.find("process.resident.memory").gauge()).isNull();
    }
}

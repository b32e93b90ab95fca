package io.icn.node.launcher;

import io.icn.node.*;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The process's resident set size as {@code process.resident.memory} (bytes; Prometheus
 * {@code process_resident_memory_bytes}), read from the {@code VmRSS} line of Linux's
 * {@code /proc/self/status} at every scrape. It counts what the JVM meters cannot: Netty's pooled direct
 * buffers, quiche's native memory, thread stacks, code cache and the allocator's own overhead. Where the
 * file is absent or has no {@code VmRSS} line (not Linux) {@link #bindTo} registers nothing.
 *
 * <p>Immutable and thread-safe.
 */
final class ProcessMemoryMetrics implements MeterBinder {
    private static final String VM_RSS = "VmRSS:";

    private final Path status;

    ProcessMemoryMetrics(Path status) {
        this.status = status;
    }

    /** Reads {@code /proc/self/status}. */
    static ProcessMemoryMetrics linux() {
        return new ProcessMemoryMetrics(Path.of("/proc/self/status"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (residentBytes().isEmpty()) {
            return;
        }
        Gauge.builder("process.resident.memory", this::residentBytesOrNaN)
                .baseUnit("bytes")
                .description("resident set size of the process (VmRSS of " + status + ")")
                .register(registry);
    }

    private Number residentBytesOrNaN() {
        OptionalLong rss = residentBytes();
        return rss.isPresent() ? rss.getAsLong() : Double.NaN;
    }

    /** {@code VmRSS} in bytes, or empty if the file or the line is missing or unreadable. */
    OptionalLong residentBytes() {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith(VM_RSS)) {
                    return OptionalLong.of(kibibytes(line.substring(VM_RSS.length())) * 1024);
                }
            }
            return OptionalLong.empty();
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** {@code "   123456 kB"} → 123456: the kernel writes {@code kB} and means KiB. */
    private static long kibibytes(String field) {
        String v = field.trim();
        if (v.endsWith("kB")) {
            v = v.substring(0, v.length() - 2).trim();
        }
        return Long.parseLong(v);
    }
}

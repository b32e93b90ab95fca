package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules that keep the library modules a library (docs/architecture.md): none names a launcher class, and
 * none ends the JVM. Reads the main sources of every library module of this checkout.
 */
class LibraryBoundariesTest {
    private static final List<String> LIBRARY_MODULES = List.of("icn-erasure", "icn-storage-core",
            "icn-transport-quic", "icn-chain", "icn-p2p", "icn-node", "icn-test-support");
    private static final String LAUNCHER_PACKAGE = "io.icn.node." + "launcher";

    @Test
    void noLibraryClassNamesTheLauncherOrCallsSystemExit() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("icn-node-launcher")).as("the checkout's root, from %s", root).isDirectory();
        List<String> found = new ArrayList<>();
        int files = 0;
        for (String module : LIBRARY_MODULES) {
            Path src = root.resolve(module).resolve("src").resolve("main");
            if (!Files.isDirectory(src)) {
                continue;
            }
            List<Path> sources;
            try (Stream<Path> walk = Files.walk(src)) {
                sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
            }
            for (Path file : sources) {
                files++;
                String text = Files.readString(file);
                if (text.contains(LAUNCHER_PACKAGE)) {
                    found.add(root.relativize(file) + " names the launcher");
                }
                if (text.contains("System.exit(")) {
                    found.add(root.relativize(file) + " calls System.exit");
                }
            }
        }
        assertThat(files).as("library sources read").isGreaterThan(100);
        assertThat(found).isEmpty();
    }
}

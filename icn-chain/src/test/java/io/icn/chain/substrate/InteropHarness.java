package io.icn.chain.substrate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the project's chain interop harness ({@code interop/chain}: chopsticks and polkadot.js, installed by
 * icn-chain's build): node scripts with a bound on their run time, and chopsticks processes started and
 * ended by the test that needs them, on 127.0.0.1 and a port the OS picks.
 */
public final class InteropHarness {
    /** The harness directory, {@code interop/chain} (tests run in a module directory). */
    public static final Path DIR = Path.of("..", "interop", "chain").toAbsolutePath().normalize();
    private static final Pattern LISTENING = Pattern.compile("RPC listening on .* ws://127\\.0\\.0\\.1:(\\d+)");

    private InteropHarness() {
    }

    public static void requireInstalled() {
        if (!Files.isDirectory(DIR.resolve("node_modules/@polkadot/api"))) {
            throw new IllegalStateException(DIR + "/node_modules is missing: run `npm ci --ignore-scripts` there"
                    + " (icn-chain's build does it when the directory is absent)");
        }
    }

    /** Runs {@code node script args...} in the harness directory and returns its standard output. */
    public static String runNode(long timeoutSeconds, String script, String... args) throws IOException, InterruptedException {
        return runNodeWithInput(timeoutSeconds, "", script, args);
    }

    /** {@link #runNode} with {@code input} on the script's standard input. */
    public static String runNodeWithInput(long timeoutSeconds, String input, String script, String... args)
            throws IOException, InterruptedException {
        requireInstalled();
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            try (java.io.OutputStream in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + script + " did not finish within " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("node " + script + " exited with " + p.exitValue());
            }
            return new String(out.join(), StandardCharsets.UTF_8);
        } finally {
            destroyTree(p);
        }
    }

    /** A daemon scheduler for the adapter under test (timeouts, reconnection, listeners). */
    public static java.util.concurrent.ScheduledExecutorService scheduler(String name) {
        return java.util.concurrent.Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    static void destroyTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A chopsticks chain (Rococo Asset Hub's runtime, offline) on 127.0.0.1. */
    public static final class Chopsticks implements AutoCloseable {
        final Process process;
        final int port;

        private Chopsticks(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        /** Starts chopsticks on {@code port} (0: any free port) and waits (at most 90 s) until it serves RPC. */
        public static Chopsticks start(int port) throws IOException, InterruptedException {
            requireInstalled();
            Path spec = DIR.resolve("specs/asset-hub-rococo.json");
            if (!Files.exists(spec)) {
                Files.createDirectories(spec.getParent());
                String json = runNode(60, "-e", "process.stdout.write(require('@substrate/connect-known-chains/"
                        + "rococo_v2_2_asset_hub').chainSpec)");
                Path tmp = spec.resolveSibling("asset-hub-rococo.json.tmp");
                Files.writeString(tmp, json);
                Files.move(tmp, spec, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            Process p = new ProcessBuilder("node", "node_modules/@acala-network/chopsticks/chopsticks.cjs",
                    "--genesis", spec.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port),
                    "--build-block-mode", "Manual")
                    .directory(DIR.toFile()).redirectErrorStream(true).start();
            CompletableFuture<Integer> bound = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            bound.complete(Integer.parseInt(m.group(1)));
                        }
                    }
                } catch (IOException e) {
                    bound.completeExceptionally(e);
                }
                bound.completeExceptionally(new IllegalStateException("chopsticks exited before serving RPC"));
            }, "chopsticks-output");
            reader.setDaemon(true);
            reader.start();
            try {
                return new Chopsticks(p, bound.get(90, TimeUnit.SECONDS));
            } catch (Exception e) {
                destroyTree(p);
                throw new IllegalStateException("chopsticks did not start: " + e, e);
            }
        }

        public int port() {
            return port;
        }

        public String url() {
            return "ws://127.0.0.1:" + port;
        }

        /** Kills the process (and its children) at once, as a crash would. */
        @Override
        public void close() {
            destroyTree(process);
        }
    }
}

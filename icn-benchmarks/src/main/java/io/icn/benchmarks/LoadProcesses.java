package io.icn.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the load tools (not JMH: {@code NodeColdStartLoad}, {@code NodeSoak}, {@code StoreStartupLoad}) share:
 * the JMH lock held for a whole run, the tool run again in a child JVM that reports {@code RESULT} lines,
 * commands with a time bound ({@code sync}, {@code du}, {@code rm -rf}), the log line, and {@code --key value}
 * options.
 */
public final class LoadProcesses {

    /** JMH's own lock: a run holding it measures alone among the benchmarks that honour it. */
    public static final Path JMH_LOCK = Path.of("/tmp/jmh.lock");

    private LoadProcesses() {
    }

    // ---- the JMH lock ------------------------------------------------------------------------------------

    /** {@link #JMH_LOCK}, open, and held unless the caller already holds it. Closing releases it. */
    public static final class JmhLock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private JmhLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() throws IOException {
            try {
                if (lock != null) {
                    lock.close();
                }
            } finally {
                channel.close();
            }
        }
    }

    /**
     * Opens {@link #JMH_LOCK} and, when {@code take}, waits up to {@code waitSeconds} for it (polling every 10 s,
     * saying so once).
     *
     * @throws IllegalStateException if another run still holds it after the wait
     */
    public static JmhLock jmhLock(boolean take, long waitSeconds) throws IOException, InterruptedException {
        FileChannel ch = FileChannel.open(JMH_LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return new JmhLock(ch, take ? acquire(ch, waitSeconds) : null);
        } catch (IOException | InterruptedException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static FileLock acquire(FileChannel ch, long waitSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        boolean told = false;
        while (true) {
            FileLock l = ch.tryLock();
            if (l != null) {
                return l;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(JMH_LOCK + " still held after " + waitSeconds + " s");
            }
            if (!told) {
                log("another benchmark holds %s; waiting (up to %d s)", JMH_LOCK, waitSeconds);
                told = true;
            }
            Thread.sleep(10_000);
        }
    }

    // ---- child JVMs and commands -------------------------------------------------------------------------

    /** The {@code java} running this tool. */
    public static Path currentJava() {
        return Path.of(ProcessHandle.current().info().command().orElse("java"));
    }

    /**
     * A load tool run again in a fresh JVM: {@code java jvmFlags -cp <this class path> main --child args}. Its
     * output (standard output and error) is echoed line by line as {@code "    | line"}, but for lines that
     * contain {@code hide} (when not null), and its {@code RESULT k=v k=v} lines are collected.
     *
     * @param hide a fragment of the lines not to echo, e.g. the JDK's incubator-module warning; null for none
     */
    public record ChildJvm(Path java, List<String> jvmFlags, Class<?> main, String hide) {

        /**
         * Runs the child with a bound; a non-zero exit is an error.
         *
         * @return its RESULT pairs in order, or null if it outlived the bound (it is then killed)
         */
        public Map<String, String> run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
            return run(timeoutSeconds, true, args);
        }

        /**
         * Runs the child with a bound.
         *
         * @param checkExit whether a non-zero exit is an error ({@link IllegalStateException})
         * @return its RESULT pairs in order, or null if it outlived the bound (it is then killed)
         */
        public Map<String, String> run(long timeoutSeconds, boolean checkExit, String... args)
                throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>();
            cmd.add(java.toString());
            cmd.addAll(jvmFlags);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName(), "--child"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Map<String, String> result = new LinkedHashMap<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("RESULT ")) {
                            for (String kv : line.substring(7).split(" ")) {
                                int eq = kv.indexOf('=');
                                synchronized (result) {
                                    result.put(kv.substring(0, eq), kv.substring(eq + 1));
                                }
                            }
                        }
                        if (hide == null || !line.contains(hide)) {
                            System.out.println("    | " + line);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            reader.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                reader.join();
                log("child %s outlived %d s and was killed", Arrays.toString(args), timeoutSeconds);
                return null;
            }
            reader.join();
            if (checkExit && p.exitValue() != 0) {
                throw new IllegalStateException("child " + Arrays.toString(args) + " exited " + p.exitValue());
            }
            synchronized (result) {
                return result;
            }
        }
    }

    /** The used heap after three {@code System.gc()}: what the objects reachable now occupy, roughly. */
    public static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A child's report: prints {@code RESULT s}, which {@link ChildJvm} collects. */
    public static void result(String s) {
        System.out.println("RESULT " + s);
    }

    /** Runs a command with a bound; its stdout, or null if it failed or outlived the bound. */
    public static String run(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return null;
        }
        return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
    }

    /** What {@code du -s -B1 dir} says the directory takes on disk, bytes; -1 if it failed. */
    public static long duBytes(Path dir, long timeoutSeconds) throws IOException, InterruptedException {
        String du = run(timeoutSeconds, "du", "-s", "-B1", dir.toString());
        return du == null ? -1 : Long.parseLong(du.trim().split("\\s+")[0]);
    }

    /** The sizes of the files directly in {@code dir}, summed. */
    public static long dirBytes(Path dir) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                total += Files.size(f);
            }
        }
        return total;
    }

    // ---- output and options ------------------------------------------------------------------------------

    /** A progress line on standard output: {@code [HH:MM:SS] } and the formatted text. */
    public static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%tT] " + format + "%n", prepend(System.currentTimeMillis(), args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /**
     * {@code --key value} pairs, in order, keys without the dashes.
     *
     * @throws IllegalArgumentException with {@code usage} as its message if an argument is not such a pair
     */
    public static Map<String, String> options(String[] args, String usage) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(usage);
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}

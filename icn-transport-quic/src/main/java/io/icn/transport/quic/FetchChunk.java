package io.icn.transport.quic;

import io.icn.storage.Cid;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The chunk fetcher of a command line: fetches one chunk from running super-nodes and writes it to a
 * file. {@link #run} takes the arguments and returns the exit status; it never exits the JVM (this is
 * library code), a program's {@code main} does that (e.g. {@code io.icn.examples.relay.FetchChunkCommand}
 * in {@code examples/}, or the node launcher's {@code icn-node get}).
 *
 * <pre>
 * --cid bafk... --node 10.0.0.5:9002 --node 10.0.0.6:9002 \
 *      (--pin SHA256-FINGERPRINT ... | --insecure) [--out chunk.bin] [--timeout 60]
 * </pre>
 *
 * Status 0 on success, 1 on a fetch failure, 2 on a usage error. See docs/protocol.md.
 *
 * <p>Thread-safe: {@link #run} keeps no state between calls.
 */
public final class FetchChunk {

    private FetchChunk() {
    }

    /**
     * Runs the command with {@code args}, printing the result to {@code out} and errors to {@code err}.
     *
     * @return the exit status: 0 fetched, 1 the fetch failed, 2 a usage error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<InetSocketAddress> nodes = new ArrayList<>();
        List<String> pins = new ArrayList<>();
        boolean insecure = false;
        Cid cid = null;
        Path target = null;
        long timeoutSeconds = 60;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--node" -> nodes.add(address(value(args, ++i, arg)));
                    case "--pin" -> pins.add(value(args, ++i, arg));
                    case "--insecure" -> insecure = true;
                    case "--cid" -> cid = Cid.parse(value(args, ++i, arg));
                    case "--out" -> target = Path.of(value(args, ++i, arg));
                    case "--timeout" -> timeoutSeconds = Long.parseLong(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown argument: " + arg);
                }
            }
            if (cid == null || nodes.isEmpty() || (pins.isEmpty() && !insecure)) {
                throw new IllegalArgumentException("--cid, at least one --node, and --pin or --insecure are required");
            }
        } catch (RuntimeException e) {
            err.println("usage: FetchChunk --cid CID --node HOST:PORT [--node ...] (--pin FINGERPRINT ... | --insecure)"
                    + " [--out FILE] [--timeout SECONDS]");
            err.println(e.getMessage());
            return 2;
        }
        ShardClientBuilder builder = ShardClient.builder().requestTimeout(Duration.ofSeconds(timeoutSeconds));
        if (insecure) {
            builder.trustAnyCertificate();
        } else {
            builder.pinnedFingerprints(pins);
        }
        try (ShardClient client = builder.build()) {
            long start = System.nanoTime();
            byte[] chunk = client.fetchChunk(nodes, cid).get(timeoutSeconds, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (target != null) {
                Files.write(target, chunk);
            }
            out.printf("fetched %s: %d bytes in %.3f s (%.1f MB/s)%s%n", cid, chunk.length, seconds,
                    chunk.length / seconds / 1e6, target != null ? " -> " + target : "");
            return 0;
        } catch (ExecutionException e) {
            err.println("fetch failed: " + e.getCause());
            for (Throwable s : e.getCause().getSuppressed()) {
                err.println("  " + s);
            }
            return 1;
        } catch (TimeoutException e) {
            err.println("fetch did not finish within " + timeoutSeconds + " s");
            return 1;
        } catch (IOException e) {
            err.println("cannot write " + target + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (TransportException e) {
            err.println("fetch failed: " + e);
            return 1;
        }
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not HOST:PORT: " + hostPort);
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}

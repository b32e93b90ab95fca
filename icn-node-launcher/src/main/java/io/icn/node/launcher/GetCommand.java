package io.icn.node.launcher;

import io.icn.node.*;

import io.icn.storage.ChunkMeta;
import io.icn.storage.Cid;
import io.icn.storage.InvalidCidException;
import io.icn.storage.ShardInfo;
import io.icn.transport.quic.FetchedShards;
import io.icn.transport.quic.ShardClient;
import io.icn.transport.quic.ShardClientBuilder;
import io.icn.transport.quic.ShardFetchRequest;
import io.icn.transport.quic.ShardReceipt;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code icn-node get CID... -o FILE}: fetches chunks over QUIC from one or more nodes and writes them in order to
 * FILE, atomically: each chunk's data shards go straight into their place in the file as they arrive (verified
 * against the manifest's hashes); when some cannot be had, they are rebuilt (Reed-Solomon) from the data shards
 * already in the file, read back, and parity shards, and written into their places. Raw CIDs are then checked against the chunk's SHA-256,
 * read back from the file. Without
 * {@code --from} it asks the node of {@code --config} (over its admin interface) for its QUIC address and
 * certificate fingerprint and, when that node is on the p2p network, for the holders the DHT names for each CID
 * (their manifests' locations and the providers the chain's registry knows, {@code /admin/dht/holders}).
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Fetch chunks over QUIC from one or more nodes, rebuild and verify them, and write them in"
                + " order to a file.")
final class GetCommand extends Main.ConfigOption implements Callable<Integer> {
    private static final Pattern QUIC = Pattern.compile("\"quic\":\"([^\"]+)\"");
    private static final Pattern FINGERPRINT = Pattern.compile("\"quic_fingerprint\":\"([0-9a-f]{64})\"");
    private static final Pattern HOLDER = Pattern.compile("\"([^\"#]+:[0-9]{1,5})#([0-9a-f]{64})\"");

    @Parameters(paramLabel = "CID", arity = "1..*", description = "the chunks, in file order (as 'put' printed them)")
    List<String> cids;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "where to write the bytes")
    Path output;

    @Option(names = "--from", paramLabel = "HOST:PORT", description = "a node's QUIC address (repeatable); default: the node of --config and the holders its DHT names")
    List<String> from = new ArrayList<>();

    @Option(names = "--pin", paramLabel = "SHA256", description = "a node certificate fingerprint to trust (repeatable); required with --from")
    List<String> pins = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "per chunk (default 120)")
    int timeoutSecs;

    /** Data shards rebuilt from parity rather than fetched, over all chunks. */
    private int rebuiltShards;

    @Override
    public Integer call() {
        LogSetup.forClient();
        List<Cid> wanted = new ArrayList<>();
        for (String c : cids) {
            try {
                wanted.add(Cid.parse(c));
            } catch (InvalidCidException e) {
                System.err.println("icn-node: " + e.getMessage());
                return Main.USAGE;
            }
        }
        List<InetSocketAddress> nodes = new ArrayList<>();
        List<String> trusted = new ArrayList<>(pins);
        try {
            if (from.isEmpty()) {
                AdminClient admin = AdminClient.of(values().build().http());
                AdminClient.Response status = admin.get("/admin/status");
                Matcher q = QUIC.matcher(status.body());
                Matcher f = FINGERPRINT.matcher(status.body());
                if (!status.ok() || !q.find() || !f.find()) {
                    System.err.println("icn-node: the node did not report its QUIC endpoint (HTTP " + status.status() + ")");
                    return Main.FAILED;
                }
                nodes.add(address(q.group(1)));
                trusted.add(f.group(1));
                addDhtHolders(admin, wanted, nodes, trusted);
            } else {
                if (trusted.isEmpty()) {
                    System.err.println("icn-node: --from needs --pin with each node's certificate fingerprint"
                            + " (printed at the node's start and in 'icn-node status')");
                    return Main.USAGE;
                }
                for (String f : from) {
                    nodes.add(address(f));
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("icn-node: " + e.getMessage());
            return Main.USAGE;
        } catch (ConfigException e) {
            System.err.println("icn-node: configuration error (" + source() + "): " + e.getMessage());
            return Main.USAGE;
        } catch (AdminClient.UnreachableException e) {
            System.err.println("icn-node: " + e.getMessage());
            return Main.UNREACHABLE;
        }
        return fetch(wanted, nodes, trusted);
    }

    /**
     * Adds the holders the node's DHT names for each CID ({@code host:port#fingerprint}); a node off the network
     * (409) or a lookup that finds none adds nothing, and is said on stderr.
     */
    private void addDhtHolders(AdminClient admin, List<Cid> wanted, List<InetSocketAddress> nodes,
            List<String> trusted) {
        for (Cid cid : wanted) {
            AdminClient.Response r = admin.get("/admin/dht/holders?cid=" + cid);
            if (!r.ok()) {
                System.err.println("get: no DHT holders of " + cid + " (HTTP " + r.status() + "); asking the node alone");
                continue;
            }
            Matcher m = HOLDER.matcher(r.body());
            while (m.find()) {
                InetSocketAddress a = address(m.group(1));
                if (!nodes.contains(a)) {
                    nodes.add(a);
                    trusted.add(m.group(2));
                    System.err.println("get: " + cid + " is also held by " + m.group(1) + " (DHT)");
                }
            }
        }
    }

    private int fetch(List<Cid> wanted, List<InetSocketAddress> nodes, List<String> trusted) {
        Path partial = output.resolveSibling(output.getFileName() + ".part");
        long total = 0;
        boolean complete = false;
        ShardClientBuilder builder = ShardClient.builder().pinnedFingerprints(trusted);
        if (nodes.stream().allMatch(GetCommand::isLoopback)) {
            // Nothing but this host to fetch from: a node that allows as much (a loopback quic_bind does by default)
            // sends a shard in a twelfth of the datagrams (packets of up to 16,383 bytes); the node's own limit holds.
            builder.maxUdpPayloadSize(ConfigKeys.LOOPBACK_UDP_PAYLOAD);
        }
        try (ShardClient client = builder.build();
             FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ)) {
            for (Cid cid : wanted) {
                long length = fetchInto(client, nodes, cid, out, total);
                if (length < 0) {
                    System.err.println("icn-node: the bytes rebuilt for " + cid + " do not hash to it");
                    return Main.FAILED;
                }
                total += length;
                System.err.printf("get: %s %,d bytes%n", cid, length);
            }
            out.truncate(total);
            complete = true;
        } catch (ExecutionException e) {
            System.err.println("icn-node: fetch failed: " + e.getCause().getMessage());
            return Main.FAILED;
        } catch (TimeoutException e) {
            System.err.println("icn-node: fetch took longer than --timeout " + timeoutSecs + " s");
            return Main.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.FAILED;
        } catch (IOException e) {
            System.err.println("icn-node: cannot write " + partial + ": " + e.getMessage());
            return Main.FAILED;
        } finally {
            if (!complete) {
                deleteQuietly(partial); // nothing half-written is left behind
            }
        }
        try {
            Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            System.err.println("icn-node: cannot move " + partial + " to " + output + ": " + e.getMessage());
            return Main.FAILED;
        }
        System.out.printf("%s: %,d bytes from %d chunk(s)%s%n", output, total, wanted.size(), rebuiltShards == 0 ? ""
                : String.format(", %d data shard(s) rebuilt from parity", rebuiltShards));
        return Main.OK;
    }

    /**
     * Writes the chunk at {@code at} in {@code out} and returns its length, or -1 if a raw chunk's bytes do not hash to
     * its CID. The data shards of the systematic code are the chunk itself, so each is fetched straight into its place
     * in the file as it arrives (no copy of the chunk in memory), spread over the nodes. When some of them cannot be
     * had, the data shards already in the file are read back from it and, with as many parity shards as make
     * {@code k}, rebuild the missing ones (Reed-Solomon), which are written into their places; nothing already in the
     * file is fetched again. Without a manifest the chunk is fetched the general way (the k cheapest shards) and
     * written.
     *
     * <p>A raw chunk is checked whole against its CID once it is in the file, so its shards are fetched as ranges
     * (which the client does not hash) rather than hashed as they arrive: one SHA-256 pass over the chunk instead of
     * two (in a JVM just started, where the JIT has not compiled SHA-256's intrinsic yet, each pass costs about 0.35 s
     * of CPU per 50 MB). Only if the whole does not
     * match are the shards checked one by one against the manifest, and the wrong ones rebuilt as missing ones are.
     * Other chunks have no hash of the whole, so each shard is checked against the manifest as it arrives.
     */
    private long fetchInto(ShardClient client, List<InetSocketAddress> nodes, Cid cid, FileChannel out, long at)
            throws ExecutionException, TimeoutException, InterruptedException, IOException {
        boolean raw = cid.codec() == Cid.RAW;
        ChunkMeta meta = manifest(client, nodes, cid);
        if (meta == null) {
            byte[] chunk = client.fetchChunk(nodes, cid).get(timeoutSecs, TimeUnit.SECONDS);
            writeAt(out, ByteBuffer.wrap(chunk), at);
            return raw && !hashesTo(cid, out, at, chunk.length) ? -1 : chunk.length;
        }
        int k = meta.dataShards();
        long shardLength = meta.spec().shardLength();
        List<CompletableFuture<ShardReceipt>> shards = new ArrayList<>();
        for (int i = 0; i < k && i * shardLength < meta.originalLength(); i++) {
            InetSocketAddress node = nodes.get(i % nodes.size());
            // A raw chunk's shard as a range of the whole shard, which the client does not hash (see above).
            shards.add(raw ? client.fetchRange(node, cid, i, 0, shardLength, out, at + i * shardLength)
                    : client.fetchShard(node, cid, i, meta.shard(i).map(ShardInfo::sha256).orElse(null), out,
                            at + i * shardLength));
        }
        try {
            CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new)).get(timeoutSecs, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            System.err.println("get: " + cid + ": a data shard could not be fetched (" + e.getCause().getMessage()
                    + "); rebuilding it from the shards in the file and parity");
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < shards.size(); i++) {
                CompletableFuture<ShardReceipt> f = shards.get(i);
                if (!f.isDone() || f.isCompletedExceptionally() || f.isCancelled()) {
                    f.cancel(false);
                    missing.add(i);
                }
            }
            rebuild(client, nodes, cid, meta, shards.size(), missing, out, at);
        }
        // The padding after the chunk's end is cut by the next chunk or the final truncate.
        if (!raw || hashesTo(cid, out, at, meta.originalLength())) {
            return meta.originalLength();
        }
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            byte[] expected = meta.shard(i).map(ShardInfo::sha256).orElse(null);
            if (expected == null || !Arrays.equals(expected, sha256(readShard(out, meta, at, i)))) {
                wrong.add(i);
            }
        }
        if (wrong.isEmpty()) {
            return -1; // every shard is the one the manifest names, and the manifest is not the CID's
        }
        System.err.println("get: " + cid + ": data shard(s) " + wrong + " do not match the manifest; rebuilding them"
                + " from the other shards in the file and parity");
        rebuild(client, nodes, cid, meta, shards.size(), wrong, out, at);
        return hashesTo(cid, out, at, meta.originalLength()) ? meta.originalLength() : -1;
    }

    /**
     * Rebuilds the data shards {@code missing} of the first {@code dataShards}: the others (in the file) are read
     * back and held, so only parity is fetched, and the rebuilt shards are written into their places.
     */
    private void rebuild(ShardClient client, List<InetSocketAddress> nodes, Cid cid, ChunkMeta meta, int dataShards,
            List<Integer> missing, FileChannel out, long at)
            throws ExecutionException, TimeoutException, InterruptedException, IOException {
        long shardLength = meta.spec().shardLength();
        Map<Integer, byte[]> held = new HashMap<>();
        for (int i = 0; i < dataShards; i++) {
            if (!missing.contains(i)) {
                held.put(i, readShard(out, meta, at, i));
            }
        }
        // Every shard fetched or rebuilt must have the SHA-256 the manifest records for it.
        ShardFetchRequest request = ShardFetchRequest.of(cid, missing).held(held).verifier((index, bytes) ->
                meta.shard(index).map(info -> Arrays.equals(info.sha256(), sha256(bytes))).orElse(false));
        FetchedShards rebuilt = client.fetchShards(nodes, request).get(timeoutSecs, TimeUnit.SECONDS);
        for (int i : missing) {
            writeAt(out, ByteBuffer.wrap(rebuilt.shards().get(i)), at + i * shardLength);
        }
        rebuiltShards += missing.size();
    }

    /** Data shard {@code index} of the chunk at {@code at}, read back from the file. */
    private static byte[] readShard(FileChannel in, ChunkMeta meta, long at, int index) throws IOException {
        long shardLength = meta.spec().shardLength();
        ByteBuffer shard = ByteBuffer.allocate(Math.toIntExact(shardLength));
        readAt(in, shard, at + index * shardLength);
        return shard.array();
    }

    private static boolean hashesTo(Cid cid, FileChannel file, long at, long length) throws IOException {
        return Arrays.equals(sha256(file, at, length), cid.digest());
    }

    private static void writeAt(FileChannel out, ByteBuffer src, long at) throws IOException {
        for (long p = at; src.hasRemaining(); ) {
            p += out.write(src, p);
        }
    }

    private static void readAt(FileChannel in, ByteBuffer dst, long at) throws IOException {
        for (long p = at; dst.hasRemaining(); ) {
            int n = in.read(dst, p);
            if (n < 0) {
                throw new IOException("file ended at " + p + " while reading a shard back");
            }
            p += n;
        }
    }

    /** The first manifest a node gives, or null if none does (the general path then reports why). */
    private ChunkMeta manifest(ShardClient client, List<InetSocketAddress> nodes, Cid cid) throws InterruptedException {
        for (InetSocketAddress node : nodes) {
            try {
                return client.manifest(node, cid).get(timeoutSecs, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // the next node may have it
            }
        }
        return null;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + hostPort + "' is not HOST:PORT");
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        try {
            return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + hostPort + "' has no numeric port", e);
        }
    }

    private static boolean isLoopback(InetSocketAddress node) {
        return node.getAddress() != null && node.getAddress().isLoopbackAddress();
    }

    private static byte[] sha256(byte[] bytes) {
        return sha256Digest().digest(bytes);
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** SHA-256 of {@code length} bytes of {@code file} from {@code at}, read back in 1 MiB steps. */
    private static byte[] sha256(FileChannel file, long at, long length) throws IOException {
        MessageDigest digest = sha256Digest();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        for (long p = at, end = at + length; p < end; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - p));
            int n = file.read(buffer, p);
            if (n < 0) {
                throw new IOException("file ended at " + p + " of " + end);
            }
            p += n;
            digest.update(buffer.flip());
        }
        return digest.digest();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover .part says what it is
        }
    }
}

package io.icn.node.launcher;

import io.icn.chain.ChainException;
import io.icn.chain.substrate.ChainKey;
import io.icn.chain.substrate.JsonRpcClient;
import io.icn.chain.substrate.SubstrateChain;
import io.icn.chain.substrate.SubstrateChainClient;
import io.icn.node.NodeException;
import io.icn.node.NodeIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's connection to a real chain ({@code chain_endpoint = "ws://..."}): a {@link SubstrateChain} signed
 * with the node's key, the {@link SubstrateChainClient} the node runs on, and the scheduler both use (2 threads).
 * The key comes from {@code node-key.pk8} in the storage path (created with the node's identity if missing) or
 * from the environment variable {@code chain_key_env}; it is never logged.
 *
 * <p>Thread-safe: made once, closed once (idempotent); {@link #client()} may be read from any thread.
 */
final class RemoteChain implements AutoCloseable {
    private final ScheduledExecutorService scheduler;
    private final SubstrateChain chain;
    private final SubstrateChainClient client;

    private RemoteChain(ScheduledExecutorService scheduler, SubstrateChain chain, SubstrateChainClient client) {
        this.scheduler = scheduler;
        this.chain = chain;
        this.client = client;
    }

    /**
     * Connects, reads the runtime and every deal at the finalized head.
     *
     * @throws NodeException naming the endpoint if it cannot be reached or its runtime cannot be used, or if the key
     *     cannot be read
     */
    static RemoteChain connect(LauncherConfig config, Map<String, String> environment) {
        URI uri = ChainCommand.parseEndpoint(config.node().chain().endpoint());
        LauncherConfig.SubstrateConfig s = config.substrate();
        ChainKey key;
        try {
            key = s.keyEnv().isEmpty() ? nodeKey(config.node().storagePath())
                    : ChainKey.fromEnvironment(environment, s.keyEnv());
        } catch (IllegalArgumentException e) {
            throw new NodeException("no chain key for " + uri + ": " + e.getMessage());
        }
        SubstrateChain.Config c = config(uri, s.pallet(), s.connectTimeout());
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "icn-substrate");
            t.setDaemon(true);
            return t;
        });
        SubstrateChain chain = null;
        try {
            chain = SubstrateChain.connect(c, Optional.of(key),
                    HttpClient.newBuilder().connectTimeout(s.connectTimeout()).build(), scheduler);
            SubstrateChainClient client = new SubstrateChainClient(chain, false, SubstrateChainClient.Options.defaults());
            return new RemoteChain(scheduler, chain, client);
        } catch (ChainException e) {
            close(chain, scheduler);
            throw new NodeException("chain_endpoint " + uri + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            close(chain, scheduler);
            throw e;
        }
    }

    /** The adapter's configuration: its defaults, with {@code timeout} bounding connection and requests. */
    static SubstrateChain.Config config(URI uri, String pallet, Duration timeout) {
        JsonRpcClient.Config d = JsonRpcClient.Config.defaults(uri);
        JsonRpcClient.Config rpc = new JsonRpcClient.Config(uri, timeout, timeout, d.initialBackoff(),
                d.maxBackoff(), d.maxPendingRequests(), d.maxQueuedNotifications(), d.maxMessageBytes());
        SubstrateChain.Config defaults = SubstrateChain.Config.defaults(uri);
        return new SubstrateChain.Config(rpc, pallet, defaults.mortalityBlocks(), defaults.pageSize(),
                defaults.maxCatchUpBlocks());
    }

    private static ChainKey nodeKey(Path storage) {
        try {
            java.nio.file.Files.createDirectories(storage);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot create storage_path " + storage + ": " + e.getMessage(), e);
        }
        return ChainKey.fromPkcs8File(NodeIdentity.loadOrCreate(storage).privateKeyFile());
    }

    SubstrateChainClient client() {
        return client;
    }

    SubstrateChain chain() {
        return chain;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            close(chain, scheduler);
        }
    }

    private static void close(SubstrateChain chain, ScheduledExecutorService scheduler) {
        try {
            if (chain != null) {
                chain.close();
            }
        } finally {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

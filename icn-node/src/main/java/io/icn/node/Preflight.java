package io.icn.node;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checks that look at the machine before a node touches anything: the chain endpoint is one this
 * build supports, the storage directory is (or can be created) writable, and the ports are free. Each
 * failure is a {@link ConfigException} naming the key and the fix. Nothing is created or written.
 *
 * <p>A port checked free here can still be taken before the node binds it; the bind then fails with the
 * same kind of message.
 *
 * <p>Stateless; thread-safe.
 */
public final class Preflight {

    private Preflight() {
    }

    /** Runs every check of the node's own resources. @throws ConfigException at the first failure */
    public static void check(NodeConfig config) {
        check(config, true);
    }

    /**
     * As {@link #check(NodeConfig)}; {@code embeddedChain} false skips the chain endpoint check, for a node given
     * its chain client by its embedder.
     */
    public static void check(NodeConfig config, boolean embeddedChain) {
        if (embeddedChain) {
            checkChainSupported(config);
        }
        checkStorageWritable(config.storagePath());
        checkUdpPortFree("quic_port", config.quic().bind(), config.quic().port());
    }

    static void checkChainSupported(NodeConfig config) {
        if (!config.chain().isLocal()) {
            throw new ConfigException("chain_endpoint = \"" + config.chain().endpoint() + "\": only \"local\" (the"
                    + " embedded chain) is supported by this version; the Substrate chain adapter is future work."
                    + " Set chain_endpoint = \"local\" or pass --chain-endpoint local");
        }
    }

    /** The directory exists and is writable, or its nearest existing ancestor is a writable directory. */
    static void checkStorageWritable(Path dir) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new ConfigException("storage_path " + dir + " has no existing ancestor; give an absolute path on"
                    + " a mounted file system");
        }
        if (!Files.isDirectory(existing)) {
            throw new ConfigException("storage_path " + dir + ": " + existing + " is a file, not a directory;"
                    + " point storage_path (or --storage-path) at a directory");
        }
        if (!Files.isWritable(existing) || !Files.isExecutable(existing)) {
            throw new ConfigException("storage_path " + dir + " is not writable by this user (" + existing
                    + (existing.equals(dir) ? "" : ", where it would be created,") + " denies it); choose another"
                    + " storage_path / --storage-path, or grant write access (e.g. chown the directory)");
        }
    }

    /** The TCP port is free on {@code host} (0 always is). @throws ConfigException naming {@code key} if not */
    public static void checkTcpPortFree(String key, String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new ConfigException(key + " = " + port + " cannot be used on " + host + " (" + e.getMessage()
                    + "): another program holds it, or the address is not this machine's. Stop that program or"
                    + " choose another " + key);
        }
    }

    static void checkUdpPortFree(String key, String host, int port) {
        if (port == 0) {
            return;
        }
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new ConfigException(key + " = " + port + " (UDP) is in use (" + e.getMessage()
                    + "); stop the program holding it or choose another " + key);
        }
    }
}

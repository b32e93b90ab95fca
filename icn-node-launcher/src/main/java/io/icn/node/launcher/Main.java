package io.icn.node.launcher;

import io.icn.node.ConfigException;
import io.icn.node.NodeConfig;
import io.icn.node.NodeException;
import io.icn.node.Preflight;
import io.icn.node.SuperNode;
import io.icn.transport.quic.NodeCertificate;
import io.icn.transport.quic.TransportException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code icn-node} command: {@code run} starts a node; the other subcommands talk to a running node
 * over its admin HTTP interface. Exit codes: 0 ok, 1 usage or configuration error, 2 node unreachable,
 * 3 operation failed. The only place in the project that ends the JVM.
 */
@Command(name = "icn-node", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "ICN super-node: stores erasure-coded video chunks, answers the chain's audits.",
        subcommands = {Main.Run.class, Main.Put.class, GetCommand.class, Main.Status.class, Main.Usage.class, Main.Verify.class,
            Main.Repair.class, Main.Cleanup.class, Main.Index.class, Main.Keys.class, Main.Jobs.class,
            Main.Peers.class, Main.Dht.class,
            Main.Config.class, Main.DirectorCert.class, ChainCommand.class, CommandLine.HelpCommand.class},
        exitCodeOnInvalidInput = Main.USAGE, exitCodeOnExecutionException = Main.FAILED)
public final class Main implements Runnable {
    static final int OK = 0;
    static final int USAGE = 1;
    static final int UNREACHABLE = 2;
    static final int FAILED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (isGet(args) && System.getProperty("io.netty.jfr.enabled") == null) {
            // This process is one short fetch: Netty's flight-recorder events would load the JDK's JFR metadata for
            // nothing (about 50 ms of get's time). Set the property to keep them.
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (the tests' entry point). */
    static int execute(String... args) {
        CommandLine cl = isGet(args) ? getAlone() : new CommandLine(new Main());
        CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((e, a) -> {
            usage.handleParseException(e, a);
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof NodeException) {
                System.err.println("icn-node: " + e.getMessage());
            } else {
                e.printStackTrace(System.err);
            }
            return FAILED;
        });
        return cl.execute(args);
    }

    private static boolean isGet(String[] args) {
        return args.length > 0 && "get".equals(args[0]);
    }

    /**
     * The command line with {@code get} as its only subcommand, under the same name: {@code get} is timed as a user
     * types it (JVM start included), and reading the annotations of every other subcommand costs it about 0.1 s of
     * a cold JVM's time.
     */
    private static CommandLine getAlone() {
        CommandLine.Model.CommandSpec top = CommandLine.Model.CommandSpec.create().name("icn-node")
                .mixinStandardHelpOptions(true).exitCodeOnInvalidInput(USAGE).exitCodeOnExecutionException(FAILED);
        top.usageMessage().description(Main.class.getAnnotation(Command.class).description());
        return new CommandLine(top).addSubcommand("get", new GetCommand());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required, e.g. 'icn-node run'");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"icn-node " + (v != null ? v : "dev") + " (Java " + Runtime.version() + ")"};
        }
    }

    /** {@code --config}: shared by every subcommand. */
    static class ConfigOption {
        @Option(names = "--config", paramLabel = "FILE",
                description = "super-node.toml (the same file for 'run' and the client commands); defaults apply without it")
        Path config;

        /** The values of the file, or every default. @throws ConfigException naming the bad key */
        ConfigValues values() {
            return config == null ? new ConfigValues("defaults") : NodeConfigFile.load(config);
        }

        String source() {
            return config == null ? "defaults" : config.toAbsolutePath().toString();
        }
    }

    // ---------------------------------------------------------------- run

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Start the node and run until SIGTERM (Ctrl-C); exits 0 after a clean shutdown.")
    static final class Run extends ConfigOption implements Callable<Integer> {
        private static final Logger LOG = LoggerFactory.getLogger(Run.class);

        @Option(names = "--storage-path", paramLabel = "DIR", description = "overrides storage_path")
        Path storagePath;

        @Option(names = "--region", paramLabel = "REGION",
                description = "overrides region: NA-WEST, NA-EAST, EU-WEST, EU-EAST, APAC, LATAM, MENA")
        String region;

        @Option(names = "--chain-endpoint", paramLabel = "URL", description = "overrides chain_endpoint: local, or a ws:// / wss:// chain node")
        String chainEndpoint;

        @Override
        public Integer call() {
            LauncherConfig config;
            ConfigValues values;
            try {
                values = values();
                if (storagePath != null) {
                    values.override(ConfigKeys.STORAGE_PATH, storagePath.toString(), "--storage-path");
                }
                if (region != null) {
                    values.override(ConfigKeys.REGION, region, "--region");
                }
                if (chainEndpoint != null) {
                    values.override(ConfigKeys.CHAIN_ENDPOINT, chainEndpoint, "--chain-endpoint");
                }
                config = values.build();
                Preflight.check(config.node(), config.node().chain().isLocal());
            } catch (ConfigException e) {
                System.err.println("icn-node: configuration error (" + source() + "): " + e.getMessage());
                return USAGE;
            }
            LogSetup.forNode(config.log().format(), config.log().level());
            LOG.info("configuration from {}: {}", source(), values.describe().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));

            NodeLauncher launcher;
            try {
                launcher = NodeLauncher.of(config);
            } catch (NodeException e) {
                LOG.error("cannot start: {}", e.getMessage());
                return FAILED;
            }
            AtomicBoolean running = new AtomicBoolean();
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                int code = OK;
                try {
                    launcher.close();
                } catch (RuntimeException e) {
                    LOG.error("shutdown did not complete cleanly: {}", e.getMessage());
                    code = FAILED;
                }
                stopped.countDown();
                if (running.get()) {
                    LogSetup.flush();
                    // SIGTERM is this process's normal end: report the clean close, not the signal.
                    Runtime.getRuntime().halt(code);
                }
            }, "icn-node-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                launcher.start();
            } catch (ConfigException e) {
                LOG.error("cannot start: {}", e.getMessage());
                return USAGE;
            } catch (NodeException e) {
                LOG.error("cannot start: {}", e.getMessage());
                return FAILED;
            } catch (RuntimeException e) {
                LOG.error("cannot start", e);
                return FAILED;
            }
            running.set(true);
            printBanner(System.out, launcher);
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return OK;
        }

        private static void printBanner(PrintStream out, NodeLauncher launcher) {
            SuperNode node = launcher.node();
            NodeConfig c = launcher.config().node();
            String health = launcher.metricsUrl().replace("/metrics", "/health");
            out.println("ICN super-node " + node.version() + " RUNNING (pid " + ProcessHandle.current().pid() + ")");
            out.println("  account     " + node.identity().accountHex());
            out.println("  region      " + c.region().wireName());
            out.println("  storage     " + c.storagePath() + " (capacity " + (c.store().capacityBytes() >> 30)
                    + " GiB, fsync " + c.store().fsync().configName() + ")");
            out.println("  chain       " + c.chain().endpoint() + (c.chain().isLocal()
                    ? " (block every " + c.chain().local().blockTime().toSeconds() + " s, state "
                            + c.storagePath().resolve(SuperNode.CHAIN_STATE_FILE) + ")"
                    : " (pallet " + launcher.config().substrate().pallet() + "; registration is the operator's act)"));
            out.println("  metrics     " + launcher.metricsUrl());
            out.println("  health      " + health);
            out.println("  admin       " + launcher.adminUrl()
                    + (launcher.config().http().adminTokenRequired() ? " (bearer token required)" : ""));
            out.println("  quic        " + SuperNode.hostPort(node.quicAddress()) + " (icn-shard/1, certificate sha-256 "
                    + node.quicFingerprint() + ")");
            out.println("  quic put    " + node.quicPutSummary());
            out.println("  key         " + node.identity().privateKeyFile());
            out.println("  stop with   Ctrl-C or kill -TERM " + ProcessHandle.current().pid());
            out.flush();
        }
    }

    // ---------------------------------------------------------------- client commands

    /** A command that talks to a running node. */
    abstract static class ClientCommand extends ConfigOption implements Callable<Integer> {

        @Override
        public final Integer call() {
            LogSetup.forClient();
            AdminClient client;
            try {
                client = AdminClient.of(values().build().http());
            } catch (ConfigException e) {
                System.err.println("icn-node: configuration error (" + source() + "): " + e.getMessage());
                return USAGE;
            }
            try {
                AdminClient.Response r = exchange(client);
                if (r == null) {
                    return USAGE;
                }
                if (r.status() == 202) {
                    r = JobWatcher.await(client, r, System.err, System.console() != null);
                }
                if (r.ok()) {
                    System.out.print(r.body().endsWith("\n") ? r.body() : r.body() + "\n");
                    return OK;
                }
                System.err.println("icn-node: the node refused (HTTP " + r.status() + "): " + r.body().trim());
                return FAILED;
            } catch (AdminClient.UnreachableException e) {
                System.err.println("icn-node: " + e.getMessage());
                return UNREACHABLE;
            }
        }

        /** The request of this command; null after a usage error already printed. */
        abstract AdminClient.Response exchange(AdminClient client);
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Store a file on the running node: cut into chunks, erasure-coded, pinned by a deal;"
                    + " prints the CIDs in order.")
    static final class Put extends ClientCommand {
        @Parameters(paramLabel = "FILE", description = "the file to store")
        Path file;

        @Option(names = "--on-node", description = "FILE is a path on the node's machine: the node reads it, nothing is uploaded")
        boolean onNode;

        @Option(names = "--deal-blocks", paramLabel = "N", description = "life of the deals in blocks (default: the node's deal_blocks)")
        Long dealBlocks;

        @Override
        AdminClient.Response exchange(AdminClient client) {
            String query = dealBlocks == null ? "" : "deal_blocks=" + dealBlocks;
            if (onNode) {
                String path = URLEncoder.encode(file.toAbsolutePath().toString(), StandardCharsets.UTF_8);
                return client.post("/admin/put?path=" + path + (query.isEmpty() ? "" : "&" + query));
            }
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                System.err.println("icn-node: " + file + " is not a readable file");
                return null;
            }
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                System.err.println("icn-node: cannot read " + file + ": " + e.getMessage());
                return null;
            }
            boolean progress = size >= (8L << 20);
            AdminClient.Response r = client.post("/admin/put" + (query.isEmpty() ? "" : "?" + query), () -> {
                try {
                    InputStream in = Files.newInputStream(file);
                    return progress ? new Progress(in, size, System.err) : in;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, size);
            if (progress) {
                System.err.println();
            }
            return r;
        }
    }

    /** Prints "put: 120.0 of 500.0 MiB (24%)" on one line of standard error as bytes are sent. */
    static final class Progress extends FilterInputStream {
        private final long total;
        private final PrintStream out;
        private long sent;
        private long lastPrintNanos;

        Progress(InputStream in, long total, PrintStream out) {
            super(in);
            this.total = total;
            this.out = out;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                sent += n;
                long now = System.nanoTime();
                if (now - lastPrintNanos > 250_000_000L || sent == total) {
                    lastPrintNanos = now;
                    out.printf("\rput: %.1f of %.1f MiB (%d%%)", sent / 1048576.0, total / 1048576.0,
                            total == 0 ? 100 : sent * 100 / total);
                }
            }
            return n;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Version, state, region, account, chain block, storage usage and erasure kernel of the node.")
    static final class Status extends ClientCommand {
        @Override
        AdminClient.Response exchange(AdminClient client) {
            return client.get("/admin/status");
        }
    }

    @Command(name = "usage", mixinStandardHelpOptions = true, description = "Chunks, shards, bytes, capacity and cache of the node's store.")
    static final class Usage extends ClientCommand {
        @Override
        AdminClient.Response exchange(AdminClient client) {
            return client.get("/admin/usage");
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Re-hash every stored shard now (scrub), quarantine and repair what fails; runs as a job on"
                    + " the node, with a progress bar here.")
    static final class Verify extends ClientCommand {
        @Override
        AdminClient.Response exchange(AdminClient client) {
            return client.post("/admin/verify");
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true,
            description = "Regenerate the missing or corrupt shards of chunks from their healthy ones; runs as a job on"
                    + " the node, with a progress bar here.")
    static final class Repair extends ClientCommand {
        @Parameters(paramLabel = "CID", arity = "1..*", description = "the chunks' CIDs (bafk...)")
        List<String> cids;

        @Override
        AdminClient.Response exchange(AdminClient client) {
            if (cids.size() == 1) {
                return client.post("/admin/repair?cid=" + URLEncoder.encode(cids.get(0), StandardCharsets.UTF_8));
            }
            return client.postJson("/admin/repair", Json.write(Map.of("cids", cids)));
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = "Delete content whose deals have all ended (with --dry-run: only list it).")
    static final class Cleanup extends ClientCommand {
        @Option(names = "--dry-run", description = "list what would be deleted, change nothing")
        boolean dryRun;

        @Override
        AdminClient.Response exchange(AdminClient client) {
            return client.post("/admin/cleanup?dry_run=" + dryRun);
        }
    }

    @Command(name = "index", mixinStandardHelpOptions = true, description = "Index maintenance.",
            subcommands = {Index.Rebuild.class})
    static final class Index implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: 'icn-node index rebuild'");
        }

        @Command(name = "rebuild", mixinStandardHelpOptions = true,
                description = "Rebuild the store's index from the chunk directories (disaster recovery; re-hashes"
                        + " everything); runs as a job on the node, with a progress bar here.")
        static final class Rebuild extends ClientCommand {
            @Override
            AdminClient.Response exchange(AdminClient client) {
                return client.post("/admin/index/rebuild");
            }
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "The node's chain account (Ed25519 public key) and where its key files are.")
    static final class Keys extends ClientCommand {
        @Override
        AdminClient.Response exchange(AdminClient client) {
            return client.get("/admin/keys");
        }
    }

    @Command(name = "peers", mixinStandardHelpOptions = true,
            description = "The peers the node is connected to on the p2p network, with their agent and protocols.")
    static final class Peers extends ClientCommand {
        @Override
        AdminClient.Response exchange(AdminClient client) {
            return client.get("/admin/peers");
        }
    }

    @Command(name = "dht", mixinStandardHelpOptions = true, description = "Queries the DHT through the running node.",
            subcommands = {Dht.Get.class, Dht.Providers.class})
    static final class Dht implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "name a dht command: get or providers");
        }

        @Command(name = "get", mixinStandardHelpOptions = true,
                description = "A record's value: /icn/manifest/<cid> (or the bare CID) for a chunk's manifest.")
        static final class Get extends ClientCommand {
            @Parameters(paramLabel = "KEY", description = "the record's key")
            String key;

            @Override
            AdminClient.Response exchange(AdminClient client) {
                return client.get("/admin/dht/get?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
            }
        }

        @Command(name = "providers", mixinStandardHelpOptions = true,
                description = "The peers that provide a CID, with their addresses.")
        static final class Providers extends ClientCommand {
            @Parameters(paramLabel = "CID", description = "the chunk's CID")
            String cid;

            @Override
            AdminClient.Response exchange(AdminClient client) {
                return client.get("/admin/dht/providers?cid=" + URLEncoder.encode(cid, StandardCharsets.UTF_8));
            }
        }
    }

    @Command(name = "jobs", mixinStandardHelpOptions = true,
            description = "The node's admin jobs (verify, index rebuild, repair): all kept ones, or one by its id.")
    static final class Jobs extends ClientCommand {
        @Parameters(paramLabel = "ID", arity = "0..1", description = "a job's id, as its command printed it")
        String id;

        @Override
        AdminClient.Response exchange(AdminClient client) {
            return client.get(id == null ? "/admin/jobs" : "/admin/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        }
    }

    // ---------------------------------------------------------------- offline commands

    @Command(name = "config", mixinStandardHelpOptions = true,
            description = "Check a configuration file and print the effective configuration, every key with its"
                    + " value and what it does (the admin token masked). Needs no running node.")
    static final class Config extends ConfigOption implements Callable<Integer> {
        @Override
        public Integer call() {
            ConfigValues values;
            try {
                values = values();
                values.build();
            } catch (ConfigException e) {
                System.err.println("icn-node: configuration error (" + source() + "): " + e.getMessage());
                return USAGE;
            }
            System.out.println("# effective configuration from " + source());
            String table = "";
            Map<String, String> described = values.describe();
            for (ConfigKey<?> key : ConfigKeys.ALL.stream()
                    .sorted(java.util.Comparator.comparing(ConfigKey::table)).toList()) {
                if (!key.table().equals(table)) {
                    table = key.table();
                    System.out.println();
                    System.out.println("[" + table + "]");
                }
                System.out.println("# " + key.doc() + (values.isSet(key) ? "" : " (default)"));
                System.out.println(key.simpleName() + " = " + described.get(key.name()));
            }
            return OK;
        }
    }

    @Command(name = "director-cert", mixinStandardHelpOptions = true,
            description = "A director's client certificate for QUIC PUT: loads DIR/" + DirectorCert.CERTIFICATE_FILE
                    + " and " + DirectorCert.KEY_FILE + ", or creates them (self-signed ECDSA P-256, key mode 0600),"
                    + " and prints the SHA-256 fingerprint a node lists in ingest_clients. Needs no running node.")
    static final class DirectorCert implements Callable<Integer> {
        static final String CERTIFICATE_FILE = "director-cert.pem";
        static final String KEY_FILE = "director-key.pem";

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".",
                description = "where the certificate and key are kept (default: the working directory)")
        Path dir;

        @Override
        public Integer call() {
            Path cert = dir.resolve(CERTIFICATE_FILE);
            Path key = dir.resolve(KEY_FILE);
            boolean existed = Files.exists(cert) && Files.exists(key);
            NodeCertificate certificate;
            try {
                certificate = NodeCertificate.loadOrGenerate(cert, key, "icn-director", new SecureRandom());
            } catch (TransportException e) {
                System.err.println("icn-node: " + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause()));
                return FAILED;
            }
            System.out.println((existed ? "loaded " : "created ") + cert.toAbsolutePath() + " and " + key.toAbsolutePath());
            System.out.println("fingerprint " + certificate.sha256Fingerprint());
            System.out.println("on the node: ingest_clients = [\"" + certificate.sha256Fingerprint() + "\"]");
            return OK;
        }
    }
}

package io.icn.node.launcher;

import io.icn.chain.ChainException;
import io.icn.chain.ChainUnavailableException;
import io.icn.chain.substrate.ChainInfo;
import io.icn.chain.substrate.ChainKey;
import io.icn.chain.substrate.Head;
import io.icn.chain.substrate.PinningPallet;
import io.icn.chain.substrate.SubstrateChain;
import io.icn.node.ConfigException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code icn-node chain info|remark|audits}: talks to a Substrate endpoint directly (no running node needed),
 * every request bounded by {@code --timeout}. The node's key is read from its {@code node-key.pk8} in the
 * storage path, or from the environment variable {@code --key-env} names; it is never printed or logged.
 * Commands run on the picocli thread; each owns and closes its connection and scheduler.
 */
@Command(name = "chain", mixinStandardHelpOptions = true,
        description = "Talk to the chain directly (no running node needed): info, remark, audits.",
        subcommands = {ChainCommand.Info.class, ChainCommand.Remark.class, ChainCommand.Audits.class})
final class ChainCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: 'icn-node chain info|remark|audits'");
    }

    private static final HexFormat HEX = HexFormat.of();

    /** Options and connection shared by the chain subcommands. */
    abstract static class ChainSubcommand extends Main.ConfigOption implements Callable<Integer> {
        @Option(names = "--chain-endpoint", paramLabel = "URL", description = "ws:// or wss:// endpoint (overrides chain_endpoint)")
        String endpoint;

        @Option(names = "--storage-path", paramLabel = "DIR", description = "where node-key.pk8 is (overrides storage_path)")
        Path storagePath;

        @Option(names = "--key-env", paramLabel = "NAME",
                description = "read the key's 32-byte seed (64 hex digits) from this environment variable instead of node-key.pk8")
        String keyEnv;

        @Option(names = "--pallet", paramLabel = "NAME", defaultValue = PinningPallet.DEFAULT_NAME,
                description = "the pinning pallet's name (default: ${DEFAULT-VALUE})")
        String pallet;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "bound on connecting and on every request, and on waiting for inclusion (default: ${DEFAULT-VALUE})")
        int timeoutSeconds;

        /** Whether this command cannot run without the node's key. */
        abstract boolean needsKey();

        abstract int run(SubstrateChain chain, Optional<ChainKey> key);

        @Override
        public final Integer call() {
            LogSetup.forClient();
            if (timeoutSeconds < 1) {
                System.err.println("icn-node: --timeout must be at least 1 second: " + timeoutSeconds);
                return Main.USAGE;
            }
            URI uri;
            Path storage;
            try {
                ConfigValues values = values();
                if (storagePath != null) {
                    values.override(ConfigKeys.STORAGE_PATH, storagePath.toString(), "--storage-path");
                }
                storage = values.build().node().storagePath();
                String url = endpoint != null ? endpoint : values.build().node().chain().endpoint();
                uri = parseEndpoint(url);
            } catch (ConfigException e) {
                System.err.println("icn-node: configuration error (" + source() + "): " + e.getMessage());
                return Main.USAGE;
            } catch (IllegalArgumentException e) {
                System.err.println("icn-node: " + e.getMessage());
                return Main.USAGE;
            }
            Optional<ChainKey> key;
            try {
                key = loadKey(storage);
            } catch (IllegalArgumentException e) {
                if (needsKey()) {
                    System.err.println("icn-node: no chain key: " + e.getMessage());
                    return Main.USAGE;
                }
                key = Optional.empty();
            }
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            SubstrateChain.Config config = RemoteChain.config(uri, pallet, timeout);
            ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
                Thread t = new Thread(r, "icn-chain-cli");
                t.setDaemon(true);
                return t;
            });
            HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
            try (SubstrateChain chain = SubstrateChain.connect(config, key, http, scheduler)) {
                return run(chain, key);
            } catch (ChainUnavailableException e) {
                System.err.println("icn-node: chain " + uri + " unreachable: " + e.getMessage());
                return Main.UNREACHABLE;
            } catch (ChainException e) {
                System.err.println("icn-node: chain " + uri + ": " + e.getMessage());
                return Main.FAILED;
            } catch (RuntimeException e) {
                System.err.println("icn-node: chain " + uri + ": " + e);
                return Main.FAILED;
            } finally {
                scheduler.shutdownNow();
            }
        }

        private Optional<ChainKey> loadKey(Path storage) {
            if (keyEnv != null) {
                return Optional.of(ChainKey.fromEnvironment(System.getenv(), keyEnv));
            }
            Path file = storage.resolve("node-key.pk8");
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("the key file " + file + " does not exist (run the node once to create it,"
                        + " or pass --key-env NAME)");
            }
            return Optional.of(ChainKey.fromPkcs8File(file));
        }

        Duration timeout() {
            return Duration.ofSeconds(timeoutSeconds);
        }
    }

    /** The endpoint as a ws:// or wss:// URI. @throws IllegalArgumentException naming the value */
    static URI parseEndpoint(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the chain endpoint is not a URL: " + url);
        }
        if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("the chain endpoint must be ws:// or wss:// (pass --chain-endpoint): " + url);
        }
        return uri;
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "The chain, its runtime, best and finalized blocks, whether the pinning pallet is there, and"
                    + " the node's account with its nonce and free balance (when its key is found).")
    static final class Info extends ChainSubcommand {
        @Override
        boolean needsKey() {
            return false;
        }

        @Override
        int run(SubstrateChain chain, Optional<ChainKey> key) {
            ChainInfo i = chain.info();
            System.out.println("chain          " + i.chainName());
            System.out.println("genesis        " + i.genesisHash());
            System.out.println("runtime        " + i.specName() + " spec " + i.specVersion() + ", transaction "
                    + i.transactionVersion() + ", metadata V" + i.metadataVersion());
            System.out.println("best           #" + i.best().number() + " " + i.best().hash());
            System.out.println("finalized      #" + i.finalized().number() + " " + i.finalized().hash());
            System.out.println("pallet         " + i.palletName() + (i.pinningPalletPresent() ? " present" : " ABSENT"));
            if (i.account().isPresent()) {
                ChainInfo.Account a = i.account().get();
                System.out.println("account        " + a.ss58() + " (0x" + a.publicKeyHex() + ")");
                System.out.println("nonce          " + a.nonce());
                System.out.println("free           " + a.free());
            } else {
                System.out.println("account        (no key found: pass --storage-path or --key-env)");
            }
            return Main.OK;
        }
    }

    @Command(name = "remark", mixinStandardHelpOptions = true,
            description = "Sign System.remark_with_event with the node's key, wait for inclusion and print the block hash:"
                    + " proof that the key can transact.")
    static final class Remark extends ChainSubcommand {
        @Parameters(paramLabel = "TEXT", description = "the remark")
        String text;

        @Override
        boolean needsKey() {
            return true;
        }

        @Override
        int run(SubstrateChain chain, Optional<ChainKey> key) {
            SubstrateChain.Inclusion in = chain.remark(text, timeout());
            System.out.println("included in block #" + in.block().number() + " " + in.block().hash());
            System.out.println("extrinsic      " + in.extrinsicHash() + " (index " + in.extrinsicIndex() + ")");
            return in.success() ? Main.OK : Main.FAILED;
        }
    }

    @Command(name = "audits", mixinStandardHelpOptions = true,
            description = "The pending audits addressed to this node (all of them with --all), decoded, each with its"
                    + " shard's assignment and Merkle root; with --deals also the deals holding shards assigned to it.")
    static final class Audits extends ChainSubcommand {
        @Option(names = "--all", description = "every pending audit, not only this node's")
        boolean all;

        @Option(names = "--deals", description = "also list the deals with shards assigned to this node"
                + " (reads every PinningDeals entry and their ShardAssignments: slow on a large chain)")
        boolean deals;

        @Override
        boolean needsKey() {
            return !all || deals;
        }

        @Override
        int run(SubstrateChain chain, Optional<ChainKey> key) {
            Head best = chain.bestHead();
            Map<String, PinningPallet.Audit> audits = chain.pendingAudits(best.hash());
            if (!chain.pinningPalletPresent()) {
                if (audits.isEmpty()) {
                    System.err.println("icn-node: the runtime has no pallet named " + pallet + " (pass --pallet)");
                    return Main.FAILED;
                }
                System.err.println("icn-node: the runtime's metadata has no pallet named " + pallet + ", but its storage"
                        + " holds entries: decoded by the original pallet's layout");
            }
            int shown = 0;
            for (Map.Entry<String, PinningPallet.Audit> e : audits.entrySet()) {
                PinningPallet.Audit a = e.getValue();
                if (!all && !Arrays.equals(a.pinner(), key.orElseThrow().publicKey())) {
                    continue;
                }
                shown++;
                List<byte[]> pinners = chain.shardAssignments(a.shardHash(), best.hash());
                boolean assigned = pinners.stream().anyMatch(p -> Arrays.equals(p, a.pinner()));
                System.out.println("audit 0x" + e.getKey() + " pinner 0x" + HEX.formatHex(a.pinner())
                        + " shard 0x" + HEX.formatHex(a.shardHash()) + " bytes " + a.byteOffset() + "+" + a.byteLength()
                        + " nonce 0x" + HEX.formatHex(a.nonce()) + " deadline #" + a.deadline()
                        + " (" + (a.deadline() - best.number()) + " blocks left) status " + a.status()
                        + " assigned " + (assigned ? "yes" : "NO") + " (" + pinners.size() + " pinner(s))"
                        + " root " + chain.shardMerkleRoot(a.shardHash(), best.hash()).map(r -> "0x" + HEX.formatHex(r))
                                .orElse("NONE"));
            }
            System.out.println(shown + " pending audit(s)" + (all ? "" : " for this node") + " at block #" + best.number());
            if (deals) {
                printDeals(chain, key.orElseThrow().publicKey(), best);
            }
            return Main.OK;
        }

        /** Every deal with at least one shard whose {@code ShardAssignments} names {@code me}, at block {@code at}. */
        private static void printDeals(SubstrateChain chain, byte[] me, Head at) {
            List<PinningPallet.Deal> all = new ArrayList<>();
            long read = chain.forEachDeal(at.hash(), all::add);
            int mine = 0;
            for (PinningPallet.Deal d : all) {
                List<byte[]> keys = new ArrayList<>(d.shards().size());
                d.shards().forEach(s -> keys.add(chain.pallet().shardAssignmentsKey(s)));
                int assigned = 0;
                for (Optional<byte[]> v : chain.queryStorageAt(keys, at.hash())) {
                    if (v.isPresent() && PinningPallet.decodeAssignments(v.get()).stream().anyMatch(p -> Arrays.equals(p, me))) {
                        assigned++;
                    }
                }
                if (assigned == 0) {
                    continue;
                }
                mine++;
                System.out.println("deal 0x" + HEX.formatHex(d.dealId()) + " creator 0x" + HEX.formatHex(d.creator())
                        + " shards " + d.shards().size() + " (" + assigned + " assigned to this node) blocks #"
                        + d.createdAt() + "..#" + d.expiresAt() + " status " + d.status() + " reward " + d.totalReward());
            }
            System.out.println(mine + " deal(s) with shards assigned to this node, of " + read + " at block #" + at.number());
        }
    }
}

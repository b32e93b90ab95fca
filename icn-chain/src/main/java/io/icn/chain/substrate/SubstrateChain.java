package io.icn.chain.substrate;

import com.fasterxml.jackson.databind.JsonNode;
import io.icn.chain.ChainUnavailableException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Substrate chain over JSON-RPC: its runtime (metadata, versions; re-read when
 * {@code state_subscribeRuntimeVersion} reports an upgrade), storage (single keys, paged prefixes),
 * blocks and events, heads followed in order with the blocks missed while disconnected caught up, and signed
 * extrinsics submitted with the node's key and watched until inclusion, with the nonce kept locally between
 * blocks. The layer below {@link SubstrateChainClient}; also what the operator commands ({@code chain info},
 * {@code chain remark}) use directly.
 *
 * <h2>Threading</h2>
 * Thread-safe. Methods that return values block on the network (bounded by the request timeout) and throw
 * {@link ChainUnavailableException} when the chain does not answer; never call them from a head listener
 * (hand work to an executor). Head listeners run one at a time on the scheduler passed in.
 */
public final class SubstrateChain implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SubstrateChain.class.getName());
    private static final HexFormat HEX = HexFormat.of();

    /**
     * @param rpc the connection
     * @param palletName the pinning pallet's name in the runtime
     * @param mortalityBlocks how many blocks a signed extrinsic stays valid (rounded to a power of two)
     * @param pageSize keys per {@code state_getKeysPaged} page
     * @param maxCatchUpBlocks the most missed blocks a head follower reads after a gap; older ones are skipped
     */
    public record Config(JsonRpcClient.Config rpc, String palletName, int mortalityBlocks, int pageSize,
            int maxCatchUpBlocks) {
        public Config {
            Objects.requireNonNull(rpc, "rpc");
            Objects.requireNonNull(palletName, "palletName");
            if (mortalityBlocks < 4 || mortalityBlocks > 65536) {
                throw new IllegalArgumentException("mortalityBlocks must be in [4, 65536]: " + mortalityBlocks);
            }
            if (pageSize < 1 || pageSize > 1000) {
                throw new IllegalArgumentException("pageSize must be in [1, 1000]: " + pageSize);
            }
            if (maxCatchUpBlocks < 1) {
                throw new IllegalArgumentException("maxCatchUpBlocks must be positive: " + maxCatchUpBlocks);
            }
        }

        /** Defaults for {@code endpoint}: pallet {@code IcnPinning}, 64-block mortality, pages of 1000, 4096 catch-up. */
        public static Config defaults(java.net.URI endpoint) {
            return new Config(JsonRpcClient.Config.defaults(endpoint), PinningPallet.DEFAULT_NAME, 64, 1000, 4096);
        }
    }

    /** The runtime as of the last (re-)read. */
    public record Runtime(RuntimeMetadata metadata, String specName, long specVersion, long transactionVersion,
            int paymentApiVersion, ExtrinsicBuilder extrinsics, RuntimeCalls calls, DynamicDecoder decoder) {
    }

    /** The runtime API id of {@code TransactionPaymentApi} (first 8 bytes of its name's BLAKE2-256). */
    private static final String PAYMENT_API_ID = "0x37c8bb1350a9a2a8";

    /** Where a submitted extrinsic ended up, and the events it caused. */
    public record Inclusion(String extrinsicHash, Head block, int extrinsicIndex, List<EventRecord> events,
            boolean success) {
        public Inclusion {
            events = List.copyOf(events);
        }
    }

    /** A submitted extrinsic being watched. */
    public record Submission(String extrinsicHash, long nonce, CompletableFuture<Inclusion> included,
            CompletableFuture<String> finalized) {
    }

    private final Config config;
    private final JsonRpcClient rpc;
    private final ScheduledExecutorService scheduler;
    private final Optional<ChainKey> key;
    private final String genesisHash;
    private final String chainName;
    private final PinningPallet pallet;
    private volatile Runtime runtime;
    private final JsonRpcClient.Subscription runtimeSubscription;
    private final Object nonceLock = new Object();
    private long nextNonce = -1;

    private SubstrateChain(Config config, JsonRpcClient rpc, ScheduledExecutorService scheduler, Optional<ChainKey> key) {
        this.config = config;
        this.rpc = rpc;
        this.scheduler = scheduler;
        this.key = key;
        this.pallet = new PinningPallet(config.palletName());
        this.genesisHash = rpc.request("chain_getBlockHash", 0).asText();
        this.chainName = rpc.request("system_chain").asText();
        this.runtime = loadRuntime(null);
        this.runtimeSubscription = rpc.subscribe("state_subscribeRuntimeVersion", "state_unsubscribeRuntimeVersion",
                List.of(), new JsonRpcClient.SubscriptionListener() {
                    @Override
                    public void onNotification(JsonNode version) {
                        onRuntimeVersion(version);
                    }

                    @Override
                    public void onResubscribed() {
                        scheduler.execute(SubstrateChain.this::reloadRuntimeQuietly);
                    }
                });
    }

    /**
     * Connects, reads the genesis hash, chain name, runtime version and metadata, and follows runtime upgrades.
     * The scheduler runs timeouts, reconnection and listeners; it stays the caller's.
     *
     * @throws ChainUnavailableException if the chain cannot be reached
     * @throws MetadataException if the runtime's extrinsic format is not one this adapter can sign
     */
    public static SubstrateChain connect(Config config, Optional<ChainKey> key, HttpClient http,
            ScheduledExecutorService scheduler) {
        JsonRpcClient rpc = new JsonRpcClient(config.rpc(), http, scheduler);
        try {
            return new SubstrateChain(config, rpc, scheduler, key);
        } catch (RuntimeException e) {
            rpc.close();
            throw e;
        }
    }

    public JsonRpcClient rpc() {
        return rpc;
    }

    public Runtime runtime() {
        return runtime;
    }

    public PinningPallet pallet() {
        return pallet;
    }

    public String genesisHash() {
        return genesisHash;
    }

    public Optional<ChainKey> key() {
        return key;
    }

    public boolean pinningPalletPresent() {
        return runtime.metadata().findPallet(pallet.name()).isPresent();
    }

    private Runtime loadRuntime(String at) {
        JsonNode version = at == null ? rpc.request("state_getRuntimeVersion") : rpc.request("state_getRuntimeVersion", at);
        byte[] meta = hex(at == null ? rpc.request("state_getMetadata") : rpc.request("state_getMetadata", at));
        RuntimeMetadata md = RuntimeMetadata.decode(meta);
        int paymentApi = 0;
        for (JsonNode api : version.path("apis")) {
            if (PAYMENT_API_ID.equals(api.path(0).asText())) {
                paymentApi = api.path(1).asInt();
            }
        }
        Runtime r = new Runtime(md, version.path("specName").asText(), version.path("specVersion").asLong(),
                version.path("transactionVersion").asLong(), paymentApi, new ExtrinsicBuilder(md), new RuntimeCalls(md),
                new DynamicDecoder(md.types()));
        LOG.info(() -> "chain runtime " + r.specName() + " v" + r.specVersion() + " (tx v" + r.transactionVersion()
                + ", metadata V" + md.version() + ", " + md.pallets().size() + " pallets)");
        return r;
    }

    /** A runtime version notification: an upgrade (spec or transaction version changed) re-reads the runtime. */
    void onRuntimeVersion(JsonNode version) {
        Runtime r = runtime;
        if (version.path("specVersion").asLong() != r.specVersion()
                || version.path("transactionVersion").asLong() != r.transactionVersion()) {
            scheduler.execute(this::reloadRuntimeQuietly);
        }
    }

    private void reloadRuntimeQuietly() {
        try {
            Runtime r = loadRuntime(null);
            runtime = r;
            synchronized (nonceLock) {
                nextNonce = -1;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "re-reading the runtime after an upgrade failed; keeping the old one", e);
        }
    }

    // ---- storage

    /** The value at {@code key} at block {@code at} (null: best block). */
    public Optional<byte[]> storage(byte[] key, String at) {
        JsonNode r = at == null ? rpc.request("state_getStorage", hex(key)) : rpc.request("state_getStorage", hex(key), at);
        return r.isNull() || r.isMissingNode() ? Optional.empty() : Optional.of(hex(r));
    }

    /** Up to {@code count} keys under {@code prefix}, after {@code startKey} (null: from the first). */
    public List<byte[]> keysPaged(byte[] prefix, int count, byte[] startKey, String at) {
        List<Object> params = new ArrayList<>(List.of(hex(prefix), count));
        if (startKey != null || at != null) {
            params.add(startKey == null ? null : hex(startKey));
        }
        if (at != null) {
            params.add(at);
        }
        JsonNode r = rpc.request("state_getKeysPaged", params.toArray());
        List<byte[]> out = new ArrayList<>(r.size());
        r.forEach(k -> out.add(hex(k)));
        return out;
    }

    /** The values of {@code keys} at block {@code at} (null: best), in the order asked; empty where none. */
    public List<Optional<byte[]>> queryStorageAt(List<byte[]> keys, String at) {
        List<String> hexKeys = new ArrayList<>(keys.size());
        keys.forEach(k -> hexKeys.add(hex(k)));
        JsonNode r = at == null ? rpc.request("state_queryStorageAt", hexKeys) : rpc.request("state_queryStorageAt", hexKeys, at);
        Map<String, Optional<byte[]>> byKey = new java.util.HashMap<>();
        for (JsonNode set : r) {
            for (JsonNode change : set.path("changes")) {
                JsonNode v = change.get(1);
                byKey.put(change.get(0).asText().toLowerCase(java.util.Locale.ROOT),
                        v == null || v.isNull() ? Optional.empty() : Optional.of(hex(v)));
            }
        }
        List<Optional<byte[]>> out = new ArrayList<>(keys.size());
        for (String k : hexKeys) {
            out.add(byKey.getOrDefault(k, Optional.empty()));
        }
        return out;
    }

    /**
     * Every entry under {@code prefix} at block {@code at} (resolved to a hash first, so all pages read one
     * state), a page of keys then their values at a time.
     *
     * @return how many entries were visited
     */
    public long forEachEntry(byte[] prefix, String at, BiConsumer<byte[], byte[]> visitor) {
        String block = at != null ? at : rpc.request("chain_getBlockHash").asText();
        byte[] start = null;
        long visited = 0;
        while (true) {
            List<byte[]> keys = keysPaged(prefix, config.pageSize(), start, block);
            if (keys.isEmpty()) {
                return visited;
            }
            byte[] last = keys.get(keys.size() - 1);
            if (start != null && java.util.Arrays.compareUnsigned(last, start) <= 0) {
                throw new ChainUnavailableException("state_getKeysPaged did not advance past " + hex(start));
            }
            List<Optional<byte[]>> values = queryStorageAt(keys, block);
            for (int i = 0; i < keys.size(); i++) {
                if (values.get(i).isPresent()) {
                    visitor.accept(keys.get(i), values.get(i).get());
                    visited++;
                }
            }
            if (keys.size() < config.pageSize()) {
                return visited;
            }
            start = last;
        }
    }

    /** A storage value decoded by its metadata type. */
    public Optional<Object> decodedStorage(String palletName, String item, byte[] key, String at) {
        RuntimeMetadata.StorageEntry e = runtime.metadata().storage(palletName, item);
        Optional<byte[]> raw = storage(key, at);
        if (raw.isEmpty() && !e.optional()) {
            raw = Optional.of(e.defaultValue());
        }
        return raw.map(b -> runtime.decoder().decodeAll(e.valueType(), b));
    }

    // ---- blocks

    /** {@code System::Number} at block {@code at} (null: best). */
    public long systemNumber(String at) {
        Object v = decodedStorage("System", "Number", StorageKeys.prefix("System", "Number"), at).orElse(0L);
        return DynamicDecoder.integer(v).longValueExact();
    }

    /** The account's nonce and free balance from {@code System::Account} (zero for an unknown account). */
    public ChainInfo.Account account(byte[] accountId, String at) {
        byte[] storageKey = StorageKeys.mapKey("System", "Account", StorageHasher.BLAKE2_128_CONCAT, accountId);
        Object info = decodedStorage("System", "Account", storageKey, at).orElseThrow();
        long nonce = DynamicDecoder.integer(DynamicDecoder.field(info, "nonce")).longValueExact();
        BigInteger free = DynamicDecoder.integer(DynamicDecoder.field(DynamicDecoder.field(info, "data"), "free"));
        return new ChainInfo.Account(Ss58.encode(accountId, Ss58.GENERIC_PREFIX), HEX.formatHex(accountId), nonce, free);
    }

    public Head bestHead() {
        return headOf(rpc.request("chain_getHeader"));
    }

    public Head finalizedHead() {
        String hash = rpc.request("chain_getFinalizedHead").asText();
        return new Head(number(rpc.request("chain_getHeader", hash)), hash);
    }

    /** The hash of block {@code number} on the best chain, if the node knows it. */
    public Optional<String> blockHash(long number) {
        JsonNode r = rpc.request("chain_getBlockHash", number);
        return r.isNull() ? Optional.empty() : Optional.of(r.asText());
    }

    /** The events of a block, decoded through the metadata. */
    public List<EventRecord> events(String blockHash) {
        Runtime r = runtime;
        RuntimeMetadata.StorageEntry e = r.metadata().storage("System", "Events");
        Optional<byte[]> raw = storage(StorageKeys.prefix("System", "Events"), blockHash);
        if (raw.isEmpty()) {
            return List.of();
        }
        Object decoded = r.decoder().decodeAll(e.valueType(), raw.get());
        List<EventRecord> out = new ArrayList<>();
        for (Object rec : (List<?>) decoded) {
            DynamicDecoder.EnumValue phase = (DynamicDecoder.EnumValue) DynamicDecoder.field(rec, "phase");
            OptionalInt index = "ApplyExtrinsic".equals(phase.name())
                    ? OptionalInt.of(DynamicDecoder.integer(phase.value()).intValueExact()) : OptionalInt.empty();
            DynamicDecoder.EnumValue outer = (DynamicDecoder.EnumValue) DynamicDecoder.field(rec, "event");
            DynamicDecoder.EnumValue inner = (DynamicDecoder.EnumValue) outer.value();
            out.add(new EventRecord(index, outer.name(), inner.name(), inner));
        }
        return out;
    }

    static Head headOf(JsonNode header) {
        return new Head(number(header), headerHash(header));
    }

    static long number(JsonNode header) {
        String n = header.path("number").asText();
        if (!n.startsWith("0x")) {
            throw new ChainUnavailableException("header without a hex block number: " + header);
        }
        return Long.parseLong(n.substring(2), 16);
    }

    /** The block hash of a JSON header: BLAKE2-256 of its SCALE encoding (the digest logs are already SCALE). */
    public static String headerHash(JsonNode header) {
        ScaleWriter w = new ScaleWriter(256);
        w.raw(hex(header.path("parentHash"))).compact(number(header)).raw(hex(header.path("stateRoot")))
                .raw(hex(header.path("extrinsicsRoot")));
        JsonNode logs = header.path("digest").path("logs");
        w.compact(logs.size());
        logs.forEach(l -> w.raw(hex(l)));
        return "0x" + HEX.formatHex(Hashing.blake2b256(w.toByteArray()));
    }

    /**
     * Follows new (or finalized) heads: {@code listener} sees every block number once, in increasing order,
     * including blocks skipped by the node's notifications or missed while disconnected (read with
     * {@code chain_getBlockHash}, at most {@link Config#maxCatchUpBlocks()} back). A fork at a height already
     * seen is not reported again.
     */
    public JsonRpcClient.Subscription followHeads(boolean finalized, Consumer<Head> listener) {
        HeadFollower follower = new HeadFollower(finalized, listener);
        return rpc.subscribe(finalized ? "chain_subscribeFinalizedHeads" : "chain_subscribeNewHeads",
                finalized ? "chain_unsubscribeFinalizedHeads" : "chain_unsubscribeNewHeads", List.of(), follower);
    }

    private final class HeadFollower implements JsonRpcClient.SubscriptionListener {
        private final boolean finalized;
        private final Consumer<Head> listener;
        private long last = -1;

        HeadFollower(boolean finalized, Consumer<Head> listener) {
            this.finalized = finalized;
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        @Override
        public void onNotification(JsonNode header) {
            advanceTo(headOf(header));
        }

        @Override
        public void onResubscribed() {
            // Blocks made while disconnected: read the current head and fill the gap up to it.
            rpc.call(finalized ? "chain_getFinalizedHead" : "chain_getBlockHash")
                    .thenCompose(hash -> rpc.call("chain_getHeader", hash.asText()).thenApply(h -> new Head(number(h), hash.asText())))
                    .whenComplete((head, e) -> {
                        if (e != null) {
                            LOG.log(Level.WARNING, "catch-up after reconnect failed", e);
                        } else {
                            scheduler.execute(() -> advanceTo(head));
                        }
                    });
        }

        private synchronized void advanceTo(Head head) {
            if (head.number() <= last) {
                return;
            }
            long from = last < 0 ? head.number() : Math.max(last + 1, head.number() - config.maxCatchUpBlocks());
            if (last >= 0 && from > last + 1) {
                LOG.warning("skipping blocks " + (last + 1) + ".." + (from - 1) + ": more than "
                        + config.maxCatchUpBlocks() + " missed");
            }
            for (long n = from; n < head.number(); n++) {
                Optional<String> hash;
                try {
                    hash = blockHash(n);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "catch-up stopped at block " + n, e);
                    return;
                }
                if (hash.isEmpty()) {
                    return;
                }
                deliver(new Head(n, hash.get()));
            }
            deliver(head);
        }

        private void deliver(Head head) {
            last = head.number();
            try {
                listener.accept(head);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "head listener threw at block " + head.number(), e);
            }
        }
    }

    // ---- transactions

    private ChainKey requireKey() {
        return key.orElseThrow(() -> new IllegalStateException("no chain key configured: cannot sign"));
    }

    /** The nonce the next extrinsic will use: the chain's {@code system_accountNextIndex}, then counted locally. */
    public long nextNonce() {
        synchronized (nonceLock) {
            if (nextNonce < 0) {
                nextNonce = rpc.request("system_accountNextIndex", Ss58.encode(requireKey().publicKey(), Ss58.GENERIC_PREFIX)).asLong();
            }
            return nextNonce;
        }
    }

    private void forgetNonce() {
        synchronized (nonceLock) {
            nextNonce = -1;
        }
    }

    private byte[] sign(byte[] call, long nonce) {
        Runtime r = runtime;
        Head best = bestHead();
        Era era = Era.mortal(config.mortalityBlocks(), best.number());
        long birth = era.birth(best.number());
        String birthHash = birth == best.number() ? best.hash() : blockHash(birth).orElse(best.hash());
        ExtrinsicBuilder.SigningContext ctx = new ExtrinsicBuilder.SigningContext(hex(genesisHash), r.specVersion(),
                r.transactionVersion(), nonce, era, hex(birthHash), BigInteger.ZERO);
        return r.extrinsics().signed(call, ctx, requireKey());
    }

    /**
     * The fee {@code payment_queryInfo} estimates for {@code call} signed by this node (the partial fee, without
     * tip). Nodes answer with JSON ({@code partialFee}); chopsticks answers with the runtime API's SCALE bytes
     * ({@code RuntimeDispatchInfo}: the weight, a u64 before version 2 of the API and two compacts since, the
     * class, the u128 fee), read here too.
     */
    public BigInteger estimateFee(byte[] call) {
        JsonNode info = rpc.request("payment_queryInfo", hex(sign(call, nextNonce())));
        if (info.isTextual()) {
            boolean weightV1 = runtime.paymentApiVersion() < 2;
            return ScaleReader.decodeAll(hex(info), in -> {
                if (weightV1) {
                    in.u64();
                } else {
                    in.compact();
                    in.compact();
                }
                in.variant(3, "DispatchClass");
                return in.u128();
            }, "RuntimeDispatchInfo");
        }
        return new BigInteger(info.path("partialFee").asText("0"));
    }

    /**
     * Signs {@code call} with the next nonce and submits it with {@code author_submitAndWatchExtrinsic}. The
     * returned futures complete on inclusion (with the block, the extrinsic's events and whether it succeeded)
     * and on finality, or fail with {@link TransactionFailedException} (invalid, dropped, usurped) or
     * {@link ChainUnavailableException} (connection lost while watching: check the nonce before resubmitting).
     */
    public Submission submit(byte[] call) {
        synchronized (nonceLock) {
            long nonce = nextNonce();
            byte[] xt = sign(call, nonce);
            String xtHex = hex(xt);
            String xtHash = "0x" + HEX.formatHex(ExtrinsicBuilder.hash(xt));
            CompletableFuture<Inclusion> included = new CompletableFuture<>();
            CompletableFuture<String> finalized = new CompletableFuture<>();
            try {
                rpc.subscribe("author_submitAndWatchExtrinsic", "author_unwatchExtrinsic", List.of(xtHex),
                        new Watch(xtHex, xtHash, included, finalized), false);
            } catch (RpcErrorException e) {
                forgetNonce();
                throw new TransactionFailedException("extrinsic " + xtHash + " with nonce " + nonce + " refused: "
                        + e.getMessage());
            }
            nextNonce = nonce + 1;
            return new Submission(xtHash, nonce, included, finalized);
        }
    }

    private final class Watch implements JsonRpcClient.SubscriptionListener {
        private final String xtHex;
        private final String xtHash;
        private final CompletableFuture<Inclusion> included;
        private final CompletableFuture<String> finalized;

        Watch(String xtHex, String xtHash, CompletableFuture<Inclusion> included, CompletableFuture<String> finalized) {
            this.xtHex = xtHex;
            this.xtHash = xtHash;
            this.included = included;
            this.finalized = finalized;
        }

        @Override
        public void onNotification(JsonNode status) {
            if (status.isTextual()) {
                String s = status.asText();
                if (s.equals("dropped") || s.equals("invalid")) {
                    fail(s);
                }
                return; // future, ready
            }
            if (status.has("inBlock")) {
                String block = status.get("inBlock").asText();
                scheduler.execute(() -> {
                    try {
                        included.complete(inclusion(block));
                    } catch (RuntimeException e) {
                        included.completeExceptionally(e);
                    }
                });
            } else if (status.has("finalized")) {
                finalized.complete(status.get("finalized").asText());
            } else if (status.has("broadcast") || status.has("retracted") || status.has("ready") || status.has("future")) {
                return;
            } else {
                fail(status.toString());
            }
        }

        private void fail(String why) {
            forgetNonce();
            TransactionFailedException e = new TransactionFailedException("extrinsic " + xtHash + " failed: " + why);
            included.completeExceptionally(e);
            finalized.completeExceptionally(e);
        }

        @Override
        public void onConnectionLost() {
            forgetNonce();
            ChainUnavailableException e = new ChainUnavailableException("lost the connection while watching extrinsic "
                    + xtHash + "; it may still be included");
            included.completeExceptionally(e);
            finalized.completeExceptionally(e);
        }

        private Inclusion inclusion(String blockHash) {
            JsonNode block = rpc.request("chain_getBlock", blockHash).path("block");
            int index = -1;
            JsonNode xts = block.path("extrinsics");
            for (int i = 0; i < xts.size(); i++) {
                if (xts.get(i).asText().equalsIgnoreCase(xtHex)) {
                    index = i;
                }
            }
            if (index < 0) {
                throw new TransactionFailedException("block " + blockHash + " was reported to include " + xtHash + " but does not");
            }
            List<EventRecord> mine = new ArrayList<>();
            for (EventRecord e : events(blockHash)) {
                if (e.extrinsicIndex().isPresent() && e.extrinsicIndex().getAsInt() == index) {
                    mine.add(e);
                }
            }
            boolean ok = mine.stream().anyMatch(e -> e.qualifiedName().equals("System.ExtrinsicSuccess"));
            return new Inclusion(xtHash, new Head(number(block.path("header")), blockHash), index, mine, ok);
        }
    }

    /** Submits and waits (at most {@code timeout}) for inclusion. */
    public Inclusion submitAndWait(byte[] call, Duration timeout) {
        Submission s = submit(call);
        try {
            return s.included().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ChainUnavailableException("extrinsic " + s.extrinsicHash() + " not included within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainUnavailableException("interrupted waiting for " + s.extrinsicHash(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new ChainUnavailableException("waiting for " + s.extrinsicHash() + " failed", e.getCause());
        }
    }

    /**
     * {@code icn-node chain remark TEXT}: signs {@code System.remark_with_event(text)} with the node key and
     * waits for inclusion, proving the key can transact.
     *
     * @throws TransactionFailedException if the remark was refused or failed in its block
     */
    public Inclusion remark(String text, Duration timeout) {
        Inclusion inc = submitAndWait(runtime.calls().remarkWithEvent(text.getBytes(StandardCharsets.UTF_8)), timeout);
        if (!inc.success()) {
            throw new TransactionFailedException("remark " + inc.extrinsicHash() + " failed in block " + inc.block().hash()
                    + ": " + inc.events());
        }
        return inc;
    }

    /** {@code icn-node chain info}. */
    public ChainInfo info() {
        Runtime r = runtime;
        Head best = bestHead();
        Head fin = finalizedHead();
        Optional<ChainInfo.Account> account = key.map(k -> account(k.publicKey(), best.hash()));
        return new ChainInfo(chainName, genesisHash, r.specName(), r.specVersion(), r.transactionVersion(),
                r.metadata().version(), best, fin, pallet.name(), pinningPalletPresent(), account);
    }

    // ---- pinning pallet

    /** Every {@code PendingAudits} entry at block {@code at} (null: best), decoded, keyed by audit id hex. */
    public Map<String, PinningPallet.Audit> pendingAudits(String at) {
        Map<String, PinningPallet.Audit> out = new LinkedHashMap<>();
        forEachEntry(pallet.prefix("PendingAudits"), at, (k, v) -> {
            PinningPallet.Audit a = PinningPallet.decodeAudit(v);
            out.put(HEX.formatHex(a.auditId()), a);
        });
        return out;
    }

    /** Visits every {@code PinningDeals} entry at block {@code at}; returns the count. */
    public long forEachDeal(String at, Consumer<PinningPallet.Deal> visitor) {
        return forEachEntry(pallet.prefix("PinningDeals"), at, (k, v) -> visitor.accept(PinningPallet.decodeDeal(v)));
    }

    public Optional<PinningPallet.Deal> deal(byte[] dealId, String at) {
        return storage(pallet.dealKey(dealId), at).map(PinningPallet::decodeDeal);
    }

    public Optional<PinningPallet.Audit> pendingAudit(byte[] auditId, String at) {
        return storage(pallet.pendingAuditKey(auditId), at).map(PinningPallet::decodeAudit);
    }

    public List<byte[]> shardAssignments(byte[] shardHash, String at) {
        return storage(pallet.shardAssignmentsKey(shardHash), at).map(PinningPallet::decodeAssignments).orElse(List.of());
    }

    public Optional<byte[]> shardMerkleRoot(byte[] shardHash, String at) {
        return storage(pallet.merkleRootKey(shardHash), at).map(PinningPallet::decodeMerkleRoot);
    }

    /** The pinning pallet's events in a block (empty when the runtime has no such pallet). */
    public List<PinningPallet.Event> pinningEvents(String blockHash) {
        if (!pinningPalletPresent()) {
            return List.of();
        }
        List<PinningPallet.Event> out = new ArrayList<>();
        for (EventRecord e : events(blockHash)) {
            if (e.pallet().equals(pallet.name())) {
                PinningPallet.fromDecoded(e.event()).ifPresent(out::add);
            }
        }
        return out;
    }

    static String hex(byte[] b) {
        return "0x" + HEX.formatHex(b);
    }

    static byte[] hex(JsonNode n) {
        return hex(n.asText());
    }

    static byte[] hex(String s) {
        if (!s.startsWith("0x")) {
            throw new ChainUnavailableException("expected 0x-prefixed hex from the node, got '"
                    + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'");
        }
        return HEX.parseHex(s, 2, s.length());
    }

    /** Closes the connection (the scheduler stays the caller's). Idempotent. */
    @Override
    public void close() {
        try {
            runtimeSubscription.close();
        } finally {
            rpc.close();
        }
    }
}

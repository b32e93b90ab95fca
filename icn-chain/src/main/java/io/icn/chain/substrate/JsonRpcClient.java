package io.icn.chain.substrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.icn.chain.ChainUnavailableException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * JSON-RPC 2.0 over one WebSocket ({@code java.net.http.WebSocket}), as Substrate nodes serve it:
 * requests with ids and a timeout each, subscriptions whose notifications are delivered in order, and a
 * connection that comes back by itself.
 *
 * <h2>Reconnection</h2>
 * When the socket closes or fails, every request in flight fails with {@link ChainUnavailableException};
 * the client reconnects with exponential backoff ({@link Config#initialBackoff()} doubling up to
 * {@link Config#maxBackoff()}), subscribes again to everything still subscribed, and tells each
 * {@link SubscriptionListener#onResubscribed()} so it can catch up on what it missed (the head followers of
 * the adapter read the blocks in between). Requests made while disconnected wait for the connection up to
 * their timeout.
 *
 * <h2>Bounds</h2>
 * At most {@link Config#maxPendingRequests()} requests in flight (more fail at once); each subscription
 * buffers at most {@link Config#maxQueuedNotifications()} notifications: on overflow the oldest is dropped
 * and {@link SubscriptionListener#onGap(long)} says how many; a message above {@link Config#maxMessageBytes()}
 * closes the connection (then reconnects).
 *
 * <h2>Threading</h2>
 * Thread-safe. {@link #request} blocks the caller (never call it from a listener of this client: use
 * {@link #call}). Listeners run one at a time, in notification order, on the scheduler passed in; a listener
 * that throws is logged and stays subscribed. {@link #close()} closes the socket; the scheduler belongs to the
 * caller.
 */
public final class JsonRpcClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JsonRpcClient.class.getName());

    /**
     * Connection settings.
     *
     * @param endpoint {@code ws://} or {@code wss://} URI of the node
     * @param requestTimeout how long a request may wait for its answer (connection wait included)
     * @param connectTimeout how long one connection attempt may take
     * @param initialBackoff first wait before reconnecting; doubles per failed attempt
     * @param maxBackoff the longest wait between attempts
     * @param maxPendingRequests requests in flight at once
     * @param maxQueuedNotifications notifications buffered per subscription before the oldest is dropped
     * @param maxMessageBytes the largest message accepted (metadata is a few hundred kilobytes)
     */
    public record Config(URI endpoint, Duration requestTimeout, Duration connectTimeout, Duration initialBackoff,
            Duration maxBackoff, int maxPendingRequests, int maxQueuedNotifications, int maxMessageBytes) {
        public Config {
            Objects.requireNonNull(endpoint, "endpoint");
            String scheme = endpoint.getScheme();
            if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
                throw new IllegalArgumentException("chain endpoint must be ws:// or wss://: " + endpoint);
            }
            positive(requestTimeout, "requestTimeout");
            positive(connectTimeout, "connectTimeout");
            positive(initialBackoff, "initialBackoff");
            positive(maxBackoff, "maxBackoff");
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
            }
            if (maxPendingRequests < 1 || maxQueuedNotifications < 1 || maxMessageBytes < 1024) {
                throw new IllegalArgumentException("bounds must be positive (messages >= 1024 bytes): "
                        + maxPendingRequests + ", " + maxQueuedNotifications + ", " + maxMessageBytes);
            }
        }

        /** Defaults: 30 s requests, 10 s connect, backoff 200 ms to 10 s, 1024 in flight, 4096 queued, 64 MiB. */
        public static Config defaults(URI endpoint) {
            return new Config(endpoint, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMillis(200),
                    Duration.ofSeconds(10), 1024, 4096, 64 << 20);
        }

        private static void positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
        }
    }

    /** Receives a subscription's notifications, in order, one at a time. */
    public interface SubscriptionListener {
        /** One notification's {@code result}. */
        void onNotification(JsonNode result);

        /** The subscription was made again after a reconnection; notifications in between were not seen. */
        default void onResubscribed() {
        }

        /** {@code dropped} notifications were discarded because this listener fell behind. */
        default void onGap(long dropped) {
        }

        /**
         * The connection was lost. A resumable subscription is made again when it returns
         * ({@link #onResubscribed()}); a one-shot subscription (such as a transaction watch) ends here.
         */
        default void onConnectionLost() {
        }
    }

    /** A live subscription; closing it unsubscribes (best effort) and stops deliveries. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private final Config config;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, SubscriptionState> bySubscriptionId = new ConcurrentHashMap<>();
    private final List<SubscriptionState> subscriptions = new ArrayList<>();
    private final Object lock = new Object();
    /** Notifications that arrived before their subscription's id was known, by id; bounded. */
    private final java.util.LinkedHashMap<String, List<JsonNode>> early = new java.util.LinkedHashMap<>();
    private static final int MAX_EARLY_IDS = 64;
    private static final int MAX_EARLY_PER_ID = 16;
    private CompletableFuture<WebSocket> connection;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private int failedAttempts;
    private long connects;
    private boolean closed;
    private ScheduledFuture<?> reconnectTask;
    /** When the socket last delivered anything: a request answered by silence since it was sent means a dead socket. */
    private volatile long lastReceivedNanos = System.nanoTime();

    /** A request in flight; {@code sent} once it went out on a socket (before that it waits for a connection). */
    private static final class Pending {
        final String method;
        final CompletableFuture<JsonNode> future;
        volatile boolean sent;
        volatile long sentNanos;

        Pending(String method, CompletableFuture<JsonNode> future) {
            this.method = method;
            this.future = future;
        }

        String method() {
            return method;
        }

        CompletableFuture<JsonNode> future() {
            return future;
        }
    }

    /** Creates the client and starts connecting; requests wait for the connection. */
    public JsonRpcClient(Config config, HttpClient http, ScheduledExecutorService scheduler) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = Objects.requireNonNull(http, "http");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        synchronized (lock) {
            connection = new CompletableFuture<>();
            connectLocked();
        }
    }

    public URI endpoint() {
        return config.endpoint();
    }

    /** How many times a connection was established (1 after the first, +1 per reconnection). */
    public long connects() {
        synchronized (lock) {
            return connects;
        }
    }

    /** Whether the socket is open right now. */
    public boolean isConnected() {
        synchronized (lock) {
            return !closed && connection.isDone() && !connection.isCompletedExceptionally();
        }
    }

    private void connectLocked() {
        CompletableFuture<WebSocket> target = connection;
        http.newWebSocketBuilder().connectTimeout(config.connectTimeout())
                .buildAsync(config.endpoint(), new SocketListener())
                .whenComplete((ws, err) -> {
                    if (err != null) {
                        onDisconnect(null, "connect to " + config.endpoint() + " failed: " + rootMessage(err));
                        return;
                    }
                    boolean resubscribe;
                    synchronized (lock) {
                        if (closed) {
                            ws.abort();
                            return;
                        }
                        failedAttempts = 0;
                        connects++;
                        resubscribe = connects > 1;
                        sendChain = CompletableFuture.completedFuture(null);
                        target.complete(ws);
                    }
                    if (resubscribe) {
                        resubscribeAll();
                    }
                });
    }

    /**
     * A request sent on the open socket got no answer, and nothing else arrived since it was sent: a connection
     * cut without a FIN or RST (a dead peer, a dropped route) looks like this, and the WebSocket would wait on it
     * for the kernel's keep-alive. Takes the socket as dead: aborts it and reconnects.
     */
    private void dropSilentSocket(String method) {
        WebSocket ws;
        synchronized (lock) {
            ws = !closed && connection.isDone() && !connection.isCompletedExceptionally() ? connection.getNow(null) : null;
        }
        if (ws != null) {
            ws.abort();
            onDisconnect(ws, "no answer to " + method + " and nothing else received within "
                    + config.requestTimeout().toMillis() + " ms: the connection is taken as dead");
        }
    }

    private void onDisconnect(WebSocket ws, String reason) {
        List<Pending> failed;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (ws != null && !(connection.isDone() && connection.getNow(null) == ws)) {
                return; // an old socket's late callback
            }
            if (connection.isDone()) {
                connection = new CompletableFuture<>();
            }
            bySubscriptionId.clear();
            for (SubscriptionState s : subscriptions) {
                s.enqueue(SubscriptionState.CONNECTION_LOST);
            }
            subscriptions.removeIf(s -> !s.resumable);
            // Requests sent on the lost socket will get no answer; those still waiting for a connection keep waiting.
            failed = new ArrayList<>();
            pending.values().removeIf(p -> p.sent && failed.add(p));
            long delay = Math.min(config.maxBackoff().toMillis(),
                    config.initialBackoff().toMillis() << Math.min(20, failedAttempts));
            failedAttempts++;
            if (reconnectTask == null || reconnectTask.isDone()) {
                LOG.log(Level.INFO, () -> "chain connection lost (" + reason + "); reconnecting in " + delay + " ms");
                reconnectTask = scheduler.schedule(() -> {
                    synchronized (lock) {
                        if (!closed) {
                            connectLocked();
                        }
                    }
                }, delay, TimeUnit.MILLISECONDS);
            }
        }
        for (Pending p : failed) {
            p.future().completeExceptionally(new ChainUnavailableException(p.method() + " lost its connection: " + reason));
        }
    }

    /**
     * Sends a request; the future completes with its {@code result}, or fails with {@link RpcErrorException},
     * or with {@link ChainUnavailableException} on timeout, disconnection or too many requests in flight.
     */
    public CompletableFuture<JsonNode> call(String method, Object... params) {
        Objects.requireNonNull(method, "method");
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        long id = ids.incrementAndGet();
        ObjectNode msg = json.createObjectNode();
        msg.put("jsonrpc", "2.0");
        msg.put("id", id);
        msg.put("method", method);
        ArrayNode array = msg.putArray("params");
        for (Object p : params) {
            array.add(json.valueToTree(p));
        }
        String text = msg.toString();
        CompletableFuture<WebSocket> conn;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("JSON-RPC client for " + config.endpoint() + " is closed");
            }
            if (pending.size() >= config.maxPendingRequests()) {
                result.completeExceptionally(new ChainUnavailableException(
                        config.maxPendingRequests() + " requests already in flight; refused " + method));
                return result;
            }
            pending.put(id, new Pending(method, result));
            conn = connection;
        }
        Pending mine = pending.get(id);
        ScheduledFuture<?> timeout = scheduler.schedule(() -> {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future().completeExceptionally(new ChainUnavailableException(method + " got no answer from "
                        + config.endpoint() + " within " + config.requestTimeout().toMillis() + " ms"));
                if (p.sent && lastReceivedNanos - p.sentNanos < 0) {
                    dropSilentSocket(method);
                }
            }
        }, config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> timeout.cancel(false));
        conn.thenAccept(ws -> {
            if (mine != null) {
                mine.sentNanos = System.nanoTime();
                mine.sent = true;
            }
        }).thenCompose(x -> conn).thenAccept(ws -> send(ws, text).whenComplete((r, e) -> {
            if (e != null) {
                Pending p = pending.remove(id);
                if (p != null) {
                    p.future().completeExceptionally(new ChainUnavailableException(method + " could not be sent: "
                            + rootMessage(e), e));
                }
            }
        }));
        return result;
    }

    /** {@link #call} and wait (bounded by the request timeout). */
    public JsonNode request(String method, Object... params) {
        return await(call(method, params), method);
    }

    static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainUnavailableException(what + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new ChainUnavailableException(what + " failed: " + cause, cause);
        }
    }

    private CompletableFuture<?> send(WebSocket ws, String text) {
        synchronized (lock) {
            // The JDK WebSocket refuses a second send while one is outstanding: chain them.
            CompletableFuture<?> next = sendChain.handle((r, e) -> null)
                    .thenCompose(x -> ws.sendText(text, true));
            sendChain = next;
            return next;
        }
    }

    /**
     * Subscribes with {@code subscribeMethod(params)}; notifications go to {@code listener} until the returned
     * subscription is closed, across reconnections. Blocks until the node accepted the first subscription.
     */
    public Subscription subscribe(String subscribeMethod, String unsubscribeMethod, List<?> params,
            SubscriptionListener listener) {
        return subscribe(subscribeMethod, unsubscribeMethod, params, listener, true);
    }

    /**
     * As {@link #subscribe(String, String, List, SubscriptionListener)}; a subscription that is not
     * {@code resumable} ends when the connection is lost instead of being made again.
     */
    public Subscription subscribe(String subscribeMethod, String unsubscribeMethod, List<?> params,
            SubscriptionListener listener, boolean resumable) {
        SubscriptionState s = new SubscriptionState(subscribeMethod, unsubscribeMethod, List.copyOf(params), listener,
                resumable);
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("JSON-RPC client for " + config.endpoint() + " is closed");
            }
            subscriptions.add(s);
        }
        try {
            String id = await(s.subscribeOnce(), subscribeMethod);
            Objects.requireNonNull(id);
        } catch (RuntimeException e) {
            synchronized (lock) {
                subscriptions.remove(s);
            }
            throw e;
        }
        return s;
    }

    private void resubscribeAll() {
        List<SubscriptionState> all;
        synchronized (lock) {
            all = new ArrayList<>(subscriptions);
        }
        for (SubscriptionState s : all) {
            s.subscribeOnce().whenComplete((id, e) -> {
                if (e != null) {
                    LOG.log(Level.WARNING, () -> "resubscribing with " + s.subscribeMethod + " failed: " + rootMessage(e));
                } else {
                    s.enqueue(SubscriptionState.RESUBSCRIBED);
                }
            });
        }
    }

    private final class SubscriptionState implements Subscription {
        static final JsonNode RESUBSCRIBED = new com.fasterxml.jackson.databind.node.TextNode("resubscribed");
        static final JsonNode CONNECTION_LOST = new com.fasterxml.jackson.databind.node.TextNode("connection lost");
        final boolean resumable;
        final String subscribeMethod;
        final String unsubscribeMethod;
        final List<Object> params;
        final SubscriptionListener listener;
        final ArrayDeque<JsonNode> queue = new ArrayDeque<>();
        long dropped;
        boolean draining;
        volatile boolean active = true;
        volatile String currentId;

        SubscriptionState(String subscribeMethod, String unsubscribeMethod, List<Object> params,
                SubscriptionListener listener, boolean resumable) {
            this.resumable = resumable;
            this.subscribeMethod = subscribeMethod;
            this.unsubscribeMethod = unsubscribeMethod;
            this.params = params;
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        CompletableFuture<String> subscribeOnce() {
            return call(subscribeMethod, params.toArray()).thenApply(result -> {
                String id = result.isTextual() ? result.asText() : result.toString();
                currentId = id;
                List<JsonNode> before;
                synchronized (early) {
                    if (active) {
                        bySubscriptionId.put(id, this);
                    }
                    before = early.remove(id);
                }
                if (before != null) {
                    before.forEach(this::enqueue);
                }
                return id;
            });
        }

        void enqueue(JsonNode result) {
            boolean schedule;
            synchronized (queue) {
                if (!active) {
                    return;
                }
                if (queue.size() >= config.maxQueuedNotifications()) {
                    queue.pollFirst();
                    dropped++;
                }
                queue.addLast(result);
                schedule = !draining;
                draining = true;
            }
            if (schedule) {
                scheduler.execute(this::drain);
            }
        }

        private void drain() {
            for (int i = 0; i < 256; i++) {
                JsonNode next;
                long gap;
                synchronized (queue) {
                    next = queue.pollFirst();
                    gap = dropped;
                    dropped = 0;
                    if (next == null && gap == 0) {
                        draining = false;
                        return;
                    }
                }
                try {
                    if (gap > 0) {
                        listener.onGap(gap);
                    }
                    if (next == RESUBSCRIBED) {
                        listener.onResubscribed();
                    } else if (next == CONNECTION_LOST) {
                        listener.onConnectionLost();
                    } else if (next != null && active) {
                        listener.onNotification(next);
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "listener of " + subscribeMethod + " threw", e);
                }
            }
            scheduler.execute(this::drain); // let other work run between batches
        }

        @Override
        public void close() {
            active = false;
            synchronized (lock) {
                subscriptions.remove(this);
            }
            String id = currentId;
            if (id != null) {
                bySubscriptionId.remove(id);
                if (isConnected()) {
                    call(unsubscribeMethod, id).exceptionally(e -> null);
                }
            }
        }
    }

    private void onMessage(String text) {
        JsonNode msg;
        try {
            msg = json.readTree(text);
        } catch (Exception e) {
            LOG.warning(() -> "ignoring a message from " + config.endpoint() + " that is not JSON ("
                    + text.length() + " chars)");
            return;
        }
        if (msg == null) {
            return;
        }
        JsonNode id = msg.get("id");
        if (id != null && id.canConvertToLong()) {
            Pending p = pending.remove(id.asLong());
            if (p == null) {
                return;
            }
            JsonNode error = msg.get("error");
            if (error != null && !error.isNull()) {
                p.future().completeExceptionally(new RpcErrorException(p.method(), error.path("code").asInt(),
                        error.path("message").asText() + (error.has("data") ? " (" + error.get("data") + ")" : "")));
            } else {
                p.future().complete(msg.path("result"));
            }
            return;
        }
        JsonNode params = msg.get("params");
        if (params != null && params.has("subscription")) {
            JsonNode sid = params.get("subscription");
            String key = sid.isTextual() ? sid.asText() : sid.toString();
            SubscriptionState s;
            synchronized (early) {
                s = bySubscriptionId.get(key);
                if (s == null) {
                    List<JsonNode> list = early.computeIfAbsent(key, k -> new ArrayList<>());
                    if (list.size() < MAX_EARLY_PER_ID) {
                        list.add(params.path("result"));
                    }
                    if (early.size() > MAX_EARLY_IDS) {
                        early.remove(early.keySet().iterator().next());
                    }
                }
            }
            if (s != null) {
                s.enqueue(params.path("result"));
            }
        }
    }

    private final class SocketListener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            lastReceivedNanos = System.nanoTime();
            if (partial.length() + data.length() > config.maxMessageBytes()) {
                partial.setLength(0);
                webSocket.abort();
                onDisconnect(webSocket, "message above " + config.maxMessageBytes() + " bytes");
                return null;
            }
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onMessage(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            onDisconnect(webSocket, "closed by the node: " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            onDisconnect(webSocket, rootMessage(error));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** Closes the socket and fails what is in flight. Idempotent. */
    @Override
    public void close() {
        List<Pending> failed;
        CompletableFuture<WebSocket> conn;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            subscriptions.clear();
            if (reconnectTask != null) {
                reconnectTask.cancel(false);
            }
            failed = new ArrayList<>(pending.values());
            pending.clear();
            conn = connection;
        }
        for (Pending p : failed) {
            p.future().completeExceptionally(new ChainUnavailableException(p.method() + ": client closed"));
        }
        conn.completeExceptionally(new ChainUnavailableException("client closed"));
        if (conn.isDone() && !conn.isCompletedExceptionally()) {
            WebSocket ws = conn.join();
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(Level.FINE, "close handshake did not finish", e);
            }
            ws.abort();
        }
    }
}

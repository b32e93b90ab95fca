package io.icn.node.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.icn.node.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher's HTTP interface on the JDK's {@code com.sun.net.httpserver}, in two listeners, each with its own
 * {@link Router}:
 *
 * <ul>
 *   <li>{@code metrics_bind:metrics_port}: the public router ({@code /metrics}, {@code /health});</li>
 *   <li>{@code admin_bind:admin_port} (loopback by default): the admin router ({@code /admin/*}, {@code /health}).
 *       With an {@code admin_token} every {@code /admin/} request needs {@code Authorization: Bearer <token>}.</li>
 * </ul>
 *
 * This class owns the plumbing every endpoint shares: authentication, body limits ({@code limits.max_json_body_kb}
 * for every body a handler does not stream), errors as {@code {"error": "...", "status": n}}, and the drain.
 *
 * <p>Thread-safe. Requests run on {@code limits.http_threads} threads owned by this server.
 *
 * <p>Shutdown is in two steps. {@link #stopAdmitting()} makes every later {@code /admin/} request fail with 503
 * ("the node is shutting down") while {@code /health} and {@code /metrics} keep answering; {@link #awaitIdle} waits
 * for the requests already running, such as a put, to finish. {@link #close()} then stops both listeners, cutting
 * off whatever still runs, and the threads. Idempotent.
 */
final class NodeHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeHttpServer.class);
    private static final String ADMIN_PREFIX = "/admin/";

    private final HttpConfig config;
    private final HttpServer metrics;
    private final HttpServer admin;
    private final ExecutorService threads;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final byte[] expectedAuthorization;
    private volatile boolean draining;
    /** Notified when the last request in flight ends while draining. */
    private final Object idle = new Object();
    private boolean closed;

    private NodeHttpServer(HttpConfig config, HttpServer metrics, HttpServer admin, ExecutorService threads) {
        this.config = config;
        this.metrics = metrics;
        this.admin = admin;
        this.threads = threads;
        this.expectedAuthorization = ("Bearer " + config.adminToken()).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Binds both listeners and starts serving.
     *
     * @param publicRoutes the routes of the metrics listener
     * @param adminRoutes the routes of the admin listener
     * @throws ConfigException if a port cannot be bound (naming the key)
     */
    static NodeHttpServer start(HttpConfig config, Router publicRoutes, Router adminRoutes) {
        HttpServer metrics = bind("metrics_port", config.metricsBind(), config.metricsPort());
        HttpServer admin;
        try {
            admin = bind("admin_port", config.adminBind(), config.adminPort());
        } catch (RuntimeException e) {
            metrics.stop(0);
            throw e;
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "icn-node-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        NodeHttpServer server = new NodeHttpServer(config, metrics, admin, threads);
        metrics.setExecutor(threads);
        admin.setExecutor(threads);
        metrics.createContext("/", ex -> server.serve(ex, publicRoutes, false));
        admin.createContext("/", ex -> server.serve(ex, adminRoutes, true));
        metrics.start();
        admin.start();
        return server;
    }

    private static HttpServer bind(String key, String host, int port) {
        try {
            return HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (BindException e) {
            throw new ConfigException(key + " = " + port + " cannot be bound on " + host + " (" + e.getMessage()
                    + "); another program holds it. Stop it or choose another " + key, e);
        } catch (IOException e) {
            throw new ConfigException("cannot listen on " + host + ":" + port + " for " + key + ": " + e, e);
        }
    }

    InetSocketAddress metricsAddress() {
        return metrics.getAddress();
    }

    InetSocketAddress adminAddress() {
        return admin.getAddress();
    }

    /** Requests being served right now. */
    int inFlight() {
        return inFlight.get();
    }

    /** From now on every {@code /admin/} request is answered 503; the listeners stay open. */
    void stopAdmitting() {
        draining = true;
    }

    /**
     * Waits until no request is being served, at most {@code timeout}.
     *
     * @return whether none is left (false also when interrupted)
     */
    boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(idle, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return inFlight.get() == 0;
                }
            }
        }
        return true;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        metrics.stop(0);
        admin.stop(0);
        threads.shutdown();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- dispatch

    private void serve(HttpExchange ex, Router router, boolean adminListener) {
        inFlight.incrementAndGet();
        try (ex) {
            Reply reply;
            try {
                reply = dispatch(ex, router, adminListener);
            } catch (ApiError e) {
                reply = Reply.error(e.status(), e.getMessage());
            } catch (RuntimeException e) {
                reply = failure(ex, e);
            }
            send(ex, reply);
        } catch (IOException e) {
            LOG.debug("client went away: {}", e.toString());
        } finally {
            if (inFlight.decrementAndGet() == 0 && draining) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        }
    }

    private Reply dispatch(HttpExchange ex, Router router, boolean adminListener) {
        Request request = new Request(ex, config.maxJsonBodyBytes());
        String path = request.path();
        boolean adminPath = adminListener && path.startsWith(ADMIN_PREFIX);
        if (adminPath) {
            if (draining) {
                // Read after serve() counted this request, so awaitIdle() cannot miss one admitted before.
                throw new ApiError(503, "the node is shutting down; nothing new is accepted (retry once it runs"
                        + " again)");
            }
            authorize(ex);
        }
        Router.Route route = router.find(request.method(), path);
        if (!route.streamsBody()) {
            request.bufferBody();
        }
        return route.handler().handle(request);
    }

    private static void send(HttpExchange ex, Reply reply) throws IOException {
        ex.getResponseHeaders().set("Content-Type", reply.contentType());
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(reply.status(), -1);
        } else {
            ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    private void authorize(HttpExchange ex) {
        if (!config.adminTokenRequired()) {
            return;
        }
        String given = ex.getRequestHeaders().getFirst("Authorization");
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"icn-node\"");
            throw new ApiError(401, given == null
                    ? "this node requires 'Authorization: Bearer <admin_token>'; the CLI sends it when --config"
                            + " names the node's configuration file"
                    : "the bearer token does not match this node's admin_token");
        }
    }

    private static Reply failure(HttpExchange ex, RuntimeException e) {
        String what = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
        int status = HttpErrors.statusOf(e);
        if (HttpErrors.unexpected(status)) {
            LOG.error("{} failed unexpectedly", what, e);
        } else {
            LOG.warn("{} refused ({}): {}", what, status, e.getMessage());
        }
        return Reply.error(status, HttpErrors.message(e));
    }
}

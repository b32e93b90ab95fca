package io.icn.node.launcher;

import io.icn.node.NodeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The CLI's way to a running node: its admin endpoints over HTTP (never its storage directory, which the
 * node locks). The address and token come from the same configuration file the node runs with.
 *
 * <p>Thread-safe (the JDK client is).
 */
final class AdminClient {
    private final URI base;
    private final String token;
    private final HttpClient http;

    AdminClient(URI base, String token) {
        this.base = Objects.requireNonNull(base, "base");
        this.token = Objects.requireNonNull(token, "token");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The client for the node configured by {@code config}: {@code admin_bind:admin_port}, {@code admin_token}. */
    static AdminClient of(HttpConfig config) {
        String host = config.adminBind();
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            host = "127.0.0.1";
        }
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return new AdminClient(URI.create("http://" + host + ":" + config.adminPort()), config.adminToken());
    }

    URI base() {
        return base;
    }

    /** The node is not listening where the configuration says, or does not answer. */
    static final class UnreachableException extends NodeException {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A status and a JSON body. */
    record Response(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    Response get(String pathAndQuery) {
        return send(request(pathAndQuery).GET().build());
    }

    Response post(String pathAndQuery) {
        return send(request(pathAndQuery).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** POSTs a JSON body. */
    Response postJson(String pathAndQuery, String json) {
        return send(request(pathAndQuery).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** POSTs {@code length} bytes from {@code body} (a fresh stream per call of the supplier). */
    Response post(String pathAndQuery, Supplier<InputStream> body, long length) {
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(body), length);
        return send(request(pathAndQuery).header("Content-Type", "application/octet-stream").POST(publisher).build());
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery));
        if (!token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (ConnectException | HttpConnectTimeoutException | ClosedChannelException e) {
            throw unreachable(e);
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw unreachable(e);
            }
            throw new UnreachableException("the node at " + base + " broke off the request: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException("interrupted while waiting for the node at " + base, e);
        }
    }

    private UnreachableException unreachable(Exception e) {
        return new UnreachableException("no node answers at " + base + " (" + e.getClass().getSimpleName()
                + "); start it with 'icn-node run', or pass the --config it runs with so admin_bind/admin_port"
                + " match", e);
    }
}

package io.icn.node.launcher;

import io.icn.node.NodeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The CLI's way to a running node: its admin endpoints over HTTP (never its storage directory, which the
 * node locks). The address and token come from the same configuration file the node runs with.
 *
 * <p>Built on {@link HttpURLConnection}, not {@code java.net.http}: a command is one or a few requests to a local
 * node, and the JDK's newer client costs a short-lived CLI about 0.4 s (its classes and TLS set-up at the start,
 * and at the end the JVM's wait of up to 300 ms for its selector thread, which sits in native code, before it
 * exits; docs/benchmarks.md). Each request uses its own connection.
 *
 * <p>Thread-safe (stateless between requests).
 */
final class AdminClient {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final URI base;
    private final String token;

    AdminClient(URI base, String token) {
        this.base = Objects.requireNonNull(base, "base");
        this.token = Objects.requireNonNull(token, "token");
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
        return send("GET", pathAndQuery, null, null, -1);
    }

    Response post(String pathAndQuery) {
        return send("POST", pathAndQuery, null, InputStream::nullInputStream, 0);
    }

    /** POSTs a JSON body. */
    Response postJson(String pathAndQuery, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return send("POST", pathAndQuery, "application/json", () -> new ByteArrayInputStream(body), body.length);
    }

    /** POSTs {@code length} bytes from {@code body} (a fresh stream per call of the supplier). */
    Response post(String pathAndQuery, Supplier<InputStream> body, long length) {
        return send("POST", pathAndQuery, "application/octet-stream", body, length);
    }

    /** One request on its own connection; {@code body} null: none. */
    private Response send(String method, String pathAndQuery, String contentType, Supplier<InputStream> body,
            long length) {
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) base.resolve(pathAndQuery).toURL().openConnection();
        } catch (IOException | IllegalArgumentException e) {
            throw new NodeException("bad admin request " + base.resolve(pathAndQuery) + ": " + e.getMessage(), e);
        }
        try {
            c.setRequestMethod(method);
            c.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(false);
            if (!token.isEmpty()) {
                c.setRequestProperty("Authorization", "Bearer " + token);
            }
            if (contentType != null) {
                c.setRequestProperty("Content-Type", contentType);
            }
            if (body != null) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(length);
                c.connect();
                try (InputStream in = body.get(); OutputStream out = c.getOutputStream()) {
                    in.transferTo(out);
                } catch (UncheckedIOException e) {
                    throw new NodeException("cannot read the request body: " + e.getCause().getMessage(), e);
                }
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            return new Response(status, in == null ? "" : readAll(in));
        } catch (ConnectException | NoRouteToHostException | SocketTimeoutException e) { // only the connect times out
            throw unreachable(e);
        } catch (IOException e) {
            throw new UnreachableException("the node at " + base + " broke off the request: " + e, e);
        } finally {
            c.disconnect();
        }
    }

    private static String readAll(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private UnreachableException unreachable(Exception e) {
        return new UnreachableException("no node answers at " + base + " (" + e.getClass().getSimpleName()
                + "); start it with 'icn-node run', or pass the --config it runs with so admin_bind/admin_port"
                + " match", e);
    }
}

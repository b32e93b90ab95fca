package io.icn.node.launcher;

import com.sun.net.httpserver.HttpExchange;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as a {@link Handler} sees it: method, path, query parameters, and its body read within a limit.
 * Every body but a put's is bounded by {@code limits.max_json_body_kb}; a handler that does not read the body has
 * it discarded (within that bound) before the answer.
 *
 * <p>Confined to the thread serving the request.
 */
final class Request {
    /**
     * A refused body up to this size is read and discarded before the 413, so that the client, still sending, is
     * not cut off by a reset; a larger one is not read and its connection closes after the answer.
     */
    private static final long DRAIN_BYTES = 4L << 20;

    private final HttpExchange exchange;
    private final int maxJsonBodyBytes;
    private final Map<String, List<String>> query;
    private boolean bodyTaken;
    private String buffered;

    Request(HttpExchange exchange, int maxJsonBodyBytes) {
        this.exchange = exchange;
        this.maxJsonBodyBytes = maxJsonBodyBytes;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    String method() {
        return exchange.getRequestMethod();
    }

    String path() {
        return exchange.getRequestURI().getPath();
    }

    /** The first value of a query parameter, or null ({@code ?flag} alone is "true"). */
    String param(String name) {
        List<String> values = query.get(name);
        return values == null ? null : values.get(0);
    }

    /** Every value of a query parameter, in order. */
    List<String> params(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** A boolean query parameter: absent, {@code false} or {@code 0} is false; {@code true} or {@code 1} true. */
    boolean flag(String name) {
        String v = param(name);
        if (v == null || "false".equalsIgnoreCase(v) || "0".equals(v)) {
            return false;
        }
        if ("true".equalsIgnoreCase(v) || "1".equals(v)) {
            return true;
        }
        throw new ApiError(400, name + "=" + v + " is not a boolean; use " + name + "=true or " + name + "=false");
    }

    /** A whole-number query parameter, or {@code otherwise} when absent. */
    long number(String name, long otherwise) {
        String v = param(name);
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ApiError(400, name + "=" + v + " is not a whole number");
        }
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** The body as UTF-8 text, at most {@code limits.max_json_body_kb}. @throws ApiError 413 beyond */
    String text() {
        if (buffered != null) {
            return buffered;
        }
        try (InputStream in = body(maxJsonBodyBytes, "limits.max_json_body_kb")) {
            buffered = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return buffered;
        } catch (BodyTooLargeException e) {
            throw new ApiError(413, e.getMessage());
        } catch (IOException e) {
            throw new ApiError(400, "could not read the request body: " + e.getMessage());
        }
    }

    /**
     * The body as a stream that fails with {@link BodyTooLargeException} once more than {@code max} bytes arrive.
     *
     * @param key the configuration key of the limit, for the message
     * @throws ApiError 413 at once if the declared Content-Length is beyond {@code max}
     */
    InputStream body(long max, String key) {
        bodyTaken = true;
        String declared = header("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw new ApiError(400, "Content-Length '" + declared + "' is not a number");
            }
            if (length > max) {
                if (length <= DRAIN_BYTES) {
                    drainQuietly(exchange.getRequestBody()); // so that an ordinary client reads the 413
                }
                throw new ApiError(413, tooLarge(length, max, key));
            }
        }
        return new BoundedInputStream(exchange.getRequestBody(), max, key);
    }

    /**
     * Reads the whole body now, within {@code limits.max_json_body_kb}, before a handler that does not stream it
     * runs: a body too large is refused before anything is done. @throws ApiError 413 beyond the limit
     */
    void bufferBody() {
        if (!bodyTaken) {
            text();
        }
    }

    private static void drainQuietly(InputStream body) {
        try {
            body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the client went away; the 413 is moot
        }
    }

    private static String tooLarge(long length, long max, String key) {
        return "request body of " + length + " bytes exceeds the limit of " + max + " bytes (" + key
                + "); raise " + key + " in the node's configuration, or for put pass ?path= of a file on the node";
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return m;
    }

    /** The body was longer than its limit (a chunked upload, discovered while reading). */
    static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(String message) {
            super(message);
        }
    }

    /** Counts the bytes read and fails once more than the limit arrive. Not thread-safe. */
    private static final class BoundedInputStream extends FilterInputStream {
        private final long max;
        private final String key;
        private long read;

        BoundedInputStream(InputStream in, long max, String key) {
            super(in);
            this.max = max;
            this.key = key;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLargeException {
            read += n;
            if (read > max) {
                throw new BodyTooLargeException(tooLarge(read, max, key));
            }
        }
    }
}

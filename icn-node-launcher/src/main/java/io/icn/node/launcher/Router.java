package io.icn.node.launcher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which {@link Handler} answers which method and path: exact paths, and path prefixes (a prefix ends with
 * {@code /}; the handler reads the rest of the path). A path without a handler is 404 with {@code notFound}'s
 * hint, a known path with another method 405. Built once, then read by any number of threads.
 */
final class Router {
    private final Map<String, Map<String, Route>> exact = new LinkedHashMap<>();
    private final List<Prefix> prefixes = new ArrayList<>();
    private final String notFoundHint;

    private record Prefix(String method, String prefix, Route route) {
    }

    /**
     * A handler, and whether it reads the request body as a stream (a put); for every other handler the server
     * reads the body, within {@code limits.max_json_body_kb}, before the handler runs.
     */
    record Route(Handler handler, boolean streamsBody) {
    }

    /** @param notFoundHint the end of a 404's message: which endpoints this listener serves */
    Router(String notFoundHint) {
        this.notFoundHint = Objects.requireNonNull(notFoundHint, "notFoundHint");
    }

    /** {@code method path} goes to {@code handler}; a GET route answers HEAD too. */
    Router route(String method, String path, Handler handler) {
        return add(method, path, new Route(Objects.requireNonNull(handler), false));
    }

    /** {@code method path} goes to {@code handler}, which reads the body itself, as a stream of any length. */
    Router streaming(String method, String path, Handler handler) {
        return add(method, path, new Route(Objects.requireNonNull(handler), true));
    }

    private Router add(String method, String path, Route route) {
        exact.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, route);
        return this;
    }

    /** {@code method prefix...} goes to {@code handler}; {@code prefix} ends with '/'. */
    Router prefix(String method, String prefix, Handler handler) {
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("a prefix ends with '/': " + prefix);
        }
        prefixes.add(new Prefix(method, prefix, new Route(Objects.requireNonNull(handler), false)));
        return this;
    }

    /** The route of a request. @throws ApiError 404 or 405 */
    Route find(String method, String path) {
        Map<String, Route> byMethod = exact.get(path);
        if (byMethod != null) {
            return byMethod(byMethod, method);
        }
        Map<String, Route> matching = new LinkedHashMap<>();
        for (Prefix p : prefixes) {
            if (path.startsWith(p.prefix()) && path.length() > p.prefix().length()) {
                matching.putIfAbsent(p.method(), p.route());
            }
        }
        if (!matching.isEmpty()) {
            return byMethod(matching, method);
        }
        throw new ApiError(404, "no endpoint " + path + notFoundHint);
    }

    private static Route byMethod(Map<String, Route> byMethod, String method) {
        Route h = byMethod.get("HEAD".equals(method) ? (byMethod.containsKey("HEAD") ? "HEAD" : "GET") : method);
        if (h == null) {
            throw new ApiError(405, "method " + method + " is not allowed here; use "
                    + String.join(" or ", byMethod.keySet()));
        }
        return h;
    }
}

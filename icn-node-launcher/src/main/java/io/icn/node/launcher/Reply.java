package io.icn.node.launcher;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP answer: status, content type and body. Immutable.
 *
 * @param status the HTTP status
 * @param contentType the Content-Type header
 * @param body the body, possibly empty
 */
record Reply(int status, String contentType, byte[] body) {
    static final String JSON = "application/json; charset=utf-8";

    Reply {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    /** {@code value} as one line of JSON. */
    static Reply json(int status, Object value) {
        return new Reply(status, JSON, (Json.write(value) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** {@code {"error": message, "status": status}}. */
    static Reply error(int status, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        m.put("status", status);
        return json(status, m);
    }
}

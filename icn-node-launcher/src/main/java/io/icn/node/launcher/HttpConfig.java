package io.icn.node.launcher;

import io.icn.node.ConfigException;
import java.util.Objects;

/**
 * The launcher's HTTP listeners: {@code /metrics} and {@code /health} on {@code metrics_bind:metrics_port}, the
 * admin endpoints on {@code admin_bind:admin_port}, and their limits.
 *
 * <p>Immutable and thread-safe.
 *
 * @param metricsBind {@code metrics_bind}
 * @param metricsPort {@code metrics_port}, 0 = chosen by the system
 * @param adminBind {@code admin_bind}
 * @param adminPort {@code admin_port}, 0 = chosen by the system; not {@code metricsPort}
 * @param adminToken {@code admin_token}: the bearer token the admin endpoints require; empty = none
 * @param threads {@code limits.http_threads}: threads serving requests
 * @param maxJsonBodyBytes {@code limits.max_json_body_kb} in bytes: the largest body of an admin request but put
 * @param maxPutBytes {@code limits.max_put_mb} in bytes: the largest body of {@code POST /admin/put}
 */
public record HttpConfig(String metricsBind, int metricsPort, String adminBind, int adminPort, String adminToken,
        int threads, int maxJsonBodyBytes, long maxPutBytes) {

    /** Metrics on 0.0.0.0:9102, admin on 127.0.0.1:9103 without a token, 4 threads, 64 KiB JSON, 10 GiB puts. */
    public static final HttpConfig DEFAULT = new HttpConfig("0.0.0.0", 9102, "127.0.0.1", 9103, "", 4, 64 << 10,
            10_240L << 20);

    public HttpConfig {
        Objects.requireNonNull(metricsBind, "metricsBind");
        Objects.requireNonNull(adminBind, "adminBind");
        Objects.requireNonNull(adminToken, "adminToken");
        if (metricsPort != 0 && metricsPort == adminPort) {
            throw new ConfigException("metrics_port and admin_port are both " + metricsPort
                    + "; give the admin endpoints a port of their own (admin_port, default 9103)");
        }
        if (!adminToken.isEmpty() && (adminToken.length() < 16
                || adminToken.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
            throw new ConfigException("admin_token must be at least 16 printable ASCII characters without spaces"
                    + " (got " + adminToken.length() + " characters); generate one with: openssl rand -hex 24");
        }
        if (threads < 1 || maxJsonBodyBytes < 1 || maxPutBytes < 1) {
            throw new ConfigException("limits.http_threads, limits.max_json_body_kb and limits.max_put_mb must be"
                    + " positive: " + threads + ", " + maxJsonBodyBytes + " bytes, " + maxPutBytes + " bytes");
        }
    }

    /** Whether the admin endpoints require a bearer token. */
    public boolean adminTokenRequired() {
        return !adminToken.isEmpty();
    }

    public HttpConfig withMetrics(String bind, int port) {
        return new HttpConfig(bind, port, adminBind, adminPort, adminToken, threads, maxJsonBodyBytes, maxPutBytes);
    }

    public HttpConfig withAdmin(String bind, int port) {
        return new HttpConfig(metricsBind, metricsPort, bind, port, adminToken, threads, maxJsonBodyBytes, maxPutBytes);
    }

    /** Both ports at once (they must differ, so neither can be changed alone from a state where they clash). */
    public HttpConfig withPorts(int metrics, int admin) {
        return new HttpConfig(metricsBind, metrics, adminBind, admin, adminToken, threads, maxJsonBodyBytes,
                maxPutBytes);
    }

    public HttpConfig withAdminToken(String token) {
        return new HttpConfig(metricsBind, metricsPort, adminBind, adminPort, token, threads, maxJsonBodyBytes,
                maxPutBytes);
    }

    public HttpConfig withLimits(int threadCount, int maxJsonBody, long maxPut) {
        return new HttpConfig(metricsBind, metricsPort, adminBind, adminPort, adminToken, threadCount, maxJsonBody,
                maxPut);
    }
}

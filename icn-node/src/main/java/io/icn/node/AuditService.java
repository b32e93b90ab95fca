package io.icn.node;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The node's audit service: the {@link AuditMonitor}, which answers the audits addressed to this node when blocks
 * arrive, and a timer that asks it to poll every {@link ServiceConfig.Audits#pollInterval()} as well (so that a
 * missed block notification delays an answer by at most one poll).
 *
 * <p>Thread-safe. Owns the monitor; does not own the scheduler.
 */
final class AuditService implements NodeService {
    private final AuditMonitor monitor;
    private final ScheduledExecutorService scheduler;
    private final ServiceConfig.Audits config;
    private ScheduledFuture<?> poll;

    AuditService(AuditMonitor monitor, ScheduledExecutorService scheduler, ServiceConfig.Audits config) {
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String name() {
        return "audits";
    }

    AuditMonitor monitor() {
        return monitor;
    }

    @Override
    public synchronized void start() {
        monitor.start();
        long millis = config.pollInterval().toMillis();
        poll = scheduler.scheduleWithFixedDelay(monitor::pollNow, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (poll != null) {
            poll.cancel(false);
        }
        monitor.close();
    }
}

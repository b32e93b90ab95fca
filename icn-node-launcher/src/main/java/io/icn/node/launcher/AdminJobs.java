package io.icn.node.launcher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long admin operations ({@code verify}, {@code index rebuild}, {@code repair}) as jobs: {@link #submit} queues
 * one and returns at once with its id; it runs on one of this registry's own threads, never on an HTTP thread,
 * and reports its progress while it runs and its result (or error) when it ends. At most {@code maxActive} jobs
 * are queued or running at once (beyond, a submit is refused with 429), and the {@code keepFinished} most recent
 * finished jobs are kept for {@code GET /admin/jobs/<id>}; older ones are forgotten.
 *
 * <p>Thread-safe.
 */
final class AdminJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminJobs.class);

    /** A job's life. */
    enum State { QUEUED, RUNNING, SUCCEEDED, FAILED }

    /** What a job does; returns its result as JSON-ready maps and lists. */
    @FunctionalInterface
    interface Work {
        Object run(Progress progress) throws Exception;
    }

    private final Clock clock;
    private final int maxActive;
    private final int keepFinished;
    private final ExecutorService runners;
    private final AtomicLong ids = new AtomicLong();
    /** Every job kept, oldest first; guarded by itself. */
    private final Map<String, Job> jobs = new LinkedHashMap<>();

    /**
     * @param threads how many jobs run at once (the others wait, QUEUED)
     * @param maxActive at most this many jobs queued or running
     * @param keepFinished finished jobs kept
     */
    AdminJobs(Clock clock, int threads, int maxActive, int keepFinished) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (threads < 1 || maxActive < threads || keepFinished < 1) {
            throw new IllegalArgumentException("threads " + threads + ", maxActive " + maxActive + ", keepFinished "
                    + keepFinished + ": need 1 <= threads <= maxActive and keepFinished >= 1");
        }
        this.maxActive = maxActive;
        this.keepFinished = keepFinished;
        AtomicInteger n = new AtomicInteger();
        this.runners = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "icn-node-admin-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Queues a job.
     *
     * @param kind what it is: {@code verify}, {@code index_rebuild}, {@code repair}
     * @throws ApiError 429 if {@code maxActive} jobs are queued or running, 503 once closing
     */
    Job submit(String kind, Work work) {
        Job job;
        synchronized (jobs) {
            long active = jobs.values().stream().filter(j -> !j.finished()).count();
            if (active >= maxActive) {
                throw new ApiError(429, active + " admin jobs are queued or running, the most this node takes; wait"
                        + " for one to finish (GET /admin/jobs) and submit again");
            }
            job = new Job("job-" + ids.incrementAndGet(), kind, clock.instant());
            jobs.put(job.id, job);
            forgetOldFinished();
        }
        LOG.info("admin job {} ({}) queued", job.id, kind);
        try {
            runners.execute(() -> run(job, work));
        } catch (RejectedExecutionException e) {
            job.fail(clock.instant(), 503, "the node is shutting down");
            throw new ApiError(503, "the node is shutting down; nothing new is accepted");
        }
        return job;
    }

    private void forgetOldFinished() {
        long finished = jobs.values().stream().filter(Job::finished).count();
        for (Iterator<Job> it = jobs.values().iterator(); it.hasNext() && finished > keepFinished; ) {
            if (it.next().finished()) {
                it.remove();
                finished--;
            }
        }
    }

    private void run(Job job, Work work) {
        job.start(clock.instant());
        LOG.info("admin job {} ({}) running", job.id, job.kind);
        try {
            Object result = work.run(job.progress);
            finish(() -> job.succeed(clock.instant(), result));
            LOG.info("admin job {} ({}) succeeded in {} s", job.id, job.kind, job.seconds());
        } catch (Exception | Error e) {
            int status = HttpErrors.statusOf(e);
            finish(() -> job.fail(clock.instant(), status, HttpErrors.message(e)));
            if (HttpErrors.unexpected(status)) {
                LOG.error("admin job {} ({}) failed", job.id, job.kind, e);
            } else {
                LOG.warn("admin job {} ({}) failed ({}): {}", job.id, job.kind, status, e.getMessage());
            }
            if (e instanceof Error err) {
                throw err;
            }
        }
    }

    /**
     * Marks a job finished and forgets the oldest finished ones beyond {@code keepFinished}, at once for
     * {@link #list()} and {@link #get}: whoever sees the job finished and then lists, lists without the forgotten.
     */
    private void finish(Runnable mark) {
        synchronized (jobs) {
            mark.run();
            forgetOldFinished();
        }
    }

    /** The job of this id, while it is kept. */
    Optional<Job> get(String id) {
        synchronized (jobs) {
            return Optional.ofNullable(jobs.get(id));
        }
    }

    /** Every kept job, oldest first. */
    List<Job> list() {
        synchronized (jobs) {
            return new ArrayList<>(jobs.values());
        }
    }

    /** No job is accepted any more; queued ones still run. */
    void stopAccepting() {
        runners.shutdown();
    }

    /**
     * Stops accepting jobs and waits up to {@code timeout} for the running ones (the node's close has stopped their
     * store by then, so they end), then interrupts what is left.
     */
    void close(Duration timeout) {
        runners.shutdown();
        try {
            if (!runners.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                runners.shutdownNow();
                LOG.warn("admin jobs still running after {} s were interrupted", timeout.toSeconds());
            }
        } catch (InterruptedException e) {
            runners.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /**
     * How far a job is: {@code done} of {@code total} {@code unit}s. Set by the job's thread, read by HTTP threads.
     */
    static final class Progress {
        private volatile String unit = "";
        private volatile long total = -1;
        private volatile LongSupplier done = () -> 0;

        /** The job will handle {@code total} units; {@code done} reads how many it has. */
        void track(String unitName, long totalUnits, LongSupplier doneSoFar) {
            this.unit = unitName;
            this.done = doneSoFar;
            this.total = totalUnits;
        }

        /** The job has handled {@code doneUnits} of {@code totalUnits}. */
        void update(String unitName, long doneUnits, long totalUnits) {
            track(unitName, totalUnits, () -> doneUnits);
        }

        Map<String, Object> toJson(boolean succeeded) {
            long t = total;
            long d = t < 0 ? done.getAsLong() : Math.min(t, succeeded ? t : done.getAsLong());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("done", d);
            m.put("total", t < 0 ? null : t);
            m.put("unit", unit);
            m.put("fraction", t <= 0 ? (succeeded ? 1.0 : 0.0) : (double) d / t);
            return m;
        }
    }

    /** One job. Its fields change on its runner thread and are read by HTTP threads: guarded by {@code this}. */
    static final class Job {
        private final String id;
        private final String kind;
        private final Instant createdAt;
        private final Progress progress = new Progress();
        private State state = State.QUEUED;
        private Instant startedAt;
        private Instant finishedAt;
        private Object result;
        private int errorStatus;
        private String error;

        Job(String id, String kind, Instant createdAt) {
            this.id = id;
            this.kind = kind;
            this.createdAt = createdAt;
        }

        String id() {
            return id;
        }

        synchronized State state() {
            return state;
        }

        synchronized boolean finished() {
            return state == State.SUCCEEDED || state == State.FAILED;
        }

        synchronized void start(Instant at) {
            state = State.RUNNING;
            startedAt = at;
        }

        synchronized void succeed(Instant at, Object value) {
            state = State.SUCCEEDED;
            finishedAt = at;
            result = value;
        }

        synchronized void fail(Instant at, int status, String message) {
            state = State.FAILED;
            finishedAt = at;
            errorStatus = status;
            error = message;
        }

        /** How long the job ran, once finished. */
        synchronized long seconds() {
            return startedAt == null || finishedAt == null ? 0 : Duration.between(startedAt, finishedAt).toSeconds();
        }

        /** The job as {@code GET /admin/jobs/<id>} shows it. */
        synchronized Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("kind", kind);
            m.put("state", state.name());
            m.put("progress", progress.toJson(state == State.SUCCEEDED));
            m.put("created_at", createdAt.toString());
            m.put("started_at", startedAt == null ? null : startedAt.toString());
            m.put("finished_at", finishedAt == null ? null : finishedAt.toString());
            m.put("result", result);
            if (error != null) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("error", error);
                e.put("status", errorStatus);
                m.put("error", e);
            } else {
                m.put("error", null);
            }
            return m;
        }
    }
}

package io.icn.p2p.kad;

import io.icn.storage.Cid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The DHT side of the chunks a node holds: {@link #publish} puts a chunk's manifest record under
 * {@code /icn/manifest/<cid>} (and the bare CID unless {@link RepublishConfig#legacyKeys()} is off) and
 * announces the node as a provider of the CID; {@link #withdraw} stops all of that; and a republisher
 * puts every held manifest again each {@link RepublishConfig#recordInterval()} and announces every
 * provider record again each {@link RepublishConfig#providerInterval()}, paced (see
 * {@link RepublishConfig}). The node's own manifests are served to GET_VALUE from the
 * {@link ManifestSource} (this class is the DHT's {@link LocalRecords}), not copied into the record
 * store.
 *
 * <p><b>Yielding to shard serving.</b> With {@link #yieldTo} given the shard server's requests under way, a sweep
 * that finds the server busy (any request under way) keeps at most {@link #BUSY_IN_FLIGHT} chunks in flight and
 * issues a chunk only once it is behind the pace that ends the sweep with its whole interval rather than its
 * spread ({@code window / spread}, e.g. 60 rather than 48 minutes of the hour); while the server is idle it runs at
 * its own pace with up to {@link RepublishConfig#maxInFlight()} chunks and catches up. So a sweep still ends within
 * its interval (the deadline that matters: the records expire after 36 h, providers after 24 h), and the slack of
 * the spread goes to shard serving.
 *
 * <p>The protocol cannot delete a record from other peers: after {@link #withdraw} the copies they
 * hold expire within the record TTL (36 h) and their provider records within the provider TTL (24 h);
 * this node stops answering for the chunk at once.
 *
 * <p>Thread-safe. No method blocks; results arrive on the DHT's threads. {@link #close} stops the
 * schedule (the DHT and the scheduler stay the caller's).
 */
public final class ManifestDht implements LocalRecords, AutoCloseable {
    /** Chunks a sweep keeps in flight at most while the shard server is busy (see the class comment). */
    public static final int BUSY_IN_FLIGHT = 4;
    /** How often a sweep held back by a busy shard server looks again whether it has become idle. */
    static final long BUSY_RECHECK_NANOS = 100_000_000L;

    private final Kademlia dht;
    private final ManifestSource source;
    private final RepublishConfig config;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final Set<Cid> held = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean recordSweepRunning = new AtomicBoolean();
    private final AtomicBoolean providerSweepRunning = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong recordSweeps = new AtomicLong();
    private final AtomicLong providerSweeps = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong recordsPut = new AtomicLong();
    private final AtomicLong providersAnnounced = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final List<ScheduledFuture<?>> schedule = new ArrayList<>();
    private final AtomicLong busyPumps = new AtomicLong();
    private volatile IntSupplier servingRequests = () -> 0;

    /** What one {@link #publish} reached: peers that stored each record, and that got the provider record. */
    public record PublishResult(int manifestAcks, int legacyAcks, int providerAcks) {
    }

    /** One sweep: chunks republished, how many failed (no peer stored them), and how long it took. */
    public record SweepResult(int chunks, int failed, Duration elapsed) {
    }

    /**
     * Counters since construction.
     *
     * @param busyPumps how often a sweep found the shard server busy and held back (see {@link #yieldTo})
     */
    public record Stats(long recordSweeps, long providerSweeps, long sweepsSkipped, long recordsPut,
            long providersAnnounced, long failures, int held, long busyPumps) {
    }

    /**
     * Serves the manifests of {@code source} from {@code dht} (replacing its local records).
     *
     * @param nanoTime a monotonic clock for pacing, such as {@code System::nanoTime}
     */
    public ManifestDht(Kademlia dht, ManifestSource source, RepublishConfig config,
            ScheduledExecutorService scheduler, LongSupplier nanoTime) {
        this.dht = Objects.requireNonNull(dht, "dht");
        this.source = Objects.requireNonNull(source, "source");
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        dht.localRecords(this);
    }

    /**
     * Makes sweeps yield to shard serving: {@code requestsUnderWay} is read (from the sweep's threads, it must not
     * block) before chunks are issued, and a positive value slows the sweep as the class comment says. Without it
     * sweeps never yield.
     */
    public ManifestDht yieldTo(IntSupplier requestsUnderWay) {
        this.servingRequests = Objects.requireNonNull(requestsUnderWay, "requestsUnderWay");
        return this;
    }

    /** Starts the republication schedule. Call once. */
    public synchronized ManifestDht start() {
        if (closed.get()) {
            throw new KadClosedException("manifest publisher is closed");
        }
        if (schedule.isEmpty()) {
            long records = config.recordInterval().toNanos();
            long providers = config.providerInterval().toNanos();
            schedule.add(scheduler.scheduleAtFixedRate(() -> scheduled(recordSweepRunning, true), records, records,
                    TimeUnit.NANOSECONDS));
            schedule.add(scheduler.scheduleAtFixedRate(() -> scheduled(providerSweepRunning, false), providers,
                    providers, TimeUnit.NANOSECONDS));
        }
        return this;
    }

    private void scheduled(AtomicBoolean running, boolean records) {
        if (closed.get()) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            skipped.incrementAndGet();
            return;
        }
        Duration interval = records ? config.recordInterval() : config.providerInterval();
        sweep(records, Duration.ofNanos((long) (interval.toNanos() * config.spread())))
                .whenComplete((r, e) -> running.set(false));
    }

    /**
     * Starts announcing {@code cid}: puts its manifest to the closest peers and provides it, and keeps
     * doing so on the schedule. Fewer acknowledgements than hoped (a node without peers yet) are not a
     * failure: the record is served from here and republished.
     *
     * @return fails with {@link RecordRejectedException} if the source's manifest does not validate, or
     *     {@link KadException} if the source has none for {@code cid}
     */
    public CompletableFuture<PublishResult> publish(Cid cid) {
        Optional<ManifestRecord> manifest = source.manifest(cid);
        if (manifest.isEmpty()) {
            return CompletableFuture.failedFuture(new KadException("no manifest to publish for " + cid));
        }
        held.add(cid);
        byte[] json = manifest.get().toJson();
        CompletableFuture<Integer> main = acks(dht.replicate(new KadRecord(RecordKeys.manifestKey(cid), json)));
        CompletableFuture<Integer> legacy = config.legacyKeys()
                ? acks(dht.replicate(new KadRecord(RecordKeys.legacyManifestKey(cid), json)))
                : CompletableFuture.completedFuture(0);
        CompletableFuture<Integer> provider = acks(dht.provide(RecordKeys.providerKey(cid)));
        return CompletableFuture.allOf(main, legacy, provider).handle((v, e) -> {
            if (e != null) {
                held.remove(cid);
                dht.stopProviding(RecordKeys.providerKey(cid));
                throw e instanceof CompletionException ce ? ce : new CompletionException(e);
            }
            return new PublishResult(main.join(), legacy.join(), provider.join());
        });
    }

    /** Acknowledgements of a put, 0 when no peer could be reached; a rejected record stays a failure. */
    private static CompletableFuture<Integer> acks(CompletableFuture<PutResult> put) {
        return put.handle((r, e) -> {
            if (e == null) {
                return r.acknowledged();
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof KadPeerUnreachableException) {
                return 0;
            }
            throw new CompletionException(cause);
        });
    }

    /**
     * Counts {@code cid} as held without announcing it now: its manifest is served from here at once and
     * put by the next sweeps (a node that restarts with 140,000 chunks registers them all this way rather
     * than publishing them in a burst). The source's manifest is trusted: sweeps do not validate it again.
     */
    public void hold(Cid cid) {
        held.add(Objects.requireNonNull(cid, "cid"));
        dht.provideLater(RecordKeys.providerKey(cid));
    }

    /** Stops announcing {@code cid} and serving its manifest. Idempotent. */
    public void withdraw(Cid cid) {
        held.remove(cid);
        dht.stopProviding(RecordKeys.providerKey(cid));
    }

    /** Whether {@code cid} is being announced. */
    public boolean holds(Cid cid) {
        return held.contains(cid);
    }

    @Override
    public Optional<byte[]> value(byte[] key) {
        Optional<Cid> cid = RecordKeys.manifestCid(key);
        if (cid.isEmpty() || !held.contains(cid.get())) {
            return Optional.empty();
        }
        boolean legacy = RecordKeys.namespace(key).isEmpty();
        if (legacy && !config.legacyKeys()) {
            return Optional.empty();
        }
        return source.manifest(cid.get()).map(ManifestRecord::toJson);
    }

    /** Puts every held manifest again now, spread over {@code window} (zero: as fast as allowed). */
    public CompletableFuture<SweepResult> republishRecords(Duration window) {
        return sweep(true, window);
    }

    /** Announces every held provider record again now, spread over {@code window}. */
    public CompletableFuture<SweepResult> reprovide(Duration window) {
        return sweep(false, window);
    }

    public Stats stats() {
        return new Stats(recordSweeps.get(), providerSweeps.get(), skipped.get(), recordsPut.get(),
                providersAnnounced.get(), failures.get(), held.size(), busyPumps.get());
    }

    private CompletableFuture<SweepResult> sweep(boolean records, Duration window) {
        (records ? recordSweeps : providerSweeps).incrementAndGet();
        Sweep s = new Sweep(new ArrayList<>(held), window, records);
        s.pump();
        return s.done;
    }

    /** One paced pass over the held chunks. */
    private final class Sweep {
        private final Iterator<Cid> items;
        private final int total;
        private final boolean records;
        private final long start = nanoTime.getAsLong();
        private final long nanosPerItem;
        private final CompletableFuture<SweepResult> done = new CompletableFuture<>();
        private int issued;
        private int inFlight;
        private int failed;
        private boolean wakeScheduled;

        Sweep(List<Cid> cids, Duration window, boolean records) {
            this.items = cids.iterator();
            this.total = cids.size();
            this.records = records;
            this.nanosPerItem = total == 0 ? 0 : window.toNanos() / total;
        }

        void pump() {
            List<Cid> now = new ArrayList<>();
            boolean busy = servingRequests.getAsInt() > 0;
            if (busy) {
                busyPumps.incrementAndGet();
            }
            int cap = busy ? Math.min(BUSY_IN_FLIGHT, config.maxInFlight()) : config.maxInFlight();
            long perItem = busy ? (long) (nanosPerItem / config.spread()) : nanosPerItem;
            synchronized (this) {
                wakeScheduled = false;
                long elapsed = nanoTime.getAsLong() - start;
                while (items.hasNext() && inFlight < cap && !closed.get()
                        && (perItem == 0 || (long) issued * perItem <= elapsed)) {
                    now.add(items.next());
                    issued++;
                    inFlight++;
                }
                if (items.hasNext() && inFlight < cap && !closed.get() && !wakeScheduled) {
                    wakeScheduled = true;
                    long due = Math.max((long) issued * perItem - elapsed, 0);
                    // held back by a busy server: look again soon, to catch up as soon as it is idle
                    scheduler.schedule(this::pump, busy ? Math.min(due, BUSY_RECHECK_NANOS) : due, TimeUnit.NANOSECONDS);
                }
                if (inFlight == 0 && (!items.hasNext() || closed.get())) {
                    done.complete(new SweepResult(issued, failed, Duration.ofNanos(nanoTime.getAsLong() - start)));
                    return;
                }
            }
            for (Cid cid : now) {
                republish(cid).whenCompleteAsync((ok, e) -> finished(e == null && ok), scheduler);
            }
        }

        private void finished(boolean ok) {
            synchronized (this) {
                inFlight--;
                if (!ok) {
                    failed++;
                    failures.incrementAndGet();
                }
            }
            pump();
        }

        private CompletableFuture<Boolean> republish(Cid cid) {
            if (!held.contains(cid)) {
                return CompletableFuture.completedFuture(true);
            }
            try {
                if (!records) {
                    return dht.announceProvider(RecordKeys.providerKey(cid)).thenApply(r -> {
                        providersAnnounced.incrementAndGet();
                        return true;
                    });
                }
                Optional<ManifestRecord> m = source.manifest(cid);
                if (m.isEmpty()) {
                    withdraw(cid);
                    return CompletableFuture.completedFuture(true);
                }
                byte[] json = m.get().toJson();
                CompletableFuture<PutResult> main = dht.replicateValidated(new KadRecord(RecordKeys.manifestKey(cid), json));
                CompletableFuture<PutResult> legacy = config.legacyKeys()
                        ? dht.replicateValidated(new KadRecord(RecordKeys.legacyManifestKey(cid), json))
                        : CompletableFuture.completedFuture(null);
                return CompletableFuture.allOf(main, legacy).thenApply(v -> {
                    recordsPut.incrementAndGet();
                    return true;
                });
            } catch (KadException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }

    /** Stops the schedule; sweeps under way stop issuing. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed.compareAndSet(false, true)) {
            for (ScheduledFuture<?> f : schedule) {
                f.cancel(false);
            }
            dht.localRecords(LocalRecords.none());
        }
    }
}

package io.icn.p2p.kad;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One iterative Kademlia lookup toward a target key: ask the α closest peers not yet asked, learn
 * closer peers from their answers, and stop when the k closest peers known have all answered (or
 * failed and been replaced by the next closest), when the step says it has what it wanted, or at the
 * query timeout. This is the basic lookup of the Kademlia paper, without disjoint paths.
 *
 * <p>Thread-safe: responses arrive on network threads and update the state under this object's lock;
 * requests are sent outside it.
 */
final class Lookup {

    /** What a lookup does with each answer. */
    @FunctionalInterface
    interface Step {
        /** Called (under the lookup's lock) for each response; returns true when the lookup may stop. */
        boolean onResponse(KadPeer from, KadMessage response);
    }

    /** How a lookup ended. */
    record Result(List<KadPeer> closest, int requests, int failures, boolean timedOut, boolean satisfied) {
    }

    private enum State { NOT_ASKED, IN_FLIGHT, SUCCEEDED, FAILED }

    private static final class Candidate {
        final KadPeer peer;
        State state = State.NOT_ASKED;

        Candidate(KadPeer peer) {
            this.peer = peer;
        }
    }

    private final KadKey target;
    private final ByteBuffer selfId;
    private final int k;
    private final int alpha;
    private final Function<KadPeer, CompletableFuture<KadMessage>> ask;
    private final Step step;
    private final TreeMap<KadKey, Candidate> candidates;
    private final Map<ByteBuffer, Candidate> byId = new HashMap<>();
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private int inFlight;
    private int requests;
    private int failures;
    private ScheduledFuture<?> timeout;

    Lookup(KadKey target, KadPeer self, int k, int alpha, Function<KadPeer, CompletableFuture<KadMessage>> ask,
            Step step) {
        this.target = target;
        this.selfId = self.idKey();
        this.k = k;
        this.alpha = alpha;
        this.ask = ask;
        this.step = step;
        this.candidates = new TreeMap<>(target::compareDistance);
    }

    /** Starts from {@code seeds} (the routing table's closest peers); completes by {@code queryTimeout}. */
    CompletableFuture<Result> start(List<KadPeer> seeds, Duration queryTimeout, ScheduledExecutorService scheduler) {
        synchronized (this) {
            for (KadPeer p : seeds) {
                offer(p);
            }
            timeout = scheduler.schedule(() -> finish(true, false), queryTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        advance();
        return result;
    }

    private void offer(KadPeer p) {
        ByteBuffer id = p.idKey();
        if (id.equals(selfId) || byId.containsKey(id)) {
            return;
        }
        Candidate c = new Candidate(p);
        byId.put(id, c);
        candidates.put(p.key(), c);
    }

    private void advance() {
        List<Candidate> toAsk = new ArrayList<>();
        synchronized (this) {
            if (result.isDone()) {
                return;
            }
            int considered = 0;
            boolean open = false;
            for (Candidate c : candidates.values()) {
                if (c.state == State.FAILED) {
                    continue;
                }
                if (considered++ == k) {
                    break;
                }
                if (c.state == State.NOT_ASKED && inFlight + toAsk.size() < alpha) {
                    c.state = State.IN_FLIGHT;
                    toAsk.add(c);
                }
                open |= c.state != State.SUCCEEDED;
            }
            if (!open) {
                finish(false, false);
                return;
            }
            inFlight += toAsk.size();
            requests += toAsk.size();
        }
        for (Candidate c : toAsk) {
            CompletableFuture<KadMessage> reply;
            try {
                reply = ask.apply(c.peer);
            } catch (RuntimeException e) {
                reply = CompletableFuture.failedFuture(e);
            }
            reply.whenComplete((response, error) -> onReply(c, response, error));
        }
    }

    private void onReply(Candidate c, KadMessage response, Throwable error) {
        synchronized (this) {
            inFlight--;
            if (error != null) {
                c.state = State.FAILED;
                failures++;
            } else {
                c.state = State.SUCCEEDED;
            }
            if (result.isDone()) {
                return;
            }
            if (error == null) {
                for (KadPeer p : response.closerPeers()) {
                    offer(p);
                }
                if (step.onResponse(c.peer, response)) {
                    finish(false, true);
                    return;
                }
            }
        }
        advance();
    }

    private synchronized void finish(boolean timedOut, boolean satisfied) {
        if (result.isDone()) {
            return;
        }
        if (timeout != null) {
            timeout.cancel(false);
        }
        List<KadPeer> closest = new ArrayList<>(k);
        for (Candidate c : candidates.values()) {
            if (c.state == State.SUCCEEDED) {
                closest.add(c.peer);
                if (closest.size() == k) {
                    break;
                }
            }
        }
        result.complete(new Result(closest, requests, failures, timedOut, satisfied));
    }

    KadKey target() {
        return target;
    }
}

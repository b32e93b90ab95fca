package io.icn.transport.quic;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongConsumer;

/**
 * The node's sending, shared fairly between clients and never left idle: deficit round robin across clients
 * over the bytes the streams ask to read and send.
 *
 * <p>Every stream asks for the bytes of its next read ({@link #request}); the request waits in its client's
 * queue, and the clients with waiting requests are served in turn, each getting up to {@code quantum} bytes
 * per turn (a client's many streams or connections share one queue, so they share one turn). A request is
 * granted when the node has room for it: fewer than {@code maxInFlightBytes} granted but not yet handed to
 * QUIC ({@link #done}), and, with a node-wide egress limit, the limit's tokens. A lone client is granted
 * everything as fast as it asks (work-conserving); under contention each client gets an equal share of what
 * the node sends, whatever its number of streams.
 *
 * <p>A grant runs on the requesting stream's event loop. The caller must pair every granted request with one
 * {@link #done}, and may {@link Ticket#cancel()} a request not yet granted.
 *
 * <p>Thread-safe: one lock guards the queues; grants are handed to their event loops outside it.
 */
final class FairEgress {

    /** Schedules a task after a delay in nanoseconds (the server's event loop group). */
    interface Timer {
        void schedule(Runnable task, long delayNanos);
    }

    /** One stream's request for {@link #bytes} bytes; granted once or cancelled. */
    static final class Ticket {
        private final FairEgress owner;
        private final ClientQueue client;
        final int bytes;
        private final Executor loop;
        private final Runnable grant;
        private final Runnable rejected;
        private boolean queued = true;

        private Ticket(FairEgress owner, ClientQueue client, int bytes, Executor loop, Runnable grant,
                Runnable rejected) {
            this.owner = owner;
            this.client = client;
            this.bytes = bytes;
            this.loop = loop;
            this.grant = grant;
            this.rejected = rejected;
        }

        /**
         * Withdraws the request if it is still waiting.
         *
         * @return true if it was withdrawn (its grant will not run), false if it was already granted
         */
        boolean cancel() {
            return owner.cancel(this);
        }
    }

    /** A client's waiting requests and its deficit; guarded by the scheduler's lock. */
    static final class ClientQueue {
        private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
        private long deficit;
        private boolean active;
    }

    private final TokenBucket egress;
    private final long maxInFlightBytes;
    private final int quantum;
    private final Timer timer;
    private final LongConsumer onPause;
    /** Clients with waiting requests, in turn order; the head is being served. */
    private final ArrayDeque<ClientQueue> round = new ArrayDeque<>();
    private long inFlight;
    private boolean retryScheduled;
    /** Whether the head client has had its quantum for the current turn. */
    private boolean headCredited;

    /**
     * @param egress the node-wide egress limit, or {@code null} for none
     * @param maxInFlightBytes bytes granted and not yet {@linkplain #done done} at most (one request is always
     *     granted when nothing is in flight)
     * @param quantum bytes a client may be granted per turn, at least the largest request
     * @param timer schedules the retry when the egress limit has no tokens
     * @param onPause told the nanoseconds of each wait for egress tokens
     */
    FairEgress(TokenBucket egress, long maxInFlightBytes, int quantum, Timer timer, LongConsumer onPause) {
        if (maxInFlightBytes < 1 || quantum < 1) {
            throw new IllegalArgumentException("maxInFlightBytes and quantum must be >= 1: " + maxInFlightBytes + ", "
                    + quantum);
        }
        this.egress = egress;
        this.maxInFlightBytes = maxInFlightBytes;
        this.quantum = quantum;
        this.timer = Objects.requireNonNull(timer, "timer");
        this.onPause = Objects.requireNonNull(onPause, "onPause");
    }

    /** A new queue for one client (held by its {@link PeerLimits.Peer}). */
    static ClientQueue newClient() {
        return new ClientQueue();
    }

    /**
     * Asks for {@code bytes} ({@code 1..quantum}) for a stream of {@code client}; {@code grant} runs on
     * {@code loop} once they are the stream's to send. If {@code loop} refuses the grant (shut down), the bytes
     * are given back at once and {@code rejected} runs instead, on the granting thread.
     */
    Ticket request(ClientQueue client, int bytes, Executor loop, Runnable grant, Runnable rejected) {
        if (bytes < 1 || bytes > quantum) {
            throw new IllegalArgumentException("a request must be 1.." + quantum + " bytes: " + bytes);
        }
        Ticket ticket = new Ticket(this, client, bytes, loop, grant, rejected);
        synchronized (this) {
            client.waiting.add(ticket);
            if (!client.active) {
                client.active = true;
                round.add(client);
            }
        }
        dispatch();
        return ticket;
    }

    /** The granted {@code bytes} have been handed to QUIC (or dropped): room for the next grants. */
    void done(int bytes) {
        synchronized (this) {
            inFlight -= bytes;
        }
        dispatch();
    }

    /** Bytes granted and not yet done. */
    synchronized long inFlight() {
        return inFlight;
    }

    private synchronized boolean cancel(Ticket ticket) {
        if (!ticket.queued) {
            return false;
        }
        ticket.queued = false;
        ClientQueue client = ticket.client;
        for (Iterator<Ticket> it = client.waiting.iterator(); it.hasNext(); ) {
            if (it.next() == ticket) {
                it.remove();
                break;
            }
        }
        if (client.waiting.isEmpty()) {
            boolean wasHead = round.peekFirst() == client;
            round.remove(client);
            client.active = false;
            client.deficit = 0;
            if (wasHead) {
                headCredited = false;
            }
        }
        return true;
    }

    /** Grants what the room and the tokens allow, in deficit-round-robin order. */
    private void dispatch() {
        while (true) {
            Ticket granted;
            synchronized (this) {
                granted = next();
            }
            if (granted == null) {
                return;
            }
            try {
                granted.loop.execute(granted.grant);
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    inFlight -= granted.bytes;
                }
                granted.rejected.run();
            }
        }
    }

    /** The next request to grant, taken off its queue and counted in flight; {@code null} if none may be. */
    private Ticket next() {
        while (true) {
            ClientQueue client = round.peekFirst();
            if (client == null) {
                return null;
            }
            if (!headCredited) {
                client.deficit += quantum;
                headCredited = true;
            }
            Ticket ticket = client.waiting.peekFirst();
            if (ticket.bytes > client.deficit) {
                // Turn over: the client keeps its deficit for its next turn.
                round.pollFirst();
                round.addLast(client);
                headCredited = false;
                continue;
            }
            if (inFlight > 0 && inFlight + ticket.bytes > maxInFlightBytes) {
                return null;
            }
            if (egress != null) {
                long wait = egress.tryTake(ticket.bytes);
                if (wait > 0) {
                    if (!retryScheduled) {
                        retryScheduled = true;
                        onPause.accept(wait);
                        timer.schedule(this::retry, wait);
                    }
                    return null;
                }
            }
            client.waiting.pollFirst();
            ticket.queued = false;
            client.deficit -= ticket.bytes;
            if (client.waiting.isEmpty()) {
                round.pollFirst();
                client.active = false;
                client.deficit = 0;
                headCredited = false;
            }
            inFlight += ticket.bytes;
            return ticket;
        }
    }

    private void retry() {
        synchronized (this) {
            retryScheduled = false;
        }
        dispatch();
    }
}

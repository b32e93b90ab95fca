package io.icn.transport.quic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Deficit round robin across clients, on a hand-driven clock and executor: the grants are counted, nothing is
 * timed.
 */
class FairEgressTest {

    private static final int CHUNK = 64 * 1024;

    private final AtomicLong now = new AtomicLong();
    private final Queue<Runnable> loop = new ArrayDeque<>();
    /** Retries scheduled by the scheduler: due time and task. */
    private final List<Timed> timers = new ArrayList<>();

    private record Timed(long due, Runnable task) {
    }
    private final AtomicInteger pauses = new AtomicInteger();

    private FairEgress egress(double bytesPerSecond, long inFlight) {
        TokenBucket bucket = bytesPerSecond == 0 ? null : new TokenBucket(bytesPerSecond, CHUNK, now::get);
        return new FairEgress(bucket, inFlight, CHUNK, (task, nanos) -> timers.add(new Timed(now.get() + nanos, task)),
                nanos -> pauses.incrementAndGet());
    }

    /** A stream that asks again as soon as its grant is done, as a streaming handler does; counts its bytes. */
    private final class Stream {
        final FairEgress egress;
        final FairEgress.ClientQueue client;
        long received;

        Stream(FairEgress egress, FairEgress.ClientQueue client) {
            this.egress = egress;
            this.client = client;
        }

        void ask() {
            egress.request(client, CHUNK, loop::add, () -> {
                received += CHUNK;
                ask(); // asks again before giving its bytes back, as ShardStreamHandler.onChunk does
                egress.done(CHUNK);
            }, () -> { });
        }
    }

    /** Runs queued grants (and due retries) until {@code grants} have run. */
    private void run(int grants) {
        for (int i = 0; i < grants && !loop.isEmpty(); i++) {
            loop.poll().run();
        }
    }

    @Test
    void aLoneClientIsGrantedEveryRequestAtOnceWithoutALimit() {
        FairEgress egress = egress(0, 2L * CHUNK);
        Stream lone = new Stream(egress, FairEgress.newClient());
        lone.ask();
        run(1_000);
        assertThat(lone.received).isEqualTo(1_000L * CHUNK);
        assertThat(pauses.get()).isZero();
    }

    @Test
    void aClientWithManyStreamsGetsTheSameShareAsAClientWithOne() {
        // One read in flight at a time: the grants are the contended resource.
        FairEgress egress = egress(0, CHUNK);
        FairEgress.ClientQueue greedyClient = FairEgress.newClient();
        List<Stream> greedy = new ArrayList<>();
        for (int i = 0; i < 28; i++) {
            greedy.add(new Stream(egress, greedyClient));
        }
        Stream modest = new Stream(egress, FairEgress.newClient());
        greedy.forEach(Stream::ask);
        modest.ask();
        run(2_000);
        long greedyBytes = greedy.stream().mapToLong(s -> s.received).sum();
        assertThat(modest.received).as("modest %d vs greedy %d", modest.received, greedyBytes)
                .isBetween(greedyBytes - 2L * CHUNK, greedyBytes + 2L * CHUNK);
    }

    @Test
    void underANodeWideLimitALoneClientGetsAllOfItAndTwoClientsHalfEach() {
        double rate = 10.0 * CHUNK; // ten chunks a second
        FairEgress egress = egress(rate, 4L * CHUNK);
        Stream first = new Stream(egress, FairEgress.newClient());
        first.ask();
        advance(10);
        // One burst (one chunk) plus ten seconds of tokens: all of the limit, not a share of it.
        assertThat(first.received).isBetween(100L * CHUNK, 102L * CHUNK);
        assertThat(pauses.get()).isPositive();

        Stream second = new Stream(egress, FairEgress.newClient());
        second.ask();
        long before = first.received;
        advance(10);
        long firstShare = first.received - before;
        assertThat(firstShare + second.received).isBetween(99L * CHUNK, 102L * CHUNK);
        assertThat(second.received).as("second %d, first %d", second.received, firstShare)
                .isBetween(firstShare - 2L * CHUNK, firstShare + 2L * CHUNK);
    }

    @Test
    void aCancelledRequestIsNeverGrantedAndFreesItsClientsTurn() {
        FairEgress egress = egress(0, CHUNK);
        Stream holder = new Stream(egress, FairEgress.newClient());
        egress.request(FairEgress.newClient(), CHUNK, loop::add, () -> { }, () -> { }); // takes the only room
        AtomicInteger granted = new AtomicInteger();
        FairEgress.Ticket ticket = egress.request(FairEgress.newClient(), CHUNK, loop::add, granted::incrementAndGet,
                () -> { });
        holder.ask();
        assertThat(ticket.cancel()).isTrue();
        assertThat(ticket.cancel()).isFalse();
        egress.done(CHUNK);
        run(11); // the room taker's grant, then the holder's ten
        assertThat(granted.get()).isZero();
        assertThat(holder.received).isEqualTo(10L * CHUNK);
    }

    @Test
    void aGrantRefusedByAClosedLoopGivesItsBytesBack() {
        FairEgress egress = egress(0, CHUNK);
        AtomicInteger rejected = new AtomicInteger();
        Executor closed = task -> {
            throw new RejectedExecutionException("closed");
        };
        egress.request(FairEgress.newClient(), CHUNK, closed, () -> { }, rejected::incrementAndGet);
        assertThat(rejected.get()).isOne();
        assertThat(egress.inFlight()).isZero();
    }

    @Test
    void aRequestLargerThanTheQuantumIsRefusedNamingItsSize() {
        FairEgress egress = egress(0, CHUNK);
        assertThatThrownBy(() -> egress.request(FairEgress.newClient(), CHUNK + 1, loop::add, () -> { }, () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(CHUNK + 1));
    }

    /** Lets {@code seconds} pass in steps of 1 ms, running grants and the retries that fall due. */
    private void advance(int seconds) {
        long until = now.get() + seconds * 1_000_000_000L;
        while (now.get() < until) {
            now.addAndGet(1_000_000);
            drain();
        }
    }

    /** Moves the retries that fall due to the loop, then runs the loop until it is empty. */
    private void drain() {
        for (int i = timers.size() - 1; i >= 0; i--) {
            if (timers.get(i).due() <= now.get()) {
                loop.add(timers.remove(i).task());
            }
        }
        while (!loop.isEmpty()) {
            loop.poll().run();
        }
    }
}

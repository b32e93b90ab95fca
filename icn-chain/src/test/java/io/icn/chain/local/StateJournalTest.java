package io.icn.chain.local;

import io.icn.chain.ChainStateException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The journal's framing, recovery and group commit, with records that are plain numbered payloads. */
class StateJournalTest {

    /** Collects replayed payloads. */
    private static final class Collected implements StateJournal.Replayer {
        final List<String> records = new ArrayList<>();

        @Override
        public void apply(byte[] payload) {
            records.add(new String(payload, java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    private static byte[] payload(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static StateJournal open(Path state, long checkpointSeq, Collected into) {
        return StateJournal.open(state, checkpointSeq, into, StateJournal.Force.FSYNC);
    }

    /** A journal holding {@code records}, synced and closed. */
    private static void written(Path state, String... records) {
        try (StateJournal j = open(state, 0, new Collected())) {
            for (String r : records) {
                j.append(payload(r));
            }
            j.sync(records.length);
        }
    }

    private static Path onlySegment(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            List<Path> segments = files.filter(p -> p.getFileName().toString().contains(".journal.")).toList();
            assertThat(segments).hasSize(1);
            return segments.get(0);
        }
    }

    @Test
    void recordsAfterTheCheckpointAreReplayedInOrderAndNumberingContinues(@TempDir Path dir) {
        Path state = dir.resolve("s");
        try (StateJournal j = open(state, 0, new Collected())) {
            for (int i = 1; i <= 5; i++) {
                assertThat(j.append(payload("r" + i))).isEqualTo(i);
            }
            j.sync(5);
        }
        Collected replayed = new Collected();
        try (StateJournal j = open(state, 2, replayed)) { // a checkpoint that includes records 1 and 2
            assertThat(replayed.records).containsExactly("r3", "r4", "r5");
            assertThat(j.append(payload("r6"))).isEqualTo(6);
            j.sync(6);
        }
        Collected again = new Collected();
        open(state, 0, again).close();
        assertThat(again.records).containsExactly("r1", "r2", "r3", "r4", "r5", "r6");
    }

    @Test
    void unsyncedRecordsAreNotWrittenAndSyncIsANoOpWhenNothingIsNew(@TempDir Path dir) {
        Path state = dir.resolve("s");
        AtomicInteger forces = new AtomicInteger();
        StateJournal j = StateJournal.open(state, 0, new Collected(), f -> {
            forces.incrementAndGet();
            f.getFD().sync();
        });
        int atOpen = forces.get(); // the new segment's header
        j.append(payload("a"));
        j.sync(1);
        j.sync(1);
        j.append(payload("b")); // never synced: lost in the crash below
        j.close();
        assertThat(forces.get() - atOpen).isEqualTo(1);
        Collected replayed = new Collected();
        open(state, 0, replayed).close();
        assertThat(replayed.records).containsExactly("a");
    }

    @Test
    void aTornLastRecordIsCutOffAtEveryByteOffset(@TempDir Path dir) throws IOException {
        Path state = dir.resolve("s");
        written(state, "first", "second");
        Path segment = onlySegment(dir);
        byte[] whole = Files.readAllBytes(segment);
        int lastStart = StateJournal.SEGMENT_HEADER_BYTES + StateJournal.FRAME_HEADER_BYTES + 5
                + StateJournal.FRAME_TRAILER_BYTES;
        for (int cut = lastStart; cut < whole.length; cut++) {
            Files.write(segment, java.util.Arrays.copyOf(whole, cut));
            Collected replayed = new Collected();
            try (StateJournal j = open(state, 0, replayed)) {
                assertThat(replayed.records).as("cut at %d", cut).containsExactly("first");
                assertThat(Files.size(segment)).as("cut at %d", cut).isEqualTo(lastStart);
                assertThat(j.append(payload("again"))).isEqualTo(2); // appended where the torn record was
                j.sync(2);
            }
            Collected after = new Collected();
            open(state, 0, after).close();
            assertThat(after.records).as("cut at %d", cut).containsExactly("first", "again");
        }
    }

    @Test
    void aTornSegmentHeaderAndAZeroFilledTailAreCutOff(@TempDir Path dir) throws IOException {
        Path state = dir.resolve("s");
        written(state, "one");
        Path segment = onlySegment(dir);
        Files.write(segment, new byte[4096], java.nio.file.StandardOpenOption.APPEND); // size landed, data did not
        Collected replayed = new Collected();
        open(state, 0, replayed).close();
        assertThat(replayed.records).containsExactly("one");

        Path second = dir.resolve("s.journal.0000000000000002"); // a segment created when the node stopped
        for (int cut = 0; cut < StateJournal.SEGMENT_HEADER_BYTES; cut++) {
            Files.write(second, new byte[cut]);
            Collected r = new Collected();
            try (StateJournal j = open(state, 0, r)) {
                assertThat(r.records).containsExactly("one");
                assertThat(j.append(payload("two"))).isEqualTo(2);
                j.sync(2);
            }
            Collected after = new Collected();
            open(state, 0, after).close();
            assertThat(after.records).containsExactly("one", "two");
            Files.delete(second);
        }
    }

    @Test
    void aBadCrcInTheMiddleIsAnErrorNamingTheFileAndOffset(@TempDir Path dir) throws IOException {
        Path state = dir.resolve("s");
        written(state, "aaaa", "bbbb", "cccc");
        Path segment = onlySegment(dir);
        byte[] good = Files.readAllBytes(segment);
        int frame = StateJournal.FRAME_HEADER_BYTES + 4 + StateJournal.FRAME_TRAILER_BYTES;
        int second = StateJournal.SEGMENT_HEADER_BYTES + frame;

        byte[] payloadFlip = good.clone();
        payloadFlip[second + StateJournal.FRAME_HEADER_BYTES + 1] ^= 0x01;
        Files.write(segment, payloadFlip);
        assertThatThrownBy(() -> open(state, 0, new Collected())).isInstanceOf(ChainStateException.class)
                .hasMessageContaining(segment.toString()).hasMessageContaining("byte offset " + second)
                .hasMessageContaining("CRC32C of record 2");

        byte[] headerFlip = good.clone();
        headerFlip[second + 2] ^= 0x40; // the length: must not pass for a torn tail
        Files.write(segment, headerFlip);
        assertThatThrownBy(() -> open(state, 0, new Collected())).isInstanceOf(ChainStateException.class)
                .hasMessageContaining(segment.toString()).hasMessageContaining("byte offset " + second)
                .hasMessageContaining("header");

        byte[] lastFlip = good.clone(); // a whole last record with a bad CRC is damage, not a torn append
        lastFlip[good.length - 1] ^= 0x01;
        Files.write(segment, lastFlip);
        assertThatThrownBy(() -> open(state, 0, new Collected())).isInstanceOf(ChainStateException.class)
                .hasMessageContaining("byte offset " + (second + frame));
        assertThat(Files.readAllBytes(segment)).isEqualTo(lastFlip); // nothing was cut
    }

    @Test
    void missingRecordsAreAnErrorNotASilentLoss(@TempDir Path dir) throws IOException {
        Path state = dir.resolve("s");
        try (StateJournal j = open(state, 0, new Collected())) {
            j.append(payload("one"));
            j.sync(1);
            j.rotate();
            j.append(payload("two"));
            j.sync(2);
            j.rotate();
            j.append(payload("three"));
            j.sync(3);
        }
        Path middle = dir.resolve("s.journal.0000000000000002");
        byte[] kept = Files.readAllBytes(middle);
        Files.delete(middle);
        assertThatThrownBy(() -> open(state, 0, new Collected())).isInstanceOf(ChainStateException.class)
                .hasMessageContaining("s.journal.0000000000000003").hasMessageContaining("segment is missing");
        Files.write(middle, kept);
        Files.delete(dir.resolve("s.journal.0000000000000001"));
        assertThatThrownBy(() -> open(state, 0, new Collected())).isInstanceOf(ChainStateException.class)
                .hasMessageContaining("records 1 to 1 are missing");
        Collected replayed = new Collected();
        open(state, 1, replayed).close(); // a checkpoint that includes record 1 needs no first segment
        assertThat(replayed.records).containsExactly("two", "three");
    }

    @Test
    void aTornRecordInAnEarlierSegmentIsAnError(@TempDir Path dir) throws IOException {
        Path state = dir.resolve("s");
        try (StateJournal j = open(state, 0, new Collected())) {
            j.append(payload("one"));
            j.rotate();
            j.append(payload("two"));
            j.sync(2);
        }
        Path first = dir.resolve("s.journal.0000000000000001");
        byte[] bytes = Files.readAllBytes(first);
        Files.write(first, java.util.Arrays.copyOf(bytes, bytes.length - 2));
        assertThatThrownBy(() -> open(state, 0, new Collected())).isInstanceOf(ChainStateException.class)
                .hasMessageContaining(first.toString()).hasMessageContaining("not the last segment");
    }

    @Test
    @Timeout(30)
    void callersThatArriveDuringAnFsyncShareTheNextOne(@TempDir Path dir) throws Exception {
        CountDownLatch firstForceEntered = new CountDownLatch(1);
        CountDownLatch releaseFirstForce = new CountDownLatch(1);
        AtomicInteger forces = new AtomicInteger();
        StateJournal.Force gated = f -> {
            if (forces.incrementAndGet() == 2) { // the first after the header's
                firstForceEntered.countDown();
                try {
                    releaseFirstForce.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
            f.getFD().sync();
        };
        Path state = dir.resolve("s");
        int callers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(callers + 1);
        try (StateJournal j = StateJournal.open(state, 0, new Collected(), gated)) {
            long before = j.forces();
            Future<?> leader = pool.submit(() -> j.sync(j.append(payload("leader"))));
            assertThat(firstForceEntered.await(10, TimeUnit.SECONDS)).isTrue();
            List<Thread> threads = new ArrayList<>();
            List<Future<?>> followers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String name = "follower" + i;
                followers.add(pool.submit(() -> {
                    synchronized (threads) {
                        threads.add(Thread.currentThread());
                    }
                    j.sync(j.append(payload(name)));
                }));
            }
            waitUntilAllWait(threads, callers);
            releaseFirstForce.countDown();
            leader.get(10, TimeUnit.SECONDS);
            for (Future<?> f : followers) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(j.forces() - before).isEqualTo(2); // the leader's, then one for all six followers
        } finally {
            pool.shutdownNow();
        }
        Collected replayed = new Collected();
        open(state, 0, replayed).close();
        assertThat(replayed.records).hasSize(callers + 1).first().isEqualTo("leader");
    }

    private static void waitUntilAllWait(List<Thread> threads, int count) throws InterruptedException {
        while (true) {
            synchronized (threads) {
                if (threads.size() == count && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
                    return;
                }
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aFailedFsyncFailsTheJournalForGood(@TempDir Path dir) {
        AtomicInteger forces = new AtomicInteger();
        StateJournal.Force failing = f -> {
            if (forces.incrementAndGet() > 1) {
                throw new IOException("disk gone");
            }
        };
        try (StateJournal j = StateJournal.open(dir.resolve("s"), 0, new Collected(), failing)) {
            long seq = j.append(payload("x"));
            assertThatThrownBy(() -> j.sync(seq)).isInstanceOf(ChainStateException.class).hasRootCauseMessage("disk gone");
            assertThatThrownBy(() -> j.sync(seq)).isInstanceOf(ChainStateException.class)
                    .hasMessageContaining("failed earlier");
            assertThatThrownBy(() -> j.append(payload("y"))).isInstanceOf(ChainStateException.class);
        }
    }

    @Test
    void anOversizedOrEmptyRecordIsRefused(@TempDir Path dir) {
        try (StateJournal j = open(dir.resolve("s"), 0, new Collected())) {
            assertThatThrownBy(() -> j.append(new byte[0])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> j.append(new byte[StateJournal.MAX_RECORD_BYTES + 1]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(StateJournal.MAX_RECORD_BYTES + 1));
        }
    }
}

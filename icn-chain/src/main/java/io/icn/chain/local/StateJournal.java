package io.icn.chain.local;

import io.icn.chain.ChainStateException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The {@link LocalChain}'s journal: every change made to its state since the last checkpoint (the
 * {@link StateFile}), appended in order, so that making a change durable costs one small write and one fsync
 * instead of a rewrite of the whole state.
 *
 * <h2>Files</h2>
 * Segments beside the state file, each named by the sequence number of its first record:
 * {@code <state>.journal.<16 hex digits>}. A segment begins with a 20-byte header (magic {@code "ICNJ"},
 * version, first sequence number, CRC32C of those) and holds records framed as
 * {@code [int length][long seq][int CRC32C of length and seq][payload][int CRC32C of payload]}. Sequence numbers
 * run from 1 without a gap across segments. A checkpoint records the last sequence number it includes; recovery
 * applies only the records after it, so no record is applied twice, even when a crash left behind segments the
 * checkpoint already covers. A checkpoint starts a new segment ({@link #rotate}) before it reads the state, and
 * the segments before it are deleted only once the checkpoint is renamed into place ({@link #deleteBefore}).
 *
 * <h2>Durability</h2>
 * {@link #append} queues a record in memory. {@link #sync} makes every record up to a sequence number durable
 * with one write of everything queued and one fsync, done by the first caller to find the journal idle (group
 * commit); callers that arrive meanwhile wait, and are covered by that fsync or the next one. Writes go through
 * a {@link RandomAccessFile}, which an interrupted caller cannot close. A failed write or fsync fails the
 * journal for good (later calls throw): what reached the disk is then unknown.
 *
 * <h2>Recovery</h2>
 * The last segment may end in a torn record (a crash during an append, which was never acknowledged): a partial
 * frame, or zeros the file system left where the write did not land. It is cut off, with a log line. Anything
 * else that fails its checks (a bad CRC or sequence number in the middle, a torn record in an earlier segment, a
 * missing segment) throws {@link ChainStateException} naming the file and the byte offset: acknowledged state is
 * never dropped silently.
 *
 * <h2>Thread safety</h2>
 * Thread-safe. {@link #append} and {@link #rotate} are called under the chain's lock, which orders the records;
 * {@link #sync} is called without it.
 */
final class StateJournal implements AutoCloseable {
    /** The largest record: a proof batch of many Merkle proofs is the largest change. */
    static final int MAX_RECORD_BYTES = 64 << 20;
    static final int SEGMENT_HEADER_BYTES = 20;
    static final int FRAME_HEADER_BYTES = 16;
    static final int FRAME_TRAILER_BYTES = 4;
    private static final int MAGIC = 0x49434E4A; // "ICNJ"
    private static final int VERSION = 1;
    private static final String INFIX = ".journal.";

    /** How a segment's writes are made durable; a test substitutes one that counts or blocks. */
    interface Force {
        Force FSYNC = file -> file.getFD().sync();

        void force(RandomAccessFile file) throws IOException;
    }

    /** Applies one record's payload to the state being recovered. */
    interface Replayer {
        void apply(byte[] payload) throws IOException;
    }

    private final Path dir;
    private final String prefix;
    private final Force force;

    // Guarded by this.
    private final ByteArrayOutputStream queued = new ByteArrayOutputStream(1 << 12);
    private final ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_BYTES);
    private final CRC32C crc = new CRC32C();
    private RandomAccessFile file;
    private long firstSeqOfFile;
    private long lastSeq;
    private long durableSeq;
    private long bytesSinceRotation;
    private boolean flushing;
    private IOException failure;
    private boolean closed;
    private long forces;

    private StateJournal(Path stateFile, Force force) {
        Path absolute = stateFile.toAbsolutePath();
        this.dir = absolute.getParent();
        this.prefix = absolute.getFileName() + INFIX;
        this.force = force;
    }

    /**
     * Opens the journal of {@code stateFile}, applies the records after {@code checkpointSeq} with
     * {@code replayer}, cuts off a torn last record, and readies the last segment for appends.
     *
     * @throws ChainStateException if a segment is corrupt, a record cannot be applied, or records are missing
     */
    static StateJournal open(Path stateFile, long checkpointSeq, Replayer replayer, Force force) {
        StateJournal journal = new StateJournal(stateFile, force);
        try {
            Files.createDirectories(journal.dir);
            journal.recover(checkpointSeq, replayer);
        } catch (IOException e) {
            throw new ChainStateException("cannot recover the journal " + journal.dir.resolve(journal.prefix + "*"), e);
        }
        return journal;
    }

    /** The sequence number the next record gets, minus one. */
    synchronized long lastSeq() {
        return lastSeq;
    }

    /** Bytes appended since the last {@link #rotate}: what a restart would replay beyond the checkpoint. */
    synchronized long bytesSinceRotation() {
        return bytesSinceRotation;
    }

    /** How many times a segment was forced: each {@link #sync} that found records to write forces once. */
    synchronized long forces() {
        return forces;
    }

    /**
     * Queues a record; it is durable once {@link #sync} reaches its sequence number.
     *
     * @return its sequence number
     */
    synchronized long append(byte[] payload) {
        checkUsable();
        if (payload.length == 0 || payload.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("a journal record must hold 1 to " + MAX_RECORD_BYTES + " bytes, not "
                    + payload.length);
        }
        long seq = ++lastSeq;
        frame.clear();
        frame.putInt(payload.length).putLong(seq);
        crc.reset();
        crc.update(frame.array(), 0, 12);
        frame.putInt((int) crc.getValue());
        queued.write(frame.array(), 0, FRAME_HEADER_BYTES);
        queued.writeBytes(payload);
        crc.reset();
        crc.update(payload);
        frame.clear();
        frame.putInt((int) crc.getValue());
        queued.write(frame.array(), 0, FRAME_TRAILER_BYTES);
        bytesSinceRotation += FRAME_HEADER_BYTES + payload.length + FRAME_TRAILER_BYTES;
        return seq;
    }

    /**
     * Returns once every record up to {@code seq} is on disk: writes and forces everything queued, unless another
     * caller is doing so, in which case it waits for that caller and, if needed, forces the rest itself.
     *
     * @throws ChainStateException if writing or forcing fails, now or earlier
     */
    void sync(long seq) {
        byte[] batch;
        long batchLast;
        RandomAccessFile target;
        synchronized (this) {
            boolean interrupted = false;
            try {
                while (durableSeq < seq && flushing) {
                    interrupted = awaitChange(interrupted);
                }
            } finally {
                restore(interrupted);
            }
            if (durableSeq >= seq) {
                return;
            }
            checkUsable();
            flushing = true;
            batch = queued.toByteArray();
            queued.reset();
            batchLast = lastSeq;
            target = file;
        }
        IOException failed = null;
        try {
            target.write(batch);
            force.force(target);
        } catch (IOException e) {
            failed = e;
        }
        synchronized (this) {
            flushing = false;
            if (failed != null) {
                failure = failed;
            } else {
                forces++;
                durableSeq = batchLast;
            }
            notifyAll();
        }
        if (failed != null) {
            throw new ChainStateException("cannot write the journal " + currentName(), failed);
        }
    }

    /**
     * Makes everything appended durable and, if the current segment holds records, starts a new one, so that a
     * checkpoint of the state as it is now covers every segment before the current one. Call under the chain's
     * lock, so that no record is appended meanwhile.
     *
     * @return the sequence number of the last record the checkpoint will include
     */
    synchronized long rotate() {
        flushQueued();
        if (lastSeq >= firstSeqOfFile) {
            closeFile();
            openNewSegment(lastSeq + 1);
        }
        bytesSinceRotation = 0;
        return lastSeq;
    }

    /**
     * Deletes the segments whose records all come before {@code seq}: those a checkpoint that includes record
     * {@code seq - 1} has made redundant. Never the current segment.
     */
    synchronized void deleteBefore(long seq) {
        try {
            List<Segment> segments = listSegments();
            for (int i = 0; i < segments.size(); i++) {
                Segment s = segments.get(i);
                boolean covered = i + 1 < segments.size() ? segments.get(i + 1).firstSeq <= seq : lastSeq < seq;
                if (covered && (closed || s.firstSeq != firstSeqOfFile)) {
                    Files.deleteIfExists(s.path);
                }
            }
        } catch (IOException e) {
            LocalChain.LOG.log(System.Logger.Level.WARNING, "cannot delete journal segments before record " + seq
                    + " in " + dir + "; they are skipped at the next start", e);
        }
    }

    /**
     * Makes everything appended durable and closes the journal; its segments stay until {@link #deleteBefore}.
     * Idempotent.
     *
     * @return the sequence number of the last record
     * @throws ChainStateException if the queued records cannot be written
     */
    synchronized long closeForCheckpoint() {
        if (!closed) {
            try {
                flushQueued();
            } finally {
                closed = true;
                closeFile();
                notifyAll();
            }
        }
        return lastSeq;
    }

    /** Closes the segment without writing what is queued: what a crash does. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        closeFile();
        notifyAll();
    }

    // ---------------------------------------------------------------- writing

    /**
     * One {@code wait()} that an interrupt does not cut short: a caller about to be told "durable" must wait for
     * the disk. Returns whether the thread was interrupted so far; the caller restores the flag when done.
     */
    private boolean awaitChange(boolean interrupted) {
        try {
            wait();
            return interrupted;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private static void restore(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void flushQueued() {
        boolean interrupted = false;
        while (flushing) {
            interrupted = awaitChange(interrupted);
        }
        restore(interrupted);
        checkUsable();
        if (durableSeq == lastSeq) {
            return;
        }
        try {
            file.write(queued.toByteArray());
            force.force(file);
            forces++;
            queued.reset();
            durableSeq = lastSeq;
        } catch (IOException e) {
            failure = e;
            throw new ChainStateException("cannot write the journal " + currentName(), e);
        }
    }

    private void openNewSegment(long firstSeq) {
        Path path = segmentPath(firstSeq);
        try {
            RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw");
            try {
                f.setLength(0);
                ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER_BYTES);
                header.putInt(MAGIC).putInt(VERSION).putLong(firstSeq);
                crc.reset();
                crc.update(header.array(), 0, 16);
                header.putInt((int) crc.getValue());
                f.write(header.array());
                force.force(f);
                StateFile.forceDirectory(dir);
            } catch (IOException e) {
                f.close();
                throw e;
            }
            file = f;
            firstSeqOfFile = firstSeq;
        } catch (IOException e) {
            failure = e;
            throw new ChainStateException("cannot create the journal segment " + path, e);
        }
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                LocalChain.LOG.log(System.Logger.Level.WARNING, "cannot close the journal " + currentName(), e);
            }
            file = null;
        }
    }

    private void checkUsable() {
        if (failure != null) {
            throw new ChainStateException("the journal " + currentName() + " failed earlier; what reached the disk"
                    + " is unknown, so nothing more is acknowledged (restart the node to recover)", failure);
        }
        if (closed) {
            throw new IllegalStateException("the journal " + currentName() + " is closed");
        }
    }

    private String currentName() {
        return segmentPath(firstSeqOfFile).toString();
    }

    private Path segmentPath(long firstSeq) {
        return dir.resolve(prefix + String.format(Locale.ROOT, "%016x", firstSeq));
    }

    // ---------------------------------------------------------------- recovery

    private record Segment(Path path, long firstSeq) {
    }

    /** What a segment held: the sequence number of its last record (or first - 1), and where good bytes end. */
    private record Scanned(long lastSeq, long validEnd, boolean torn) {
    }

    /** Whether the journal of {@code stateFile} has any segment. */
    static boolean exists(Path stateFile) {
        StateJournal journal = new StateJournal(stateFile, Force.FSYNC); // only lists
        try {
            return Files.isDirectory(journal.dir) && !journal.listSegments().isEmpty();
        } catch (IOException e) {
            throw new ChainStateException("cannot list the journal " + journal.dir.resolve(journal.prefix + "*"), e);
        }
    }

    private List<Segment> listSegments() throws IOException {
        List<Segment> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path p : ds) {
                String suffix = p.getFileName().toString().substring(prefix.length());
                if (suffix.length() == 16 && suffix.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    out.add(new Segment(p, Long.parseUnsignedLong(suffix, 16)));
                }
            }
        }
        out.sort((a, b) -> Long.compareUnsigned(a.firstSeq, b.firstSeq));
        return out;
    }

    private void recover(long checkpointSeq, Replayer replayer) throws IOException {
        List<Segment> segments = listSegments();
        long prev = -1; // the last record seen so far
        Scanned last = null;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (i == 0 && s.firstSeq > checkpointSeq + 1) {
                throw new ChainStateException("journal segment " + s.path + " starts at record " + s.firstSeq
                        + " but the state file includes records up to " + checkpointSeq + " only: records "
                        + (checkpointSeq + 1) + " to " + (s.firstSeq - 1) + " are missing");
            }
            if (i > 0 && s.firstSeq != prev + 1) {
                throw new ChainStateException("journal segment " + s.path + " starts at record " + s.firstSeq
                        + " but the segment before it ends at record " + prev + ": a segment is missing");
            }
            last = scan(s, i == segments.size() - 1, checkpointSeq, replayer);
            prev = last.lastSeq;
        }
        lastSeq = Math.max(checkpointSeq, prev);
        durableSeq = lastSeq;
        Segment tail = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        if (tail == null || prev < checkpointSeq) {
            for (Segment s : segments) { // all covered by the checkpoint
                Files.delete(s.path);
            }
            openNewSegment(checkpointSeq + 1);
        } else if (prev < tail.firstSeq) {
            Files.delete(tail.path); // no record, perhaps a torn header: start it again
            openNewSegment(tail.firstSeq);
            deleteBefore(checkpointSeq + 1);
        } else {
            RandomAccessFile f = new RandomAccessFile(tail.path.toFile(), "rw");
            file = f;
            firstSeqOfFile = tail.firstSeq;
            if (last.torn) {
                f.setLength(last.validEnd);
                force.force(f);
            }
            f.seek(last.validEnd);
            bytesSinceRotation = last.validEnd - SEGMENT_HEADER_BYTES;
            deleteBefore(checkpointSeq + 1);
        }
    }

    private Scanned scan(Segment s, boolean isLast, long checkpointSeq, Replayer replayer) throws IOException {
        long size = Files.size(s.path);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(s.path), 1 << 16)) {
            DataInputStream in = new DataInputStream(raw);
            if (size < SEGMENT_HEADER_BYTES) {
                return torn(s, isLast, 0, s.firstSeq - 1, "a partial segment header");
            }
            byte[] header = in.readNBytes(SEGMENT_HEADER_BYTES);
            ByteBuffer h = ByteBuffer.wrap(header);
            crc.reset();
            crc.update(header, 0, 16);
            if (h.getInt(16) != (int) crc.getValue() || h.getInt(0) != MAGIC || h.getLong(8) != s.firstSeq) {
                if (isLast && zerosFrom(s.path, 0)) {
                    return torn(s, true, 0, s.firstSeq - 1, "a zero-filled segment header");
                }
                throw corrupt(s, 0, "its header is not a journal header of record " + s.firstSeq);
            }
            if (h.getInt(4) != VERSION) {
                throw corrupt(s, 0, "it has version " + h.getInt(4) + ", this build reads " + VERSION);
            }
            long offset = SEGMENT_HEADER_BYTES;
            long expected = s.firstSeq;
            byte[] frameHeader = new byte[FRAME_HEADER_BYTES];
            while (offset < size) {
                if (size - offset < FRAME_HEADER_BYTES) {
                    return torn(s, isLast, offset, expected - 1, "a partial record header");
                }
                in.readFully(frameHeader);
                ByteBuffer f = ByteBuffer.wrap(frameHeader);
                crc.reset();
                crc.update(frameHeader, 0, 12);
                int length = f.getInt(0);
                long seq = f.getLong(4);
                if (f.getInt(12) != (int) crc.getValue()) {
                    if (isLast && zerosFrom(s.path, offset)) {
                        return torn(s, true, offset, expected - 1, "zeros where a record should start");
                    }
                    throw corrupt(s, offset, "the record header's CRC32C does not match");
                }
                if (length <= 0 || length > MAX_RECORD_BYTES || seq != expected) {
                    throw corrupt(s, offset, "the record header says " + length + " bytes, record " + seq
                            + "; expected record " + expected);
                }
                if (size - offset < FRAME_HEADER_BYTES + (long) length + FRAME_TRAILER_BYTES) {
                    return torn(s, isLast, offset, expected - 1, "a partial record " + seq);
                }
                byte[] payload = new byte[length];
                in.readFully(payload);
                int stored = in.readInt();
                crc.reset();
                crc.update(payload);
                if (stored != (int) crc.getValue()) {
                    throw corrupt(s, offset, "the CRC32C of record " + seq + " does not match");
                }
                if (seq > checkpointSeq) {
                    apply(s, offset, seq, payload, replayer);
                }
                offset += FRAME_HEADER_BYTES + length + FRAME_TRAILER_BYTES;
                expected++;
            }
            return new Scanned(expected - 1, offset, false);
        } catch (EOFException e) {
            throw new ChainStateException("journal segment " + s.path + " changed while it was read", e);
        }
    }

    private static void apply(Segment s, long offset, long seq, byte[] payload, Replayer replayer) {
        try {
            replayer.apply(payload);
        } catch (IOException | RuntimeException e) {
            throw new ChainStateException("journal segment " + s.path + " at byte offset " + offset + ": record " + seq
                    + " cannot be applied to the state (" + e.getMessage() + "); the journal does not belong to this"
                    + " state file", e);
        }
    }

    private static Scanned torn(Segment s, boolean isLast, long offset, long lastGood, String what) {
        if (!isLast) {
            throw corrupt(s, offset, "it ends in " + what + " but is not the last segment");
        }
        LocalChain.LOG.log(System.Logger.Level.WARNING, "journal segment " + s.path + " ends in " + what
                + " at byte offset " + offset + ": the record being appended when the node stopped, never"
                + " acknowledged; cut off");
        return new Scanned(lastGood, offset, true);
    }

    private static ChainStateException corrupt(Segment s, long offset, String why) {
        return new ChainStateException("journal segment " + s.path + " is corrupt at byte offset " + offset + ": " + why
                + ". Records from there on were acknowledged and cannot be read; restore the state file and journal"
                + " from a backup, or truncate the segment at that offset to accept losing them");
    }

    private static boolean zerosFrom(Path path, long offset) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            in.skipNBytes(offset);
            int b;
            while ((b = in.read()) != -1) {
                if (b != 0) {
                    return false;
                }
            }
            return true;
        }
    }
}

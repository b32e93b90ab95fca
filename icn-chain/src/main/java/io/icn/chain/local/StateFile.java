package io.icn.chain.local;

import io.icn.chain.AccountId;
import io.icn.chain.AuditChallenge;
import io.icn.chain.AuditId;
import io.icn.chain.AuditStatus;
import io.icn.chain.Balance;
import io.icn.chain.ChainStateException;
import io.icn.chain.DealId;
import io.icn.chain.DealStatus;
import io.icn.chain.NodeEndpoint;
import io.icn.chain.PinningAudit;
import io.icn.chain.PinningDeal;
import io.icn.chain.ProofScheme;
import io.icn.chain.Region;
import io.icn.chain.ShardHash;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The {@link LocalChain} state file: a versioned binary snapshot (the checkpoint) of the facts in
 * {@link ChainState} and of the last {@link StateJournal} record they include, ending in a CRC32C of
 * everything before it.
 *
 * <p>Durability: the snapshot is written to {@code <name>.tmp} ({@link #writeTemp}), forced to disk,
 * atomically renamed over {@code <name>}, and the directory is forced ({@link #commitTemp}), so a crash
 * leaves either the old or the new snapshot. Recovery looks at names only: {@code <name>} is the state,
 * {@code <name>.tmp} is an unfinished write and is deleted. Not thread-safe: one writer at a time, and
 * {@link #writeTemp} under the chain's lock.
 */
final class StateFile {
    private static final int MAGIC = 0x49434E43; // "ICNC"
    /**
     * Version 3 added the sequence number of the last journal record the snapshot includes; version 2 each
     * deal's content CID and the node endpoint registry. Versions 1 and 2 are still read (as sequence 0).
     */
    private static final int VERSION = 3;
    private static final int OLDEST_READABLE_VERSION = 1;

    /** A loaded snapshot: the state, and the sequence number of the last journal record it includes. */
    record Snapshot(ChainState state, long journalSeq) {
    }

    private final Path path;
    private final Path temp;

    StateFile(Path path) {
        this.path = path.toAbsolutePath();
        this.temp = this.path.resolveSibling(this.path.getFileName() + ".tmp");
    }

    Path path() {
        return path;
    }

    /** Reads the snapshot, or returns null if there is none. Deletes a leftover unfinished write. */
    Snapshot readIfPresent(ProofScheme expectedScheme) {
        try {
            Files.deleteIfExists(temp);
            if (!Files.exists(path)) {
                return null;
            }
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
                CRC32C crc = new CRC32C();
                DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
                Snapshot snapshot = readBody(in, expectedScheme);
                long computed = crc.getValue();
                long stored = Integer.toUnsignedLong(new DataInputStream(raw).readInt());
                if (computed != stored) {
                    throw new ChainStateException("state file " + path + " is corrupt: CRC32C " + Long.toHexString(stored)
                            + " recorded, " + Long.toHexString(computed) + " computed");
                }
                if (raw.read() != -1) {
                    throw new ChainStateException("state file " + path + " has bytes after its checksum");
                }
                snapshot.state().rebuildIndexes();
                return snapshot;
            }
        } catch (EOFException e) {
            throw new ChainStateException("state file " + path + " is truncated", e);
        } catch (IllegalArgumentException e) {
            throw new ChainStateException("state file " + path + " holds an invalid record: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ChainStateException("cannot read state file " + path, e);
        }
    }

    /**
     * The proof scheme at the head of the state file, or null if there is none; reads those few bytes only.
     *
     * @throws ChainStateException if the file is not a readable state file
     */
    ProofScheme peekScheme() {
        if (!Files.exists(path)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(path))) {
            readVersion(in);
            return readScheme(in);
        } catch (EOFException e) {
            throw new ChainStateException("state file " + path + " is truncated", e);
        } catch (IllegalArgumentException e) {
            throw new ChainStateException("state file " + path + " holds an invalid proof scheme: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ChainStateException("cannot read state file " + path, e);
        }
    }

    /** Writes a new snapshot crash-safely: {@link #writeTemp} then {@link #commitTemp}. */
    void write(ChainState state, long journalSeq) {
        writeTemp(state, journalSeq);
        commitTemp();
    }

    /**
     * Writes the snapshot of {@code state}, which includes the journal's records up to {@code journalSeq}, to
     * the temp file, not yet forced: the part of a checkpoint that reads the state (the caller holds the lock).
     */
    void writeTemp(ChainState state, long journalSeq) {
        try {
            Files.createDirectories(path.getParent());
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                CRC32C crc = new CRC32C();
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
                writeBody(out, state, journalSeq);
                out.flush();
                new DataOutputStream(raw).writeInt((int) crc.getValue());
                raw.flush();
            }
        } catch (IOException e) {
            throw new ChainStateException("cannot write state file " + temp, e);
        }
    }

    /**
     * Makes the temp file the state file: force it, rename it atomically over the state file, force the
     * directory. The part of a checkpoint that waits for the disk; it needs no lock on the state.
     */
    void commitTemp() {
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new ChainStateException("the file system of " + path + " cannot rename atomically", e);
            }
            forceDirectory(path.getParent());
        } catch (IOException e) {
            throw new ChainStateException("cannot write state file " + path, e);
        }
    }

    /** The snapshot of {@code state} as a state file holds it (without the checksum), journal sequence 0. */
    static byte[] encode(ChainState state) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            writeBody(new DataOutputStream(bytes), state, 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("a byte array stream cannot fail", e);
        }
        return bytes.toByteArray();
    }

    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e; // Windows cannot open a directory as a channel; NTFS renames are journaled
            }
        }
    }

    private static void writeBody(DataOutputStream out, ChainState s, long journalSeq) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeByte(s.scheme.mode().ordinal());
        out.writeInt(s.scheme.merkleBlockSize());
        out.writeLong(s.block);
        out.writeLong(s.idCounter);
        out.writeLong(journalSeq);

        out.writeInt(s.accounts.size());
        for (var e : s.accounts.entrySet()) {
            ChainState.Account a = e.getValue();
            out.write(e.getKey().bytes());
            writeBalance(out, a.free);
            writeBalance(out, a.stake);
            out.writeByte(a.region == null ? -1 : a.region.ordinal());
            out.writeLong(a.reputation);
        }

        out.writeInt(s.deals.size());
        for (ChainState.Deal d : s.deals.values()) {
            writeDeal(out, d);
        }

        out.writeInt(s.audits.size());
        for (ChainState.Audit a : s.audits.values()) {
            writeAudit(out, a);
        }

        out.writeInt(s.pool.size());
        for (ChainState.Submission sub : s.pool) {
            out.write(sub.signer().bytes());
            out.write(sub.auditId().bytes());
            out.writeInt(sub.proof().length);
            out.write(sub.proof());
        }

        out.writeInt(s.endpoints.size());
        for (NodeEndpoint e : s.endpoints.values()) {
            out.write(e.account().bytes());
            out.writeUTF(e.quicAddress());
            out.writeUTF(e.certificateFingerprint());
        }
    }

    /** The magic number and the version, checked. @return the version */
    private int readVersion(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new ChainStateException("file " + path + " is not a local chain state file (magic 0x"
                    + Integer.toHexString(magic) + ")");
        }
        int version = in.readInt();
        if (version < OLDEST_READABLE_VERSION || version > VERSION) {
            throw new ChainStateException("state file " + path + " has version " + version + ", this build reads "
                    + OLDEST_READABLE_VERSION + " to " + VERSION);
        }
        return version;
    }

    private static ProofScheme readScheme(DataInputStream in) throws IOException {
        return new ProofScheme(ProofScheme.Mode.values()[checkedIndex(in.readByte(), ProofScheme.Mode.values().length,
                "proof mode")], in.readInt());
    }

    private Snapshot readBody(DataInputStream in, ProofScheme expectedScheme) throws IOException {
        int version = readVersion(in);
        ProofScheme scheme = readScheme(in);
        if (!scheme.verifiesLike(expectedScheme)) {
            throw new ChainStateException("state file " + path + " was written for proof scheme " + scheme
                    + ", the chain is configured for " + expectedScheme
                    + " (LocalChain.recordedProofScheme(stateFile) tells a chain's scheme before it is built)");
        }
        ChainState s = new ChainState(scheme);
        s.block = in.readLong();
        s.idCounter = in.readLong();
        long journalSeq = version >= 3 ? in.readLong() : 0;

        byte[] scratch = new byte[32]; // each 32-byte value is read here and copied once by its record
        Accounts seen = new Accounts();
        int accounts = count(in, "accounts");
        for (int i = 0; i < accounts; i++) {
            AccountId id = seen.read(in, scratch);
            ChainState.Account a = new ChainState.Account();
            a.free = readBalance(in);
            a.stake = readBalance(in);
            int region = in.readByte();
            a.region = region < 0 ? null : Region.values()[checkedIndex(region, Region.values().length, "region")];
            a.reputation = in.readLong();
            s.accounts.put(id, a);
        }

        int deals = count(in, "deals");
        for (int i = 0; i < deals; i++) {
            ChainState.Deal d = readDeal(in, scratch, seen, version >= 2);
            s.deals.put(d.deal.id(), d);
        }

        int audits = count(in, "audits");
        for (int i = 0; i < audits; i++) {
            ChainState.Audit a = readAudit(in);
            s.audits.put(a.audit.id(), a);
        }

        int pool = count(in, "pool");
        for (int i = 0; i < pool; i++) {
            AccountId signer = new AccountId(read32(in));
            AuditId audit = new AuditId(read32(in));
            int length = count(in, "proof bytes");
            byte[] proof = in.readNBytes(length);
            if (proof.length != length) {
                throw new EOFException();
            }
            s.pool.add(new ChainState.Submission(signer, audit, proof));
        }

        if (version >= 2) {
            int endpoints = count(in, "endpoints");
            for (int i = 0; i < endpoints; i++) {
                NodeEndpoint e = new NodeEndpoint(new AccountId(read32(in)), in.readUTF(), in.readUTF());
                s.endpoints.put(e.account(), e);
            }
        }
        return new Snapshot(s, journalSeq);
    }

    /** One deal record, as the state file and the journal hold it. */
    static void writeDeal(DataOutputStream out, ChainState.Deal d) throws IOException {
        PinningDeal p = d.deal;
        out.write(p.id().bytes());
        out.write(p.creator().bytes());
        out.writeInt(p.shards().size());
        for (ShardHash h : p.shards()) {
            out.write(h.bytes());
        }
        out.writeInt(p.shardSize().orElseThrow()); // the embedded chain records every deal's size
        out.writeLong(p.createdAt());
        out.writeLong(p.expiresAt());
        writeBalance(out, p.totalReward());
        out.writeByte(p.status().ordinal());
        out.writeInt(d.pinners.size());
        for (AccountId a : d.pinners) {
            out.write(a.bytes());
        }
        writeBalance(out, new Balance(d.rewardPerSlot));
        out.writeUTF(d.content);
    }

    /** Reads what {@link #writeDeal} wrote ({@code withContent}: false for a version 1 file, which had none). */
    static ChainState.Deal readDeal(DataInputStream in, byte[] scratch, Accounts seen, boolean withContent)
            throws IOException {
        DealId id = new DealId(read32(in, scratch));
        AccountId creator = seen.read(in, scratch);
        int shardCount = count(in, "shards");
        ShardHash[] shards = new ShardHash[shardCount];
        for (int j = 0; j < shardCount; j++) {
            shards[j] = new ShardHash(read32(in, scratch));
        }
        int shardSize = in.readInt();
        long createdAt = in.readLong();
        long expiresAt = in.readLong();
        Balance total = readBalance(in);
        DealStatus status = DealStatus.values()[checkedIndex(in.readByte(), DealStatus.values().length,
                "deal status")];
        int pinnerCount = count(in, "pinners");
        AccountId[] pinners = new AccountId[pinnerCount];
        for (int j = 0; j < pinnerCount; j++) {
            pinners[j] = seen.read(in, scratch);
        }
        BigInteger perSlot = readBalance(in).units();
        String content = withContent ? in.readUTF() : "";
        PinningDeal deal = new PinningDeal(id, creator, List.of(shards), shardSize, createdAt, expiresAt, total,
                status);
        return new ChainState.Deal(deal, List.of(pinners), perSlot, content);
    }

    /** One audit record, as the state file and the journal hold it. */
    static void writeAudit(DataOutputStream out, ChainState.Audit a) throws IOException {
        PinningAudit p = a.audit;
        out.write(p.id().bytes());
        out.write(p.pinner().bytes());
        out.write(p.shardHash().bytes());
        out.writeInt(p.challenge().byteOffset());
        out.writeInt(p.challenge().byteLength());
        out.write(p.challenge().nonce());
        out.writeLong(p.issuedAt());
        out.writeLong(p.deadline());
        out.writeByte(p.status().ordinal());
        out.writeInt(a.shardSize);
        out.writeLong(a.closedAt);
    }

    /** Reads what {@link #writeAudit} wrote. */
    static ChainState.Audit readAudit(DataInputStream in) throws IOException {
        AuditId id = new AuditId(read32(in));
        AccountId pinner = new AccountId(read32(in));
        ShardHash shard = new ShardHash(read32(in));
        int offset = in.readInt();
        int length = in.readInt();
        byte[] nonce = in.readNBytes(AuditChallenge.NONCE_LENGTH);
        if (nonce.length != AuditChallenge.NONCE_LENGTH) {
            throw new EOFException();
        }
        long issuedAt = in.readLong();
        long deadline = in.readLong();
        AuditStatus status = AuditStatus.values()[checkedIndex(in.readByte(), AuditStatus.values().length,
                "audit status")];
        int shardSize = in.readInt();
        long closedAt = in.readLong();
        ChainState.Audit a = new ChainState.Audit(new PinningAudit(id, pinner, shard,
                new AuditChallenge(offset, length, nonce), issuedAt, deadline, status), shardSize);
        a.closedAt = closedAt;
        return a;
    }

    static void writeBalance(DataOutputStream out, Balance b) throws IOException {
        byte[] bytes = b.units().toByteArray();
        out.writeByte(bytes.length);
        out.write(bytes);
    }

    static Balance readBalance(DataInputStream in) throws IOException {
        int length = in.readUnsignedByte();
        if (length == 0 || length > 17) {
            throw new IllegalArgumentException("balance of " + length + " bytes");
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException();
        }
        return new Balance(new BigInteger(bytes));
    }

    static byte[] read32(DataInputStream in) throws IOException {
        return read32(in, new byte[32]);
    }

    /** Fills {@code into} with the next 32 bytes. @throws EOFException if fewer remain */
    static byte[] read32(DataInputStream in, byte[] into) throws IOException {
        in.readFully(into);
        return into;
    }

    /**
     * The accounts of a state, each read once: a deal names its creator and its pinners, and a node's deals name
     * the same few accounts over and over, so the file's 140,000 deals need not become 280,000 account objects.
     */
    static final class Accounts {
        private final Map<ByteBuffer, AccountId> known = new HashMap<>();

        AccountId read(DataInputStream in, byte[] scratch) throws IOException {
            read32(in, scratch);
            AccountId a = known.get(ByteBuffer.wrap(scratch));
            if (a == null) {
                a = new AccountId(scratch);
                known.put(ByteBuffer.wrap(a.bytes()), a);
            }
            return a;
        }
    }

    static int count(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IllegalArgumentException("negative count of " + what + ": " + n);
        }
        return n;
    }

    static int checkedIndex(int value, int size, String what) {
        if (value < 0 || value >= size) {
            throw new IllegalArgumentException(what + " " + value + " is out of range");
        }
        return value;
    }
}

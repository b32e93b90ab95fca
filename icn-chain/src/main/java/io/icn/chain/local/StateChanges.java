package io.icn.chain.local;

import io.icn.chain.AccountId;
import io.icn.chain.AuditId;
import io.icn.chain.AuditProofSubmission;
import io.icn.chain.Balance;
import io.icn.chain.NodeEndpoint;
import io.icn.chain.Region;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of the {@link StateJournal}: each change to a {@link ChainState}, encoded as the result it had,
 * and applied again on replay. Results, not commands: a deal is recorded with its pinners and id, an audit with
 * its challenge, a block with its proof verdicts and its audit draws, so a replay needs neither the random
 * source nor the shard oracle, and reaches the same state even if the rules that chose them change.
 *
 * <p>Each record is a type byte and the fields; deals and audits use the state file's encoding of them. Stateless
 * encoders; a {@link Replayer} is not thread-safe.
 */
final class StateChanges {
    static final byte ENDOWED = 1;
    static final byte NODE_REGISTERED = 2;
    static final byte ENDPOINT_REGISTERED = 3;
    static final byte DEAL_CREATED = 4;
    static final byte AUDIT_ISSUED = 5;
    static final byte PROOFS_SUBMITTED = 6;
    static final byte BLOCK_PRODUCED = 7;

    private StateChanges() {
    }

    static byte[] endowed(AccountId account, Balance amount) {
        return encode(ENDOWED, out -> {
            out.write(account.bytes());
            StateFile.writeBalance(out, amount);
        });
    }

    static byte[] nodeRegistered(AccountId node, Region region, Balance stake, long reputation) {
        return encode(NODE_REGISTERED, out -> {
            out.write(node.bytes());
            out.writeByte(region.ordinal());
            StateFile.writeBalance(out, stake);
            out.writeLong(reputation);
        });
    }

    static byte[] endpointRegistered(NodeEndpoint endpoint) {
        return encode(ENDPOINT_REGISTERED, out -> {
            out.write(endpoint.account().bytes());
            out.writeUTF(endpoint.quicAddress());
            out.writeUTF(endpoint.certificateFingerprint());
        });
    }

    /** A deal as {@code createDeal} made it, with the id counter after it. */
    static byte[] dealCreated(ChainState.Deal deal, long idCounter) {
        return encode(DEAL_CREATED, out -> {
            StateFile.writeDeal(out, deal);
            out.writeLong(idCounter);
        });
    }

    /** An audit as {@code initiateAudit} issued it, with the id counter after it. */
    static byte[] auditIssued(ChainState.Audit audit, long idCounter) {
        return encode(AUDIT_ISSUED, out -> {
            StateFile.writeAudit(out, audit);
            out.writeLong(idCounter);
        });
    }

    static byte[] proofsSubmitted(AccountId signer, List<AuditProofSubmission> proofs) {
        return encode(PROOFS_SUBMITTED, out -> {
            out.write(signer.bytes());
            out.writeInt(proofs.size());
            for (AuditProofSubmission p : proofs) {
                out.write(p.auditId().bytes());
                out.writeInt(p.proof().length);
                out.write(p.proof());
            }
        });
    }

    static byte[] blockProduced(ChainState.BlockRecord block) {
        return encode(BLOCK_PRODUCED, out -> {
            out.writeLong(block.block);
            out.writeLong(block.auditRetentionBlocks);
            out.writeLong(block.dealRetentionBlocks);
            out.writeInt(block.verdicts.size());
            for (boolean v : block.verdicts) {
                out.writeBoolean(v);
            }
            out.writeInt(block.issued.size());
            for (ChainState.Audit a : block.issued) {
                StateFile.writeAudit(out, a);
            }
            out.writeLong(block.idCounter);
        });
    }

    /** Applies records to one state, in journal order. */
    static final class Replayer implements StateJournal.Replayer {
        private final ChainState state;
        private final StateFile.Accounts seen = new StateFile.Accounts();
        private final byte[] scratch = new byte[32];

        Replayer(ChainState state) {
            this.state = state;
        }

        /**
         * Applies one record.
         *
         * @throws IOException if the record ends early
         * @throws IllegalArgumentException (or another unchecked exception) if it is malformed or does not follow
         *     from the state
         */
        @Override
        public void apply(byte[] record) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
            byte type = in.readByte();
            switch (type) {
                case ENDOWED -> state.endow(seen.read(in, scratch), StateFile.readBalance(in));
                case NODE_REGISTERED -> state.registerNode(seen.read(in, scratch), Region.values()[StateFile.checkedIndex(
                        in.readByte(), Region.values().length, "region")],
                        StateFile.readBalance(in), in.readLong());
                case ENDPOINT_REGISTERED -> state.registerEndpoint(new NodeEndpoint(seen.read(in, scratch),
                        in.readUTF(), in.readUTF()));
                case DEAL_CREATED -> state.applyDeal(StateFile.readDeal(in, scratch, seen, true), in.readLong());
                case AUDIT_ISSUED -> state.applyAudit(StateFile.readAudit(in), in.readLong());
                case PROOFS_SUBMITTED -> state.applySubmissions(readSubmissions(in));
                case BLOCK_PRODUCED -> state.replay(readBlock(in));
                default -> throw new IllegalArgumentException("unknown record type " + type);
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("record of type " + type + " has bytes after its fields");
            }
        }

        private List<ChainState.Submission> readSubmissions(DataInputStream in) throws IOException {
            AccountId signer = seen.read(in, scratch);
            int count = StateFile.count(in, "proofs");
            List<ChainState.Submission> out = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                AuditId audit = new AuditId(StateFile.read32(in));
                int length = StateFile.count(in, "proof bytes");
                byte[] proof = new byte[length];
                in.readFully(proof);
                out.add(new ChainState.Submission(signer, audit, proof));
            }
            return out;
        }

        private static ChainState.BlockRecord readBlock(DataInputStream in) throws IOException {
            ChainState.BlockRecord b = new ChainState.BlockRecord();
            b.block = in.readLong();
            b.auditRetentionBlocks = in.readLong();
            b.dealRetentionBlocks = in.readLong();
            int verdicts = StateFile.count(in, "verdicts");
            for (int i = 0; i < verdicts; i++) {
                b.verdicts.add(in.readBoolean());
            }
            int issued = StateFile.count(in, "issued audits");
            for (int i = 0; i < issued; i++) {
                b.issued.add(StateFile.readAudit(in));
            }
            b.idCounter = in.readLong();
            return b;
        }
    }

    private interface Fields {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] encode(byte type, Fields fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeByte(type);
            fields.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream cannot fail", e);
        }
        return bytes.toByteArray();
    }
}

package io.icn.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icn.chain.AuditChallenge;
import io.icn.chain.AuditProofs;
import io.icn.chain.ProofScheme;
import io.icn.chain.ShardHash;
import io.icn.chain.ShardMissingException;
import io.icn.storage.ChunkMeta;
import io.icn.storage.ChunkSpec;
import io.icn.storage.Cid;
import io.icn.storage.InMemoryShardStore;
import io.icn.storage.ShardInfo;
import io.icn.storage.ShardStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link StoreAuditProver} over a store that refuses to be walked: audits are answered by hash lookup. */
class StoreAuditProverTest {

    private static final int BLOCK = 1024;

    /** {@code store} seen through a proxy whose chunk walk ({@code list}, {@code meta}) fails the test. */
    private static ShardStore unwalkable(ShardStore store) {
        Set<String> walks = Set.of("list", "meta");
        return (ShardStore) Proxy.newProxyInstance(ShardStore.class.getClassLoader(), new Class<?>[] {ShardStore.class},
                (proxy, method, args) -> {
                    if (walks.contains(method.getName())) {
                        throw new AssertionError("the prover walked the store: " + method.getName());
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void provesEitherSchemeAndRepairsWithoutWalkingTheStore() {
        InMemoryShardStore store = new InMemoryShardStore(Long.MAX_VALUE, BLOCK, Clock.systemUTC());
        Random rnd = new Random(12);
        ChunkMeta meta = null;
        for (int i = 0; i < 20; i++) {
            byte[] chunk = new byte[40_000 + i];
            rnd.nextBytes(chunk);
            meta = store.encodeAndPut(Cid.ofRaw(chunk), chunk, new ChunkSpec(chunk.length, 10, 4, "d" + i, 100));
        }
        ShardInfo info = meta.shard(12).orElseThrow();
        byte[] nonce = new byte[16];
        rnd.nextBytes(nonce);
        AuditChallenge challenge = new AuditChallenge(1500, 700, nonce);
        byte[] bytes = store.readShard(meta.cid(), 12);

        ProofScheme merkle = ProofScheme.merkle(BLOCK);
        StoreAuditProver prover = new StoreAuditProver(unwalkable(store), merkle);
        ShardHash root = new ShardHash(info.merkleRoot());
        AuditProofs.verifyMerkle(root, bytes.length, BLOCK, challenge, prover.prove(merkle, root, challenge));

        ShardHash sha = new ShardHash(info.sha256());
        StoreAuditProver hashProver = new StoreAuditProver(unwalkable(store), ProofScheme.hash());
        AuditProofs.verifyHash(bytes, challenge, hashProver.prove(ProofScheme.hash(), sha, challenge));

        assertThatThrownBy(() -> prover.prove(merkle, new ShardHash(new byte[32]), challenge))
                .isInstanceOf(ShardMissingException.class).hasMessageContaining("no stored shard");
        // a hash-scheme name asked for a Merkle proof: found, but it is not the audited value under Merkle
        assertThatThrownBy(() -> prover.prove(merkle, sha, challenge))
                .isInstanceOf(ShardMissingException.class).hasMessageContaining("does not hash to the audited value");

        // five shards lost (only nine left): the audited one is quarantined and cannot be rebuilt yet
        byte[] zero = store.readShard(meta.cid(), 0);
        for (int lost : new int[] {12, 0, 1, 2, 3}) {
            store.corruptShard(meta.cid(), lost, 5);
        }
        assertThat(store.maintenance().scrub(e -> { }).unrepairable()).containsExactly(meta.cid());
        assertThatThrownBy(() -> prover.prove(merkle, root, challenge)).isInstanceOf(ShardMissingException.class)
                .hasMessageContaining("unreadable");
        assertThat(prover.repair(root)).isFalse();
        store.putShard(meta.cid(), 0, zero, meta.spec()); // ten again
        assertThat(prover.repair(root)).isTrue();
        AuditProofs.verifyMerkle(root, bytes.length, BLOCK, challenge, prover.prove(merkle, root, challenge));
        assertThat(prover.repair(new ShardHash(new byte[32]))).isFalse();
    }
}

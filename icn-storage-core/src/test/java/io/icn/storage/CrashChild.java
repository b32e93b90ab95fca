package io.icn.storage;

import io.icn.erasure.ErasureCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child process of {@link CrashSafetyTest}: puts (and sometimes deletes) chunks until it is killed.
 * Prints {@code B cid} before a put, {@code P cid} after it returned, {@code D cid} after a delete
 * returned, flushing each line, so the parent knows what was acknowledged.
 */
public final class CrashChild {

    private CrashChild() {
    }

    public static void main(String[] args) {
        Path root = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        ShardStoreBuilder.Durability durability = ShardStoreBuilder.Durability.valueOf(args[2]);
        Random rnd = new Random(seed);
        ErasureCodec codec = ErasureCodec.reedSolomon(4, 2);
        ShardStore store = ShardStore.builder(root).durability(durability).checkpointJournalBytes(64 * 1024)
                .cacheBytes(0).build();
        System.out.println("READY");
        System.out.flush();
        List<Cid> mine = new ArrayList<>();
        while (true) {
            byte[] data = new byte[1 + rnd.nextInt(64 * 1024)];
            rnd.nextBytes(data);
            Cid cid = Cid.ofRaw(data);
            System.out.println("B " + cid);
            System.out.flush();
            store.putChunk(cid, codec.encode(data), new ChunkSpec(data.length, 4, 2, "crash", rnd.nextInt(100)));
            System.out.println("P " + cid);
            System.out.flush();
            mine.add(cid);
            if (rnd.nextInt(3) == 0) {
                Cid victim = mine.remove(rnd.nextInt(mine.size()));
                System.out.println("X " + victim);
                System.out.flush();
                store.delete(victim);
                System.out.println("D " + victim);
                System.out.flush();
            }
        }
    }
}

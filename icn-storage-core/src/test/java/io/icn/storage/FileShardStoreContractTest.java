package io.icn.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.io.TempDir;

class FileShardStoreContractTest extends ShardStoreContract {

    @TempDir
    Path tmp;
    private int n;

    @Override
    ShardStore create(long capacityBytes) {
        return ShardStore.builder(tmp.resolve("store" + n++)).capacityBytes(capacityBytes).clock(CLOCK)
                .durability(ShardStoreBuilder.Durability.NO_FSYNC).cacheBytes(0).build();
    }

    @Override
    void corrupt(ShardStore store, Cid cid, int index, long offset) {
        flipBit(tmp.resolve("store" + (n - 1)).resolve(cid.toString()).resolve(StoreLayout.shardFileName(index)),
                offset);
    }

    static void flipBit(Path file, long offset) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 1));
            b.rewind();
            ch.write(b, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

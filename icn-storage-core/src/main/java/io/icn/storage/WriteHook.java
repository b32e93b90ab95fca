package io.icn.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Called before every write the file store makes to a shard, manifest or journal file. The default does
 * nothing; tests inject one that throws {@code IOException("No space left on device")} to simulate a
 * full disk at any point of a write.
 */
@FunctionalInterface
interface WriteHook {

    WriteHook NONE = (file, position, length) -> { };

    void beforeWrite(Path file, long position, int length) throws IOException;
}

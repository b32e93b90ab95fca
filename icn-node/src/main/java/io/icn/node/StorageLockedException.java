package io.icn.node;

import java.nio.file.Path;

/** Another process (or another node in this JVM) already runs on this storage directory. */
public final class StorageLockedException extends NodeException {
    private static final long serialVersionUID = 1L;

    public StorageLockedException(Path lockFile) {
        super("storage directory " + lockFile.getParent() + " is in use by another running node (lock file "
                + lockFile + " is held); stop that node first, or give this one its own storage_path / --storage-path");
    }
}

package io.icn.storage;

import java.time.Duration;

/** How the scrubber waits to stay within its bandwidth budget; injected so tests need not sleep. */
@FunctionalInterface
interface Sleeper {

    Sleeper THREAD = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);

    void sleep(Duration d) throws InterruptedException;
}

package io.icn.node.launcher;

import io.icn.chain.ChainUnavailableException;
import io.icn.chain.InsufficientBalanceException;
import io.icn.chain.NoEligiblePinnersException;
import io.icn.storage.InvalidCidException;
import io.icn.storage.RebuildInProgressException;
import io.icn.storage.ShardNotFoundException;
import io.icn.storage.StorageFullException;
import io.icn.storage.StoreClosedException;
import io.icn.storage.UnrepairableChunkException;

/** The HTTP status of a module's exception, for the admin answers and the jobs' errors. Stateless. */
final class HttpErrors {
    private HttpErrors() {
    }

    static int statusOf(Throwable e) {
        if (e instanceof ApiError a) {
            return a.status();
        } else if (e instanceof InvalidCidException || e instanceof IllegalArgumentException) {
            return 400;
        } else if (e instanceof ShardNotFoundException) {
            return 404;
        } else if (e instanceof UnrepairableChunkException || e instanceof NoEligiblePinnersException
                || e instanceof InsufficientBalanceException) {
            return 409;
        } else if (e instanceof StorageFullException) {
            return 507;
        } else if (e instanceof ChainUnavailableException || e instanceof StoreClosedException
                || e instanceof RebuildInProgressException || e instanceof IllegalStateException) {
            return 503;
        }
        return 500;
    }

    /** Whether a failure of this status is the server's fault, worth a stack trace in the log. */
    static boolean unexpected(int status) {
        return status >= 500 && status != 503 && status != 507;
    }

    static String message(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}

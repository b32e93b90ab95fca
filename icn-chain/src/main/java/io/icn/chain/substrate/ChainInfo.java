package io.icn.chain.substrate;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code icn-node chain info} prints: the chain, its runtime, its best and finalized blocks, whether the
 * pinning pallet is there, and the node's account with its nonce and free balance (when a key is
 * configured). Immutable.
 */
public record ChainInfo(String chainName, String genesisHash, String specName, long specVersion,
        long transactionVersion, int metadataVersion, Head best, Head finalized, String palletName,
        boolean pinningPalletPresent, Optional<Account> account) {

    /** The node's account as the chain sees it. */
    public record Account(String ss58, String publicKeyHex, long nonce, BigInteger free) {
    }

    public ChainInfo {
        Objects.requireNonNull(chainName, "chainName");
        Objects.requireNonNull(genesisHash, "genesisHash");
        Objects.requireNonNull(best, "best");
        Objects.requireNonNull(finalized, "finalized");
        Objects.requireNonNull(account, "account");
    }
}

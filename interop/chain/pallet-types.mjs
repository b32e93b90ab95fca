// The types of pallet-icn-pinning (icn-chain/pallets/icn-pinning/src/types.rs of the original chain), as
// polkadot.js type definitions: the reference the Java adapter's layouts are checked against.
export const pinningTypes = {
  DealStatus: { _enum: ['Active', 'Expired', 'Cancelled'] },
  PinningDeal: { deal_id: '[u8;32]', creator: 'AccountId32', shards: 'Vec<[u8;32]>', merkle_roots: 'Vec<[u8;32]>', created_at: 'u32', expires_at: 'u32', total_reward: 'u128', status: 'DealStatus' },
  AuditChallenge: { byte_offset: 'u32', byte_length: 'u32', nonce: '[u8;16]' },
  AuditStatus: { _enum: ['Pending', 'Passed', 'Failed'] },
  PinningAudit: { audit_id: '[u8;32]', pinner: 'AccountId32', shard_hash: '[u8;32]', challenge: 'AuditChallenge', deadline: 'u32', status: 'AuditStatus' },
  IcnMerkleProof: { leaf_data: '[u8;64]', siblings: 'Vec<[u8;32]>', leaf_index: 'u32' }
}

// A deterministic byte source (xorshift32), so every run makes the same values.
export function byteSource (seed) {
  let s = seed >>> 0
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s }
  const bytes = (n) => Uint8Array.from({ length: n }, () => rnd() & 0xff)
  return { rnd, bytes }
}

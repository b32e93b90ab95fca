// Reference encodings from polkadot.js for the Java adapter's byte-for-byte tests.
// node vectors.mjs > vectors.json      (offline: no chain needed; exits within 60 s)
// Prints one JSON object: { cases: [{kind, type, value, hex}], hashes: [...], metadata: [...] }.
import { TypeRegistry, Metadata } from '@polkadot/types'
import { expandMetadata } from '@polkadot/types/metadata/decorate'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady, xxhashAsHex, blake2AsHex, encodeAddress, ed25519PairFromSeed, ed25519Sign } from '@polkadot/util-crypto'
import { u8aToHex, hexToU8a, compactStripLength, stringToU8a } from '@polkadot/util'
import { readFileSync } from 'node:fs'
import { pinningTypes, byteSource } from './pallet-types.mjs'
import { createRequire } from 'node:module'

const hard = setTimeout(() => { console.error('TIMEOUT'); process.exit(2) }, 60_000)
await cryptoWaitReady()

// A deterministic byte source (xorshift32), so every run prints the same vectors.
const { rnd, bytes } = byteSource(0x1c2a3b4d)
const hex = (n) => u8aToHex(bytes(n))

const registry = new TypeRegistry()
registry.register({
  ...pinningTypes,
  IcnEvent: { _enum: {
    DealCreated: { deal_id: '[u8;32]', creator: 'AccountId32', shard_count: 'u32', total_reward: 'u128' },
    ShardAssigned: { shard: '[u8;32]', pinner: 'AccountId32' },
    AuditProbabilityCalculated: { pinner: 'AccountId32', probability: 'u32' },
    AuditStarted: { audit_id: '[u8;32]', pinner: 'AccountId32', shard_hash: '[u8;32]' },
    AuditCompleted: { audit_id: '[u8;32]', passed: 'bool' },
    RewardsDistributed: { total: 'u128' },
    DealExpired: { deal_id: '[u8;32]' },
    RewardsClaimed: { pinner: 'AccountId32', amount: 'u128' } } },
  SubmitAuditProofArgs: { audit_id: '[u8;32]', proof: 'IcnMerkleProof' },
  SmallEnum: { _enum: { Unit: 'Null', Num: 'u32', Pair: '(u8, Text)' } }
})
const cases = []
const add = (type, value) => cases.push({ type, value, hex: u8aToHex(registry.createType(type, value).toU8a()) })

for (const v of ['0', '1', '63', '64', '16383', '16384', '1073741823', '1073741824', '4294967295', '4294967296',
  '9007199254740991', '18446744073709551615', '340282366920938463463374607431768211455', '1000000000000000000000'])
  add('Compact<u128>', v)
for (const [t, vs] of Object.entries({ u8: ['0', '255'], u16: ['513', '65535'], u32: ['67305985', '4294967295'],
  u64: ['578437695752307201', '18446744073709551615'], u128: ['0', '340282366920938463463374607431768211455', '1000000000001'],
  i8: ['-128', '127'], i16: ['-2'], i32: ['-3', '2147483647'], i64: ['-4', '-9223372036854775808'], i128: ['-5', '-170141183460469231731687303715884105728'] }))
  for (const v of vs) add(t, v)
add('bool', true); add('bool', false)
add('Option<u32>', null); add('Option<u32>', 7)
add('OptionBool', null); add('OptionBool', true); add('OptionBool', false) // Rust packs Option<bool> in one byte
add('Result<u32, Text>', { Ok: 42 }); add('Result<u32, Text>', { Err: 'bad' })
add('Vec<u16>', [1, 2, 65535]); add('Vec<u16>', [])
add('(u8, Text, bool)', [9, 'ünïcode', true])
add('[u16;3]', [1, 2, 3])
add('Text', 'icn remark ' + 'x'.repeat(70))
add('Bytes', hex(300))
add('SmallEnum', 'Unit'); add('SmallEnum', { Num: 77 }); add('SmallEnum', { Pair: [3, 'abc'] })
add('BitVec', '0x' + 'b5' + '01') // polkadot.js BitVec: u8 store, Lsb0

const deals = []
for (let i = 0; i < 3; i++) {
  const v = { deal_id: hex(32), creator: hex(32), shards: Array.from({ length: 10 + i * 3 }, () => hex(32)),
    merkle_roots: Array.from({ length: 10 + i * 3 }, () => hex(32)), created_at: rnd() >>> 1, expires_at: rnd(),
    total_reward: (BigInt(rnd()) * 1000000000000n).toString(), status: ['Active', 'Expired', 'Cancelled'][i] }
  add('PinningDeal', v); deals.push(v)
}
for (let i = 0; i < 3; i++) {
  add('PinningAudit', { audit_id: hex(32), pinner: hex(32), shard_hash: hex(32),
    challenge: { byte_offset: rnd() % 10000, byte_length: 64, nonce: hex(16) }, deadline: rnd(), status: ['Pending', 'Passed', 'Failed'][i] })
}
add('Vec<AccountId32>', [hex(32), hex(32), hex(32)])
add('SubmitAuditProofArgs', { audit_id: hex(32), proof: { leaf_data: hex(64), siblings: Array.from({ length: 16 }, () => hex(32)), leaf_index: 156 } })
add('IcnEvent', { DealCreated: { deal_id: hex(32), creator: hex(32), shard_count: 14, total_reward: '5000000000000' } })
add('IcnEvent', { AuditStarted: { audit_id: hex(32), pinner: hex(32), shard_hash: hex(32) } })
add('IcnEvent', { AuditCompleted: { audit_id: hex(32), passed: true } })
add('IcnEvent', { DealExpired: { deal_id: hex(32) } })

// hashes and storage keys
const hashes = []
for (const input of ['0x', '0x00', hex(1), hex(7), hex(31), hex(32), hex(33), hex(100), u8aToHex(stringToU8a('IcnPinning'))]) {
  hashes.push({ input, twox64: xxhashAsHex(input, 64), twox128: xxhashAsHex(input, 128), twox256: xxhashAsHex(input, 256),
    blake2_128: blake2AsHex(input, 128), blake2_256: blake2AsHex(input, 256) })
}
const keys = []
const key = (pallet, item, hasher, k) => {
  const prefix = xxhashAsHex(pallet, 128) + xxhashAsHex(item, 128).slice(2)
  const h = hasher === 'Blake2_128Concat' ? blake2AsHex(k, 128) + k.slice(2)
    : hasher === 'Twox64Concat' ? xxhashAsHex(k, 64) + k.slice(2) : k
  keys.push({ pallet, item, hasher, key: k, storageKey: prefix + h.slice(2) })
}
for (const item of ['PinningDeals', 'PendingAudits', 'ShardAssignments', 'ShardMerkleRoots']) key('IcnPinning', item, 'Blake2_128Concat', hex(32))
key('System', 'Account', 'Blake2_128Concat', hex(32))
key('System', 'BlockHash', 'Twox64Concat', registry.createType('u32', 1234).toHex())
key('Custom', 'Ident', 'Identity', hex(5))
const ss58 = []
for (const p of [0, 2, 42, 64, 16383]) { const a = hex(32); ss58.push({ account: a, prefix: p, address: encodeAddress(a, p) }) }

// Ed25519: deterministic signatures
const seed = Uint8Array.from({ length: 32 }, (_, i) => i + 1)
const pairRaw = ed25519PairFromSeed(seed)
const message = bytes(77)
const ed25519 = { seed: u8aToHex(seed), publicKey: u8aToHex(pairRaw.publicKey), message: u8aToHex(message),
  signature: u8aToHex(ed25519Sign(message, pairRaw)) }

// metadata and signed extrinsics for three shipped runtimes
const require = createRequire(import.meta.url)
const dir = require.resolve('@polkadot/types-support/package.json').replace(/package\.json$/, 'metadata/')
const metadata = []
for (const file of ['v14/kusama-hex.js', 'v15/asset-hub-kusama-hex.js', 'v15/substrate-hex.js']) {
  let raw = readFileSync(dir + file, 'utf8').match(/'(0x[0-9a-f]+)'/)[1]
  if (!raw.startsWith('0x6d657461')) raw = u8aToHex(compactStripLength(hexToU8a(raw).subarray(1))[1]) // Option<OpaqueMetadata>
  const reg = new TypeRegistry()
  const meta = new Metadata(reg, raw)
  reg.setMetadata(meta)
  const decorated = expandMetadata(reg, meta)
  const latest = meta.asLatest
  const pallets = latest.pallets.map(p => ({
    name: p.name.toString(), index: p.index.toNumber(),
    storage: p.storage.isSome ? p.storage.unwrap().items.map(i => ({ name: i.name.toString(),
      hashers: i.type.isMap ? i.type.asMap.hashers.map(h => h.toString()) : [] })) : [],
    calls: p.calls.isSome ? reg.lookup.getSiType(p.calls.unwrap().type).def.asVariant.variants.map(v => ({ name: v.name.toString(), index: v.index.toNumber() })) : [],
    events: p.events.isSome ? reg.lookup.getSiType(p.events.unwrap().type).def.asVariant.variants.map(v => v.name.toString()) : []
  }))
  const remark = decorated.tx.system.remarkWithEvent('0x' + '69636e'.repeat(4))
  const batch = decorated.tx.utility.batchAll([decorated.tx.system.remarkWithEvent('0x01'), decorated.tx.system.remarkWithEvent('0x0202')])
  const keyring = new Keyring({ type: 'ed25519' })
  const pair = keyring.addFromSeed(seed)
  const signed = []
  for (const [call, nonce, tip, era] of [[remark, 7, 0, { current: 1000, period: 64 }], [batch, 0, 12345, { current: 77, period: 256 }], [remark, 300, 0, null]]) {
    const genesisHash = '0x' + 'aa'.repeat(32)
    const blockHash = '0x' + 'bb'.repeat(32)
    const opts = { blockHash: era ? blockHash : genesisHash, genesisHash, nonce, tip,
      era: era ? reg.createType('ExtrinsicEra', era) : reg.createType('ExtrinsicEra'),
      runtimeVersion: { specVersion: 1234, transactionVersion: 9 }, signedExtensions: reg.signedExtensions, version: 4 }
    const payload = reg.createType('ExtrinsicPayload', { ...opts, method: call.toHex(), specVersion: 1234, transactionVersion: 9 }, { version: 4 })
    const ext = reg.createType('Extrinsic', call, { version: 4 })
    ext.sign(pair, opts)
    signed.push({ call: call.toHex(), nonce, tip, era, genesisHash, blockHash, specVersion: 1234, transactionVersion: 9,
      eraHex: opts.era.toHex(), payload: u8aToHex(payload.toU8a({ method: true })), extrinsic: ext.toHex(), hash: ext.hash.toHex() })
  }
  metadata.push({ file, version: meta.version, hex: raw, pallets, signedExtensions: reg.signedExtensions,
    remarkCall: remark.toHex(), batchCall: batch.toHex(), signer: pair.address, signerPublicKey: u8aToHex(pair.publicKey), signed })
}
process.stdout.write(JSON.stringify({ cases, hashes, keys, ss58, ed25519, metadata }))
clearTimeout(hard)

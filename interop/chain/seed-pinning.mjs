// Seeds ICN pinning-pallet storage into a chopsticks chain (whose runtime has no such pallet) with
// dev_setStorage, every value SCALE-encoded by polkadot.js with the pallet's types, then builds a block.
// node seed-pinning.mjs ws://127.0.0.1:PORT PINNER_HEX [DEALS=3] [AUDITS=4] [PALLET=IcnPinning] [SEED=0x5eed1234]
// Prints one JSON object: {deals, audits, assignments, roots, block} with the values it wrote.
import { TypeRegistry } from '@polkadot/types'
import { xxhashAsHex, blake2AsHex } from '@polkadot/util-crypto'
import { u8aToHex } from '@polkadot/util'
import { pinningTypes, byteSource } from './pallet-types.mjs'
const WS = globalThis.WebSocket ?? (await import('ws')).default

const [url, pinner, nDeals = '3', nAudits = '4', pallet = 'IcnPinning', seed = '0x5eed1234'] = process.argv.slice(2)
const hard = setTimeout(() => { console.error('TIMEOUT'); process.exit(2) }, 120_000)
const registry = new TypeRegistry()
registry.register(pinningTypes)
const { rnd, bytes } = byteSource(Number(seed))
const hex = (n) => u8aToHex(bytes(n))
const key = (item, id) => xxhashAsHex(pallet, 128) + xxhashAsHex(item, 128).slice(2) + blake2AsHex(id, 128).slice(2) + id.slice(2)

const ws = new WS(url)
let id = 0; const pending = new Map()
ws.onmessage = (e) => { const m = JSON.parse(String(e.data)); if (pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id) } }
const call = (method, params = []) => new Promise((resolve, reject) => { const i = ++id; pending.set(i, (m) => m.error ? reject(new Error(JSON.stringify(m.error))) : resolve(m.result)); ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method, params })) })
await new Promise(r => { ws.onopen = r })

const entries = []; const out = { deals: [], audits: [], assignments: [], roots: [] }
for (let i = 0; i < Number(nDeals); i++) {
  const shards = Array.from({ length: 14 }, () => hex(32))
  const deal = { deal_id: hex(32), creator: hex(32), shards, merkle_roots: shards.map(() => hex(32)), created_at: 10 + i, expires_at: 100000 + i, total_reward: '1000000000000', status: 'Active' }
  entries.push([key('PinningDeals', deal.deal_id), u8aToHex(registry.createType('PinningDeal', deal).toU8a())]); out.deals.push(deal)
  const assigned = [pinner, hex(32)]
  entries.push([key('ShardAssignments', shards[0]), u8aToHex(registry.createType('Vec<AccountId32>', assigned).toU8a())]); out.assignments.push({ shard: shards[0], pinners: assigned })
  entries.push([key('ShardMerkleRoots', shards[0]), deal.merkle_roots[0]]); out.roots.push({ shard: shards[0], root: deal.merkle_roots[0] })
}
for (let i = 0; i < Number(nAudits); i++) {
  const audit = { audit_id: hex(32), pinner: i % 2 === 0 ? pinner : hex(32), shard_hash: out.deals.length ? out.deals[0].shards[0] : hex(32),
    challenge: { byte_offset: rnd() % 10000, byte_length: 64, nonce: hex(16) }, deadline: 1000 + i, status: 'Pending' }
  entries.push([key('PendingAudits', audit.audit_id), u8aToHex(registry.createType('PinningAudit', audit).toU8a())]); out.audits.push(audit)
}
for (let i = 0; i < entries.length; i += 5000) await call('dev_setStorage', [entries.slice(i, i + 5000)])
out.block = await call('dev_newBlock')
process.stdout.write(JSON.stringify(out))
ws.close(); clearTimeout(hard)

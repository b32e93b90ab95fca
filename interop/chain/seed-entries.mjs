// Writes given pinning-pallet entries into a chopsticks chain (whose runtime has no such pallet) with
// dev_setStorage, every value SCALE-encoded by polkadot.js with the pallet's types; funds accounts; builds blocks.
// node seed-entries.mjs ws://127.0.0.1:PORT < spec.json
// spec: {"pallet": "IcnPinning", "deals": [PinningDeal as JSON], "audits": [PinningAudit as JSON],
//        "assignments": [{"shard": "0x..", "pinners": ["0x..", ..]}], "roots": [{"shard": "0x..", "root": "0x.."}],
//        "accounts": [{"id": "0x..", "free": "1000000000000000"}], "newBlocks": 1}
// (field names as in pallet-types.mjs). Prints {"entries": N, "block": <head hash after the last block or null>}.
import { TypeRegistry } from '@polkadot/types'
import { xxhashAsHex, blake2AsHex } from '@polkadot/util-crypto'
import { u8aToHex } from '@polkadot/util'
import { pinningTypes } from './pallet-types.mjs'
const WS = globalThis.WebSocket ?? (await import('ws')).default

const [url] = process.argv.slice(2)
const hard = setTimeout(() => { console.error('TIMEOUT'); process.exit(2) }, 300_000)
let input = ''
for await (const chunk of process.stdin) input += chunk
const spec = JSON.parse(input)
const pallet = spec.pallet ?? 'IcnPinning'
const registry = new TypeRegistry()
registry.register(pinningTypes)
const key = (item, id) => xxhashAsHex(pallet, 128) + xxhashAsHex(item, 128).slice(2) + blake2AsHex(id, 128).slice(2) + id.slice(2)

const ws = new WS(url)
let id = 0; const pending = new Map()
ws.onmessage = (e) => { const m = JSON.parse(String(e.data)); if (pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id) } }
const call = (method, params = []) => new Promise((resolve, reject) => { const i = ++id; pending.set(i, (m) => m.error ? reject(new Error(JSON.stringify(m.error))) : resolve(m.result)); ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method, params })) })
await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject })

const entries = []
for (const d of spec.deals ?? []) entries.push([key('PinningDeals', d.deal_id), u8aToHex(registry.createType('PinningDeal', d).toU8a())])
for (const a of spec.audits ?? []) entries.push([key('PendingAudits', a.audit_id), u8aToHex(registry.createType('PinningAudit', a).toU8a())])
for (const s of spec.assignments ?? []) entries.push([key('ShardAssignments', s.shard), u8aToHex(registry.createType('Vec<AccountId32>', s.pinners).toU8a())])
for (const r of spec.roots ?? []) entries.push([key('ShardMerkleRoots', r.shard), u8aToHex(registry.createType('[u8;32]', r.root).toU8a())])
for (let i = 0; i < entries.length; i += 5000) await call('dev_setStorage', [entries.slice(i, i + 5000)])
if ((spec.accounts ?? []).length) {
  await call('dev_setStorage', [{ System: { Account: spec.accounts.map(a => [[a.id], { providers: 1, data: { free: a.free } }]) } }])
}
let block = null
if (spec.newBlocks) block = await call('dev_newBlock', [{ count: spec.newBlocks }])
process.stdout.write(JSON.stringify({ entries: entries.length, block }))
ws.close(); clearTimeout(hard)

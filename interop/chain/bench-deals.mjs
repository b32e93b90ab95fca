// Benchmark peer: polkadot.js reading every PinningDeals entry the way the Java adapter does (state_getKeysPaged
// pages, then state_queryStorageAt for their values, all at one block hash) and decoding each with the pallet's
// registered types; or seeding COUNT deals first.
// node bench-deals.mjs ws://127.0.0.1:PORT seed COUNT        -> {"seeded": COUNT, "ms": ...}
// node bench-deals.mjs ws://127.0.0.1:PORT read PAGE [REPS]   -> {"deals": N, "ms": [..per rep..]}
import { TypeRegistry } from '@polkadot/types'
import { xxhashAsHex, blake2AsHex } from '@polkadot/util-crypto'
import { u8aToHex } from '@polkadot/util'
import { WsProvider } from '@polkadot/api'
import { pinningTypes, byteSource } from './pallet-types.mjs'

const [url, mode, arg = '1000', reps = '1'] = process.argv.slice(2)
const hard = setTimeout(() => { console.error('TIMEOUT'); process.exit(2) }, 1_200_000)
const registry = new TypeRegistry()
registry.register(pinningTypes)
const prefix = xxhashAsHex('IcnPinning', 128) + xxhashAsHex('PinningDeals', 128).slice(2)
const provider = new WsProvider(url, false, {}, 600_000)
await provider.connect()
await provider.isReady
const call = (method, params) => provider.send(method, params)

if (mode === 'seed') {
  const count = Number(arg)
  const { rnd, bytes } = byteSource(0xbe9c4)
  const t0 = Date.now()
  let batch = []
  for (let i = 0; i < count; i++) {
    const shards = Array.from({ length: 14 }, () => u8aToHex(bytes(32)))
    const id = u8aToHex(bytes(32))
    const deal = { deal_id: id, creator: u8aToHex(bytes(32)), shards, merkle_roots: shards, created_at: 1, expires_at: 1000000 + (rnd() % 1000), total_reward: '1000000000000', status: 'Active' }
    batch.push([prefix + blake2AsHex(id, 128).slice(2) + id.slice(2), u8aToHex(registry.createType('PinningDeal', deal).toU8a())])
    if (batch.length === 5000 || i === count - 1) { await call('dev_setStorage', [batch]); batch = [] }
  }
  await call('dev_newBlock', [])
  process.stdout.write(JSON.stringify({ seeded: count, ms: Date.now() - t0 }))
} else {
  const page = Number(arg)
  const times = []
  let n = 0
  for (let r = 0; r < Number(reps); r++) {
    const t0 = performance.now()
    const at = await call('chain_getBlockHash', [])
    let start = null
    n = 0
    for (;;) {
      const keys = await call('state_getKeysPaged', [prefix, page, start, at])
      if (keys.length === 0) break
      const sets = await call('state_queryStorageAt', [keys, at])
      for (const set of sets) for (const [, v] of set.changes) if (v) { registry.createType('PinningDeal', v); n++ }
      if (keys.length < page) break
      start = keys[keys.length - 1]
    }
    times.push(performance.now() - t0)
  }
  process.stdout.write(JSON.stringify({ deals: n, ms: times }))
}
await provider.disconnect(); clearTimeout(hard)

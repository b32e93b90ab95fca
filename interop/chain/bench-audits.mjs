// Benchmark peer: polkadot.js following a new block and reading its pending audits, as SubstrateReadLoad does:
// per rep, dev_newBlock, the new head's notification, then every PendingAudits entry at that block (keys paged,
// values by state_queryStorageAt) decoded with the pallet's types.
// node bench-audits.mjs ws://127.0.0.1:PORT REPS   -> {"audits": N, "headMs": [...], "readMs": [...]}
import { TypeRegistry } from '@polkadot/types'
import { xxhashAsHex } from '@polkadot/util-crypto'
import { WsProvider } from '@polkadot/api'
import { pinningTypes } from './pallet-types.mjs'

const [url, reps = '5'] = process.argv.slice(2)
const hard = setTimeout(() => { console.error('TIMEOUT'); process.exit(2) }, 600_000)
const registry = new TypeRegistry()
registry.register(pinningTypes)
const prefix = xxhashAsHex('IcnPinning', 128) + xxhashAsHex('PendingAudits', 128).slice(2)
const provider = new WsProvider(url, false, {}, 120_000)
await provider.connect()
await provider.isReady
const call = (method, params = []) => provider.send(method, params)
const headMs = []; const readMs = []; let n = 0
for (let r = 0; r < Number(reps); r++) {
  const best = parseInt((await call('chain_getHeader')).number, 16)
  let arrivedAt = 0
  const arrived = new Promise((resolve) => {
    const subId = provider.subscribe('chain_newHead', 'chain_subscribeNewHeads', [], (err, header) => {
      if (!err && parseInt(header.number, 16) > best && !arrivedAt) { arrivedAt = performance.now(); resolve(subId) }
    })
  })
  const t0 = performance.now()
  await call('dev_newBlock')
  const subId = await (await arrived)
  const at = await call('chain_getBlockHash', [best + 1])
  let start = null; n = 0
  for (;;) {
    const keys = await call('state_getKeysPaged', [prefix, 1000, start, at])
    if (keys.length === 0) break
    const sets = await call('state_queryStorageAt', [keys, at])
    for (const set of sets) for (const [, v] of set.changes) if (v) { registry.createType('PinningAudit', v); n++ }
    if (keys.length < 1000) break
    start = keys[keys.length - 1]
  }
  const t2 = performance.now()
  headMs.push(arrivedAt - t0); readMs.push(t2 - arrivedAt)
  await provider.unsubscribe('chain_newHead', 'chain_unsubscribeNewHeads', subId)
}
process.stdout.write(JSON.stringify({ audits: n, headMs, readMs }))
await provider.disconnect(); clearTimeout(hard)

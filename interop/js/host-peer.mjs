// A js-libp2p peer for the icn-p2p host's interop tests and throughput benchmark: TCP + Noise + Yamux,
// identify, ping, and two test protocols. Driven by environment variables, prints one JSON object per
// line on stdout, and always exits by itself after RUN_SECONDS (or on SIGTERM/SIGINT).
//
//   node --import ./node20-polyfill.mjs host-peer.mjs
//
// env (all optional):
//   LISTEN          multiaddr(s), comma-separated           default /ip4/127.0.0.1/tcp/0
//   SEED_HEX        64 hex chars -> deterministic Ed25519 identity
//   RUN_SECONDS     lifetime, default 30, capped at 3600
//   ECHO_PROTOCOL   served: echoes every byte, then closes    default /icn/test/echo/1.0.0
//   SINK_PROTOCOL   served: reads to the end, prints {event:'sink', bytes, sha256}, answers the byte
//                   count as 8 bytes big-endian, closes        default /icn/test/sink/1.0.0
//   SEND_COMMANDS   1: read JSON commands on stdin, one a line, answered in order by a line with the same id:
//                   {"id":1,"cmd":"send","addr":"/ip4/../p2p/..","bytes":52428800} -> {"event":"sent","id":1,..}
//                   (dials if needed, then sends as SEND_BYTES does: the benchmark's warmed js sender)
//   DIAL            a multiaddr with /p2p/<id>: dialed after start, then the actions below run in order
//   PING_COUNT      pings of the dialed peer                  default 0
//   ECHO_BYTES      bytes sent over ECHO_PROTOCOL to the dialed peer and checked on the way back
//   SEND_BYTES      bytes sent over SINK_PROTOCOL to the dialed peer, timed (throughput benchmark)
//   KAD             1: also run a kad-dht server (KAD_PROTOCOL, default /ipfs/kad/1.0.0) whose validator
//                   accepts non-empty records of the RECORD_NS namespaces (default "icn"), driven by JSON
//                   commands on stdin, one a line, each answered by a line with the same id:
//                   {"id":1,"cmd":"dial","addr":"/ip4/../p2p/.."}  {"id":2,"cmd":"waitTable","min":3}
//                   {"id":3,"cmd":"put","key":"/icn/..","valueB64":".."}  {"id":4,"cmd":"get","key":"..","first":true}
//                   {"id":5,"cmd":"provide","cid":"bafk.."}  {"id":6,"cmd":"findProviders","cid":"bafk.."}
//   GOSSIP_TOPIC    enables gossipsub (@libp2p/gossipsub 17, StrictSign) subscribed to this topic; prints
//                   {event:'gossip:message', topic, from, seqno, id (hex), bytes, sha256} per delivery and
//                   {event:'gossip:subscription-change', ...}; with SEND_COMMANDS=1 it also takes
//                   {"id":2,"cmd":"publish","bytes":1048576,"seed":"x"} -> {"event":"gossip:published","id":2,..}
//                   (data = the pattern keyed by seed; recipients listed)
//   MSG_ID_FN       js-default (protobuf(pubkey)||seqno, gossipsub's own) | rust-default | blake3-hex | sha256
//   MAX_MSG_BYTES   largest inbound gossipsub frame, default 64 MiB (the send cap is lifted by
//                   big-gossip-patch.mjs, imported when GOSSIP_TOPIC is set)
//   GOSSIP_D        mesh degree D (Dlo = min(4, D), Dhi = max(12, D)), default 6
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { createHash } from 'node:crypto'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { CID } from 'multiformats/cid'
import { createInterface } from 'node:readline'

const env = process.env
const RUN_SECONDS = Math.min(Number(env.RUN_SECONDS ?? 30), 3600)
const ECHO = env.ECHO_PROTOCOL ?? '/icn/test/echo/1.0.0'
const SINK = env.SINK_PROTOCOL ?? '/icn/test/sink/1.0.0'
const CHUNK = 64 * 1024
process.stdout.on('error', () => {}) // the harness may stop reading first
const out = (o) => process.stdout.write(JSON.stringify({ t: Date.now(), ...o }) + '\n')
const bytesOf = (buf) => (buf instanceof Uint8Array ? buf : buf.subarray())
const drained = (stream) => new Promise((resolve) => stream.addEventListener('drain', resolve, { once: true }))

// deterministic test data: byte i is (i * 31 + 7) mod 251
function pattern (offset, length) {
  const b = new Uint8Array(length)
  for (let i = 0; i < length; i++) b[i] = ((offset + i) * 31 + 7) % 251
  return b
}

// Sends `total` bytes over a new SINK_PROTOCOL stream, timed from the stream's opening to the 8-byte
// acknowledgement; prints {event:'sent', bytes, acked, nanos} (with `id` when a command asked).
async function send (ma, total, id) {
  try {
    const stream = await node.dialProtocol(ma, SINK, { signal: AbortSignal.timeout(10_000) })
    const started = process.hrtime.bigint()
    const ack = new Promise((resolve) => stream.addEventListener('message', (e) => resolve(bytesOf(e.data)), { once: true }))
    await sendAll(stream, total)
    await stream.close()
    const a = await ack
    const nanos = Number(process.hrtime.bigint() - started)
    out({ event: 'sent', id, bytes: total, acked: Number(new DataView(a.buffer, a.byteOffset, 8).getBigUint64(0)), nanos })
  } catch (err) { out({ event: 'send:error', id, error: String(err) }) }
}

async function sendAll (stream, total) {
  for (let off = 0; off < total; off += CHUNK) {
    if (!stream.send(pattern(off, Math.min(CHUNK, total - off)))) await drained(stream)
  }
}

// kad-dht on loopback: keep 127.0.0.1 addresses (passthroughMapper), serve (clientMode false); each record
// namespace needs a validator and a selector, or js resets the stream of a PUT_VALUE for it.
function kadService () {
  const namespaces = (env.RECORD_NS ?? 'icn').split(',').filter(Boolean)
  return kadDHT({
    protocol: env.KAD_PROTOCOL ?? '/ipfs/kad/1.0.0',
    clientMode: false,
    peerInfoMapper: passthroughMapper,
    allowQueryWithZeroPeers: true,
    validators: Object.fromEntries(namespaces.map(ns => [ns, async (key, value) => {
      if (value.byteLength === 0) throw new Error('empty record')
    }])),
    selectors: Object.fromEntries(namespaces.map(ns => [ns, (key, records) => records.length - 1]))
  })
}

const enc = new TextEncoder()
const msgIdFns = {
  'js-default': null,
  'rust-default': (m) => enc.encode(m.from.toString() + m.sequenceNumber.toString()),
  'blake3-hex': (m) => enc.encode(Buffer.from(blake3(m.data)).toString('hex')),
  sha256: (m) => createHash('sha256').update(m.data).digest()
}
let pubsub = {}
let blake3
if (env.GOSSIP_TOPIC) {
  await import('./big-gossip-patch.mjs')
  blake3 = (await import('@noble/hashes/blake3.js')).blake3
  const { gossipsub } = await import('@libp2p/gossipsub')
  const name = env.MSG_ID_FN ?? 'js-default'
  if (!(name in msgIdFns)) throw new Error('MSG_ID_FN ' + name + ' is not one of ' + Object.keys(msgIdFns))
  const D = Number(env.GOSSIP_D ?? 6)
  pubsub = {
    pubsub: gossipsub({
      ...(msgIdFns[name] ? { msgIdFn: msgIdFns[name] } : {}),
      globalSignaturePolicy: 'StrictSign',
      maxInboundDataLength: Number(env.MAX_MSG_BYTES ?? 64 * 1024 * 1024),
      allowPublishToZeroTopicPeers: true,
      D, Dlo: Math.min(4, D), Dhi: Math.max(12, D)
    })
  }
}

let privateKey
if (env.SEED_HEX) privateKey = await generateKeyPairFromSeed('Ed25519', Buffer.from(env.SEED_HEX, 'hex'))

const node = await createLibp2p({
  ...(privateKey ? { privateKey } : {}),
  addresses: { listen: (env.LISTEN ?? '/ip4/127.0.0.1/tcp/0').split(',') },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux({ streamOptions: { maxReadBufferLength: Number(env.MAX_MSG_BYTES ?? 64 * 1024 * 1024) + 65536 } })],
  services: { identify: identify(), ping: ping(), ...(env.KAD === '1' ? { dht: kadService() } : {}), ...pubsub }
})

await node.handle(ECHO, async (stream) => {
  try {
    for await (const buf of stream) {
      if (!stream.send(buf)) await drained(stream)
    }
    await stream.close()
  } catch (err) { out({ event: 'echo:error', error: String(err) }) }
})

await node.handle(SINK, async (stream) => {
  try {
    const hash = createHash('sha256')
    let bytes = 0
    for await (const buf of stream) { bytes += buf.byteLength; hash.update(bytesOf(buf)) }
    out({ event: 'sink', bytes, sha256: hash.digest('hex') })
    const ack = new Uint8Array(8)
    new DataView(ack.buffer).setBigUint64(0, BigInt(bytes))
    stream.send(ack)
    await stream.close()
  } catch (err) { out({ event: 'sink:error', error: String(err) }) }
})

const stopAt = setTimeout(() => shutdown('run-seconds elapsed'), RUN_SECONDS * 1000)
let stopping = false
async function shutdown (why) {
  if (stopping) return
  stopping = true
  clearTimeout(stopAt)
  out({ event: 'stopping', why })
  await Promise.race([node.stop(), new Promise(r => setTimeout(r, 3000))])
  process.exit(0)
}
process.on('SIGINT', () => shutdown('SIGINT'))
process.on('SIGTERM', () => shutdown('SIGTERM'))

node.addEventListener('peer:connect', (e) => out({ event: 'peer:connect', peer: e.detail.toString() }))
node.addEventListener('peer:disconnect', (e) => out({ event: 'peer:disconnect', peer: e.detail.toString() }))
node.addEventListener('peer:identify', (e) => {
  const d = e.detail
  out({ event: 'peer:identify', peer: d.peerId.toString(), agent: d.agentVersion, protocolVersion: d.protocolVersion, protocols: d.protocols, listenAddrs: d.listenAddrs.map(String), observedAddr: d.observedAddr?.toString(), encryption: d.connection.encryption, multiplexer: d.connection.multiplexer })
})

async function publish (id, bytes, seed) {
  try {
    const data = pattern(0, bytes)
    const tag = enc.encode(String(seed ?? ''))
    data.set(tag.subarray(0, Math.min(tag.length, bytes)))
    const r = await node.services.pubsub.publish(env.GOSSIP_TOPIC, data)
    out({ event: 'gossip:published', id, bytes, sha256: createHash('sha256').update(data).digest('hex'), recipients: r.recipients.map(String) })
  } catch (err) { out({ event: 'gossip:publish:error', id, error: String(err) }) }
}

if (env.GOSSIP_TOPIC) {
  node.services.pubsub.addEventListener('gossipsub:message', (e) => {
    const m = e.detail.msg
    out({ event: 'gossip:message', topic: m.topic, from: m.from?.toString(), seqno: m.sequenceNumber?.toString(), id: e.detail.msgId, bytes: m.data.byteLength, sha256: createHash('sha256').update(m.data).digest('hex'), propagationSource: e.detail.propagationSource.toString() })
  })
  node.services.pubsub.addEventListener('subscription-change', (e) => {
    out({ event: 'gossip:subscription-change', peer: e.detail.peerId.toString(), subscriptions: e.detail.subscriptions })
  })
  node.services.pubsub.subscribe(env.GOSSIP_TOPIC)
}

out({ event: 'listening', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String), protocols: node.getProtocols() })

if (env.SEND_COMMANDS === '1') {
  const { createInterface } = await import('node:readline')
  let queue = Promise.resolve()
  createInterface({ input: process.stdin }).on('line', (line) => {
    let c
    try { c = JSON.parse(line) } catch (err) { out({ event: 'command:error', error: 'not JSON: ' + line.slice(0, 100) }); return }
    if (c.cmd === 'send') queue = queue.then(() => send(multiaddr(c.addr), Number(c.bytes), c.id))
    else if (c.cmd === 'publish' && env.GOSSIP_TOPIC) queue = queue.then(() => publish(c.id, Number(c.bytes), c.seed))
    else if (c.cmd === 'mesh' && env.GOSSIP_TOPIC) out({ event: 'gossip:mesh', id: c.id, peers: node.services.pubsub.getMeshPeers(env.GOSSIP_TOPIC).map(String), topicPeers: node.services.pubsub.getSubscribers(env.GOSSIP_TOPIC).map(String) })
    else if (c.cmd === 'dial') queue = queue.then(() => node.dial(multiaddr(c.addr), { signal: AbortSignal.timeout(10_000) }).then(() => out({ event: 'dialed', id: c.id }), (err) => out({ event: 'dial:error', id: c.id, error: String(err) })))
    else out({ event: 'command:error', id: c.id, error: 'unknown command ' + c.cmd })
  })
}

if (env.DIAL) {
  const ma = multiaddr(env.DIAL)
  try {
    const c = await node.dial(ma, { signal: AbortSignal.timeout(10_000) })
    out({ event: 'dialed', remotePeer: c.remotePeer.toString(), encryption: c.encryption, multiplexer: c.multiplexer })
    for (let i = 0; i < Number(env.PING_COUNT ?? 0); i++) {
      try {
        out({ event: 'ping', rtt: await node.services.ping.ping(ma, { signal: AbortSignal.timeout(5_000) }) })
      } catch (err) { out({ event: 'ping:error', error: String(err) }) }
    }
    if (env.ECHO_BYTES) {
      const total = Number(env.ECHO_BYTES)
      try {
        const stream = await node.dialProtocol(ma, ECHO, { signal: AbortSignal.timeout(10_000) })
        const sending = sendAll(stream, total).then(() => stream.close())
        const hash = createHash('sha256')
        let got = 0
        for await (const buf of stream) { got += buf.byteLength; hash.update(bytesOf(buf)); if (got >= total) break }
        await sending
        out({ event: 'echo', bytes: got, sha256: hash.digest('hex'), expected: createHash('sha256').update(pattern(0, total)).digest('hex') })
      } catch (err) { out({ event: 'echo:error', error: String(err) }) }
    }
    if (env.SEND_BYTES) await send(ma, Number(env.SEND_BYTES))
  } catch (err) { out({ event: 'dial:error', error: String(err) }) }
}
out({ event: 'ready' })

if (env.KAD === '1') {
  const dht = node.services.dht
  const enc = new TextEncoder()
  const sleep = (ms) => new Promise(r => setTimeout(r, ms))
  const summary = (ev) => ev.name + (ev.messageName ? ':' + ev.messageName : '')
  const commands = {
    async dial (c) {
      const conn = await node.dial(multiaddr(c.addr), { signal: AbortSignal.timeout(10_000) })
      return { remotePeer: conn.remotePeer.toString() }
    },
    async waitTable (c) {
      const until = Date.now() + 10_000
      while (dht.routingTable.size < (c.min ?? 1) && Date.now() < until) await sleep(50)
      return { size: dht.routingTable.size }
    },
    async put (c) {
      const evs = []
      for await (const ev of dht.put(enc.encode(c.key), Buffer.from(c.valueB64, 'base64'), { signal: AbortSignal.timeout(20_000) })) evs.push(summary(ev))
      return { acks: evs.filter(e => e === 'PEER_RESPONSE:PUT_VALUE').length, events: evs }
    },
    async get (c) {
      let found = null
      try {
        for await (const ev of dht.get(enc.encode(c.key), { signal: AbortSignal.timeout(20_000) })) {
          if (ev.name === 'VALUE') {
            found = { from: ev.from.toString(), valueB64: Buffer.from(ev.value).toString('base64') }
            if (c.first) break // ends the query at the first valid record (quorum 1, as the Java nodes ask)
          }
        }
      } catch (err) { if (found == null) return { found: null, error: String(err) } }
      return { found }
    },
    async provide (c) {
      const evs = []
      for await (const ev of dht.provide(CID.parse(c.cid), { signal: AbortSignal.timeout(20_000) })) evs.push(summary(ev))
      return { events: evs }
    },
    async findProviders (c) {
      // a lookup right after a provide comes back empty about 1 run in 50: retry, bounded
      const providers = new Set()
      for (let attempt = 0; attempt < 3 && providers.size === 0; attempt++) {
        try {
          for await (const ev of dht.findProviders(CID.parse(c.cid), { signal: AbortSignal.timeout(10_000) })) {
            if (ev.name === 'PROVIDER') ev.providers.forEach(p => providers.add(p.id.toString()))
          }
        } catch (err) { out({ event: 'kad:find-providers:retry', id: c.id, error: String(err) }) }
      }
      return { providers: [...providers] }
    }
  }
  const lines = createInterface({ input: process.stdin })
  lines.on('line', async (line) => {
    let c
    try { c = JSON.parse(line) } catch (err) { out({ event: 'kad:error', error: 'not JSON: ' + line.slice(0, 100) }); return }
    const run = commands[c.cmd]
    if (!run) { out({ event: 'kad:error', id: c.id, error: 'unknown command ' + c.cmd }); return }
    try { out({ event: 'kad:' + c.cmd, id: c.id, ok: true, ...(await run(c)) }) } catch (err) { out({ event: 'kad:' + c.cmd, id: c.id, ok: false, error: String(err) }) }
  })
  out({ event: 'kad:ready', protocols: node.getProtocols() })
}

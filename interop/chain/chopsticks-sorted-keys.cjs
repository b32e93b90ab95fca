// Preloaded into chopsticks (node --require ./chopsticks-sorted-keys.cjs) by run-chopsticks.sh when
// CHOPSTICKS_SORTED_KEYS=1, for the Substrate read benchmarks only (docs/benchmarks.md, "Chain (Substrate reads)").
//
// chopsticks 1.5.1 answers state_getKeysPaged key by key with StorageLayer.findNextKey, which finds the next key
// by a linear `keys.find(k => k.startsWith(prefix) && k > startKey)` over the layer's sorted key array: the k-th
// key of a prefix costs O(k), a full paged read of N entries O(N^2), so 140,000 deals take hours whichever client
// asks. The array is kept sorted (lodash sortedIndex on insert), so a binary search finds the same key: this
// replaces that one expression, in the loaded module's source, by one. Nothing else changes. Fails loudly if the
// expression is not found (another chopsticks version).
'use strict'
const Module = require('module')
const fs = require('fs')
const path = require('path')
const TARGET = path.join('chopsticks-core', 'dist', 'cjs', 'blockchain', 'storage-layer.js')
const LINEAR = 'const maybeBest = _class_private_field_get(this, _keys).find((key)=>key.startsWith(prefix) && key > startKey);'
const BINARY = 'const __keys = _class_private_field_get(this, _keys);'
  + ' let __i = _lodash.default.sortedIndex(__keys, startKey < prefix ? prefix : startKey);'
  + ' while (__i < __keys.length && __keys[__i] <= startKey) __i++;'
  + ' const maybeBest = __i < __keys.length && __keys[__i].startsWith(prefix) ? __keys[__i] : undefined;'
const original = Module._extensions['.js']
let patched = false
Module._extensions['.js'] = function (module, filename) {
  if (!filename.endsWith(TARGET)) return original(module, filename)
  const source = fs.readFileSync(filename, 'utf8')
  if (!source.includes(LINEAR)) throw new Error('chopsticks-sorted-keys: the linear findNextKey is not in ' + filename)
  patched = true
  module._compile(source.replace(LINEAR, BINARY), filename)
}
process.on('exit', () => { if (!patched) console.error('chopsticks-sorted-keys: storage-layer.js was never loaded') })
console.log('chopsticks-sorted-keys: findNextKey by binary search')

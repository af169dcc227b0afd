// Calls per second of a 64-byte string round trip from Node into the example
// component's C++ reverse (examples/component), two ways, in one process:
//   component_string64/Component   guest.reverse(s) through the transpiled component (jco)
//   component_string64/CanonicalByHand  the same core calls as jco's glue makes, written by hand
//   component_string64/PackedI64   reverse_packed through the packed-i64 host ABI (docs/host-abi.md):
//                                  platform_buffer_alloc, TextEncoder.encodeInto, the call,
//                                  TextDecoder over the result, platform_buffer_free
// Both start and end with a JavaScript string and run the same C++ function on
// the same instance. The subjects run in alternating rounds and each keeps its
// best (CPU time), so other load on the machine affects them alike. Output in
// Google Benchmark's JSON layout (bench/report.mjs reads it).
//   node bench/js/component-bench.mjs --component DIR [--benchmark_min_time=0.5] [--benchmark_format=console|json] [--benchmark_out=FILE]
// DIR is what examples/component/build-component.mjs wrote (the wasm32 build's examples/component/component).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { instantiateGuest } from '../../examples/component/guest-host.mjs';

const options = { component: process.env.PLATFORM_BUFFER_COMPONENT_DIR, minTime: 0.5, format: 'console', out: '' };
for (const arg of process.argv.slice(2)) {
  const [flag, value = ''] = arg.split(/=(.*)/s);
  if (flag === '--component') options.component = value;
  else if (flag === '--benchmark_min_time') options.minTime = parseFloat(value);
  else if (flag === '--benchmark_format') options.format = value;
  else if (flag === '--benchmark_out') options.out = value;
  else if (flag !== '--benchmark_filter') throw new Error(`component-bench: unrecognized flag ${arg}`);
}
if (!options.component) throw new Error('component-bench: give --component=DIR (examples/component/build-component.mjs --out)');

const dir = join(options.component, 'instantiation');
const { instantiate } = await import(pathToFileURL(join(dir, 'guest.js')).href);
const g = await instantiateGuest(instantiate, async (path) => WebAssembly.compile(await readFile(join(dir, path))));
const x = g.core.exports;

const TEXT = 'The quick brown fox jumps over the lazy dog, 0123456789 ABCDEFGH';  // 64 bytes
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function packedReverse(s) {
  const length = s.length;  // ASCII: one byte per character, as encodeInto confirms
  const input = x.platform_buffer_alloc(length) >>> 0;
  const { written } = encoder.encodeInto(s, new Uint8Array(x.memory.buffer, input, length));
  if (written !== length) throw new Error('not ASCII');
  const r = BigInt.asUintN(64, x.reverse_packed(input, length));
  const offset = Number(r >> 32n), resultLength = Number(r & 0xFFFFFFFFn);
  if (offset === 0) throw new Error(`reverse_packed failed with status ${resultLength}`);
  const out = decoder.decode(new Uint8Array(x.memory.buffer, offset, resultLength));
  x.platform_buffer_free(offset);
  return out;
}

// What jco's glue does for reverse, written by hand: the canonical ABI's own
// cost on both sides (realloc, the core call, the return area, cabi_post_reverse),
// without the glue's per-call bookkeeping.
function canonicalReverse(s) {
  const length = s.length;
  const input = x.cabi_realloc(0, 0, 1, length) >>> 0;
  encoder.encodeInto(s, new Uint8Array(x.memory.buffer, input, length));
  const area = x.reverse(input, length) >>> 0;
  const view = new DataView(x.memory.buffer);
  const out = decoder.decode(new Uint8Array(x.memory.buffer, view.getUint32(area, true), view.getUint32(area + 4, true)));
  x.cabi_post_reverse(area);
  return out;
}

const subjects = {
  Component: (s) => g.exports.reverse(s),
  CanonicalByHand: canonicalReverse,
  PackedI64: packedReverse,
};
const expected = [...TEXT].reverse().join('');
for (const [name, call] of Object.entries(subjects)) {
  if (call(TEXT) !== expected) throw new Error(`component-bench: ${name} reversed ${TEXT} wrongly`);
}

let sink = 0;
function timeRound(call, iterations) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink ^= call(TEXT).length;
  const realNs = Number(process.hrtime.bigint() - start);
  const used = process.cpuUsage(cpu);
  return { realNs, cpuNs: (used.user + used.system) * 1000 };
}

// Calibrate each subject to about minTime / ROUNDS per round, then alternate.
const ROUNDS = 5;
const results = [];
const plan = Object.entries(subjects).map(([name, call]) => {
  let iterations = 1000;
  for (;;) {
    const { realNs } = timeRound(call, iterations);
    if (realNs >= (options.minTime / ROUNDS) * 1e9 * 0.5 || iterations >= 1e8) break;
    iterations *= 2;
  }
  return { name, call, iterations, best: null };
});
for (let round = 0; round < ROUNDS; round++) {
  for (const subject of plan) {
    const t = timeRound(subject.call, subject.iterations);
    if (!subject.best || t.cpuNs < subject.best.cpuNs) subject.best = t;
  }
}
for (const [family, subject] of plan.entries()) {
  const name = `component_string64/${subject.name}`;
  results.push({ name, family_index: family, run_name: name, run_type: 'iteration', iterations: subject.iterations,
                 real_time: subject.best.realNs / subject.iterations, cpu_time: subject.best.cpuNs / subject.iterations,
                 time_unit: 'ns' });
}

const json = `${JSON.stringify({ context: { executable: `node ${process.version}`, rounds: ROUNDS, sink }, benchmarks: results }, null, 2)}\n`;
if (options.out) await writeFile(options.out, json);
if (options.format === 'json') {
  process.stdout.write(json);
} else {
  const packed = results.find((r) => r.name.endsWith('/PackedI64'));
  for (const r of results) {
    console.log(`${r.name.padEnd(40)} ${(1e9 / r.cpu_time).toPrecision(4).padStart(10)} calls/s (CPU)  ` +
                `${(packed.cpu_time / r.cpu_time).toFixed(2)}x packed-i64`);
  }
}

// Reads Google Benchmark JSON files (native runs, wasm32 runs of the stand-in,
// the DataView runs) and writes bench/RESULTS.md: ops/s per benchmark and
// subject, ratios to the raw baselines, and each performance target, met or
// missed by how much. Several files per target are allowed: each benchmark
// keeps its best run (the least disturbed by other load on the machine).
//   node bench/report.mjs --out FILE --machine TEXT --compiler TEXT ... \
//        --native a.json [--native b.json] --wasm c.json --dataview d.json
import { readFileSync, writeFileSync } from 'node:fs';

const args = { native: [], wasm: [], dataview: [], info: [], component: [] };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  const value = process.argv[i + 1];
  if (['native', 'wasm', 'dataview', 'info', 'component'].includes(key)) args[key].push(value);
  else args[key] = value;
}

const perSecond = { ns: 1e9, us: 1e6, ms: 1e3, s: 1 };

// name -> best ops/s over the files, where one op is one benchmark iteration, timed
// by CPU time (Google Benchmark's default measure; on a machine shared with other
// work it excludes the time the benchmark was not running).
function load(files) {
  const best = new Map();
  for (const file of files) {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    for (const b of report.benchmarks) {
      if (b.error_occurred || (b.run_type && b.run_type !== 'iteration')) continue;
      const ops = perSecond[b.time_unit] / b.cpu_time;
      if (!(best.get(b.name) >= ops)) best.set(b.name, ops);
    }
  }
  return best;
}

// "bench/Subject[/arg]" -> { bench: "bench[/arg]", subject }
function split(name) {
  const [bench, subject, ...rest] = name.split('/');
  return { bench: [bench, ...rest].join('/'), subject };
}

const peers = ['Raw', 'RawSimd', 'BoostEndian', 'VectorShifts', 'DataView'];
const benchOrder = ['int_write_read', 'ints256_single', 'ints256_bulk', 'longs8192', 'mixed', 'copy64k',
                    'string_ascii', 'string_utf8', 'slice', 'alloc_release/64', 'alloc_release/1024'];

function table(results) {
  const rows = new Map();  // bench -> subject -> ops
  const subjects = [];
  for (const [name, ops] of results) {
    const { bench, subject } = split(name);
    if (!rows.has(bench)) rows.set(bench, new Map());
    rows.get(bench).set(subject, ops);
    if (!subjects.includes(subject)) subjects.push(subject);
  }
  subjects.sort((a, b) => (peers.indexOf(a) + 1 || 99) - (peers.indexOf(b) + 1 || 99));
  const benches = [...rows.keys()].sort((a, b) => benchOrder.indexOf(a) - benchOrder.indexOf(b));
  // Zones are the buffer types; Pool* subjects only measure acquire+release through a BufferPool.
  return { rows, subjects, benches, zones: subjects.filter((s) => !peers.includes(s) && !s.startsWith('Pool')) };
}

function fmt(ops) {
  if (ops === undefined) return '';
  for (const [div, unit] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']]) if (ops >= div) return `${(ops / div).toPrecision(3)}${unit}`;
  return ops.toPrecision(3);
}

function markdownTable(t) {
  const lines = [];
  lines.push(`| benchmark | ${t.subjects.join(' | ')} |`);
  lines.push(`|---|${t.subjects.map(() => '---:').join('|')}|`);
  for (const bench of t.benches) {
    const row = t.rows.get(bench);
    const raw = row.get('Raw');
    const cells = t.subjects.map((s) => {
      const ops = row.get(s);
      if (ops === undefined) return '';
      if (s === 'Raw' || raw === undefined) return fmt(ops);
      return `${fmt(ops)} (${(ops / raw).toFixed(2)}x)`;
    });
    lines.push(`| ${bench} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

// ---- targets -------------------------------------------------------------------
const checks = [];
// A ratio that must be at least `bound` (or, with atMost, at most `bound`).
function check(target, what, value, bound, atMost = false) {
  if (value === undefined || Number.isNaN(value)) {
    checks.push({ target, what, text: 'not measured', met: false });
    return;
  }
  const met = atMost ? value <= bound : value >= bound;
  const off = atMost ? value / bound - 1 : 1 - value / bound;
  const missedBy = met ? '' : `: missed by ${(off * 100).toFixed(0)}%`;
  checks.push({ target, what, met, text: `${value.toFixed(2)}x (needs ${atMost ? '≤' : '≥'} ${bound}x)${missedBy}` });
}

function targetsFor(label, t, dataview) {
  const get = (bench, subject) => t.rows.get(bench)?.get(subject);
  for (const zone of t.zones) {
    check(`${label}: single int write+read ≥ 0.8x raw`, zone, get('int_write_read', zone) / get('int_write_read', 'Raw'), 0.8);
  }
  for (const zone of t.zones) {
    check(`${label}: 256-int writeInts/readInts ≥ 0.8x raw SIMD`, zone,
          get('ints256_bulk', zone) / get('ints256_bulk', 'RawSimd'), 0.8);
  }
  // Runtime zone dispatch: PlatformBuffer's time per op against the concrete type's (ops ratio inverted).
  for (const [front, concrete] of [['PlatformHeap', 'Heap'], ['PlatformDirect', 'Linear']]) {
    for (const bench of ['int_write_read', 'ints256_single', 'ints256_bulk']) {
      check(`${label}: PlatformBuffer time ≤ 1.15x the concrete type's`, `${front} vs ${concrete} ${bench}`,
            get(bench, concrete) / get(bench, front), 1.15, true);
    }
  }
  for (const [size, needed] of [['64', 2], ['1024', 1.5]]) {
    check(`${label}: LinearBuffer alloc+release ≥ ${needed}x ByteArrayBuffer (${size} B)`, 'Linear vs Heap',
          get(`alloc_release/${size}`, 'Linear') / get(`alloc_release/${size}`, 'Heap'), needed);
  }
  const boostBenches = t.benches.filter((b) => get(b, 'BoostEndian') !== undefined);
  for (const zone of t.zones) {
    for (const bench of boostBenches) {
      check(`${label}: every zone ≥ Boost.Endian`, `${zone} ${bench}`, get(bench, zone) / get(bench, 'BoostEndian'), 1);
    }
  }
  if (dataview) {
    for (const zone of t.zones) {
      for (const bench of t.benches) {
        const js = dataview.get(`${bench.split('/')[0]}/DataView${bench.includes('/') ? '/' + bench.split('/')[1] : ''}`);
        if (js === undefined || get(bench, zone) === undefined) continue;
        check(`${label}: ≥ 2x JS DataView`, `${zone} ${bench}`, get(bench, zone) / js, 2);
      }
    }
  }
}

// ---- the report ------------------------------------------------------------------
const native = table(load(args.native));
const dataview = args.dataview.length ? load(args.dataview) : null;
const wasmResults = load(args.wasm);
if (dataview) for (const [name, ops] of dataview) wasmResults.set(name, ops);
const wasm = table(wasmResults);

targetsFor('native', native, null);
if (args.wasm.length) targetsFor('wasm32', wasm, dataview);

const out = [];
out.push('# Benchmark results');
out.push('');
out.push(`Generated by \`scripts/bench.sh\` on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}. Do not edit by hand.`);
out.push('');
for (const line of args.info) out.push(`- ${line}`);
out.push('');
out.push('Cells are ops/s, one op being one iteration of the benchmark (e.g. all 256 ints written and read back);');
out.push('in parentheses, the ratio to `Raw`, the raw-pointer baseline (memcpy + `__builtin_bswap`, no bounds');
out.push('checks). `RawSimd` is the hand-written SIMD limit for `ints256_bulk`; `BoostEndian` and `VectorShifts`');
out.push('are bounds-checked cursors over Boost.Endian and over a `std::vector` with manual shifts; `DataView` is');
out.push('the same work in JavaScript (`bench/js/dataview-bench.mjs`). Time is CPU time per op (process CPU time on');
out.push('wasm32 and in Node); each benchmark keeps its best of the runs.');
out.push('');
out.push('## Targets');
out.push('');
const met = checks.filter((c) => c.met).length;
out.push(`${met} of ${checks.length} checks met.`);
out.push('');
out.push('| target | subject | measured | |');
out.push('|---|---|---|---|');
for (const c of checks) out.push(`| ${c.target} | ${c.what} | ${c.text} | ${c.met ? 'met' : '**MISSED**'} |`);
out.push('');
out.push('## Native (x86-64)');
out.push('');
out.push(markdownTable(native));
out.push('');
if (args.wasm.length) {
  out.push('## wasm32 (Node, `-msimd128`)');
  out.push('');
  out.push(markdownTable(wasm));
  out.push('');
}
// The Component Model: calls per second through the transpiled component and through the
// packed-i64 host ABI, the same C++ function on one instance (bench/js/component-bench.mjs). No target.
if (args.component.length) {
  const component = load(args.component);
  const viaComponent = component.get('component_string64/Component');
  const byHand = component.get('component_string64/CanonicalByHand');
  const viaPacked = component.get('component_string64/PackedI64');
  out.push('## Component Model (Node)');
  out.push('');
  out.push('A 64-byte string round trip into the C++ `reverse` of `examples/component` (JavaScript string in and out),');
  out.push('through the component that jco transpiled and through the packed-i64 host ABI, in one run. No target.');
  out.push('');
  out.push('| path | calls/s | vs packed-i64 |');
  out.push('|---|---:|---:|');
  out.push(`| transpiled component (jco) | ${fmt(viaComponent)} | ${(viaComponent / viaPacked).toFixed(2)}x |`);
  out.push(`| the same canonical-ABI core calls, by hand (no jco glue) | ${fmt(byHand)} | ${(byHand / viaPacked).toFixed(2)}x |`);
  out.push(`| packed-i64 host ABI | ${fmt(viaPacked)} | 1.00x |`);
  out.push('');
}
out.push('## Benchmarks');
out.push('');
out.push('| name | one op |');
out.push('|---|---|');
out.push('| int_write_read | one int written, then read back (`resetForWrite`, `writeInt`, `resetForRead`, `readInt`) |');
out.push('| ints256_single | 256 ints written one by one, then read one by one |');
out.push('| ints256_bulk | 256 ints written with `writeInts`, then read with `readInts` |');
out.push('| longs8192 | 8192 longs written one by one, then read one by one |');
out.push('| mixed | a byte, short, int, long, float and double written, then read |');
out.push('| copy64k | 64 KiB copied between two buffers with `write(source)` |');
out.push('| string_ascii, string_utf8 | 64 bytes of text written with `writeString`, read back with `readString` (validated) |');
out.push('| slice | a `slice()` view created and dropped |');
out.push('| alloc_release/N | a zeroed buffer of N bytes allocated and released |');
out.push('');
writeFileSync(args.out, out.join('\n'));
console.log(`${args.out}: ${met} of ${checks.length} target checks met`);
for (const c of checks) if (!c.met) console.log(`  MISSED ${c.target} ${c.what}: ${c.text}`);

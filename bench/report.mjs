// Reads Google Benchmark JSON files (native runs, wasm32 runs of the stand-in,
// the DataView runs) and writes bench/RESULTS.md: ops/s per benchmark and
// subject, ratios to the raw baselines, and each performance target, met or
// missed by how much. Several files per target are allowed: each benchmark
// keeps its best run (the least disturbed by other load on the machine).
//   node bench/report.mjs --out FILE --machine TEXT --compiler TEXT ... \
//        --native a.json [--native b.json] --wasm c.json --dataview d.json [--js e.json] \
//        [--fragmentation native.json] [--fragmentation wasm32.json] [--component f.json]
import { readFileSync, writeFileSync } from 'node:fs';

const args = { native: [], wasm: [], dataview: [], info: [], js: [], fragmentation: [], component: [] };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  const value = process.argv[i + 1];
  if (['native', 'wasm', 'dataview', 'info', 'js', 'fragmentation', 'component'].includes(key)) args[key].push(value);
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

const peers = ['Raw', 'RawSimd', 'BoostEndian', 'VectorShifts', 'DataView', 'JS'];
// Text (issue 17): each benchmark and the least ratio to Raw's unvalidated copy of the same bytes it needs.
const textTargets = [['string_ascii', 0.8], ['string_utf8', 0.5], ['string64k_ascii', 0.5], ['string64k_utf8', 0.25]];
for (const order of ['be', 'le']) {
  textTargets.push([`utf16${order}_ascii`, 0.8], [`utf16${order}_utf8`, 0.5],
                   [`utf16${order}64k_ascii`, 0.5], [`utf16${order}64k_utf8`, 0.25]);
}
const benchOrder = ['int_write_read', 'ints256_single', 'ints256_bulk', 'ints256_bulk_overlap', 'longs8192', 'mixed', 'copy64k',
                    ...textTargets.map(([bench]) => bench), 'slice', 'alloc_release/64', 'alloc_release/1024',
                    'frames_fields_contiguous', 'frames_fields_chunked4k', 'frames_views_contiguous', 'frames_views_chunked4k'];

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
  // Sources and outputs that overlap the buffer are correct (memmove semantics) at the price of one extra pass.
  for (const zone of t.zones) {
    check(`${label}: overlapping writeInts/readInts ≥ 0.5x disjoint ones`, zone,
          get('ints256_bulk_overlap', zone) / get('ints256_bulk', zone), 0.5);
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
  for (const [bench, bound] of textTargets) {
    const size = bench.includes('64k') ? '64 KiB' : '64-byte';
    const kind = bench.endsWith('ascii') ? 'ASCII' : 'multi-byte';
    const charset = bench.startsWith('utf16be') ? 'UTF-16BE' : bench.startsWith('utf16le') ? 'UTF-16LE' : 'UTF-8';
    for (const zone of t.zones) {
      check(`${label}: ${size} ${kind} text as ${charset} ≥ ${bound}x the unvalidated copy`, `${zone} ${bench}`,
            get(bench, zone) / get(bench, 'Raw'), bound);
    }
  }
  // StreamProcessor: 64-byte frames from 4 KiB chunks vs the same bytes in one buffer of the zone.
  for (const zone of t.zones) {
    for (const parse of ['fields', 'views']) {
      const chunked = get(`frames_${parse}_chunked4k`, zone), contiguous = get(`frames_${parse}_contiguous`, zone);
      if (chunked === undefined && contiguous === undefined) continue;
      check(`${label}: StreamProcessor over 4 KiB chunks ≥ 0.8x one contiguous buffer (64-byte frames)`,
            `${zone} frames_${parse}`, chunked / contiguous, 0.8);
    }
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

// ---- fragmentation (bench/fragmentation.cpp) -----------------------------------------
// Rows of every file: { workload, shape, bounded, allocator, reserved, peak_live, initial, target }.
const fragmentationRows = args.fragmentation.flatMap((file) => {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  return report.fragmentation.map((row) => ({ ...row, target: report.target, megabytes: report.megabytes }));
});

function fragmentationTargets() {
  for (const row of fragmentationRows) {
    if (!row.bounded || row.allocator !== 'LinearMemoryAllocator') continue;
    // Reserved within 2x the peak in use, plus the initial reservation.
    check(`${row.target}: fragmentation, reserved ≤ 2x peak live + initial`, row.workload,
          (row.reserved - row.initial) / row.peak_live, 2, true);
  }
}

function fragmentationTable() {
  const columns = [];
  for (const row of fragmentationRows) {
    const column = `${row.allocator} (${row.target})`;
    if (!columns.includes(column)) columns.push(column);
  }
  const workloads = [...new Set(fragmentationRows.map((row) => row.workload))];
  const lines = [`| workload | shape | ${columns.join(' | ')} |`, `|---|---|${columns.map(() => '---:').join('|')}|`];
  for (const workload of workloads) {
    const rows = fragmentationRows.filter((row) => row.workload === workload);
    const cells = columns.map((column) => {
      const row = rows.find((r) => `${r.allocator} (${r.target})` === column);
      return row ? `${row.ratio.toFixed(2)}x (${(row.reserved / 2 ** 20).toFixed(1)} / ${(row.peak_live / 2 ** 20).toFixed(1)} MiB)` : '';
    });
    lines.push(`| ${workload}${rows[0].bounded ? '' : ' (reference)'} | ${rows[0].shape} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

// ---- JavaScript: LinearView against raw JavaScript (bench/js/view-bench.mjs) -------------
// Each js_* benchmark has LinearView and one raw peer (DataView, TextEncoder,
// TextDecoder, TypedArraySet, ...), measured in alternating rounds of one run;
// CheckedLinearView and MinimalCursor are there for information. Benchmarks
// labelled 'target' must reach 0.8x of the raw peer.
const JS_EXTRA = ['LinearView', 'CheckedLinearView', 'MinimalCursor'];
function loadJs(files) {
  const rows = new Map();  // bench -> { target, subjects: Map(subject -> ops) }
  for (const file of files) {
    for (const b of JSON.parse(readFileSync(file, 'utf8')).benchmarks) {
      const [bench, subject] = b.name.split('/');
      if (!rows.has(bench)) rows.set(bench, { target: b.label === 'target', subjects: new Map() });
      const ops = perSecond[b.time_unit] / b.cpu_time, subjects = rows.get(bench).subjects;
      if (!(subjects.get(subject) >= ops)) subjects.set(subject, ops);
    }
  }
  return rows;
}
const js = loadJs(args.js);
const rawPeer = (subjects) => [...subjects.keys()].find((s) => !JS_EXTRA.includes(s));
for (const [bench, { target, subjects }] of js) {
  if (!target) continue;
  const raw = rawPeer(subjects);
  check('js (Node): LinearView ≥ 0.8x raw JavaScript', `${bench} vs ${raw}`,
        subjects.get('LinearView') / subjects.get(raw), 0.8);
}

function jsTable(rows) {
  const lines = ['| benchmark | raw peer | raw ops/s | LinearView | CheckedLinearView | MinimalCursor | target |',
                 '|---|---|---:|---:|---:|---:|---|'];
  const cell = (subjects, s, raw) => (subjects.has(s) ? `${fmt(subjects.get(s))} (${(subjects.get(s) / raw).toFixed(2)}x)` : '');
  for (const [bench, { target, subjects }] of rows) {
    const peer = rawPeer(subjects), raw = subjects.get(peer);
    lines.push(`| ${bench} | ${peer} | ${fmt(raw)} | ${cell(subjects, 'LinearView', raw)} | ` +
               `${cell(subjects, 'CheckedLinearView', raw)} | ${cell(subjects, 'MinimalCursor', raw)} | ${target ? '≥ 0.8x' : 'info'} |`);
  }
  return lines.join('\n');
}

// ---- text stages (bench/text_stages.hpp) ----------------------------------------------
// text_stage/<stage>/<text>/<path>: one stage of a text round trip alone over 64 KiB, per text
// path, beside memcpy of the same bytes. Kept out of the zone tables.
const STAGE = 'text_stage/';
const stageNames = [['validate_utf8', 'validate UTF-8'], ['count_utf16', 'validate UTF-8, count UTF-16 units'],
                    ['utf8_to_utf16', 'UTF-8 to UTF-16'], ['check_utf16', 'validate UTF-16, size its UTF-8'],
                    ['utf16_to_utf8', 'UTF-16 to UTF-8']];
const TEXT_BYTES = 64 * 1024;
function splitStages(results) {
  const stages = new Map();  // "stage/text" -> path -> ops
  for (const [name, ops] of [...results]) {
    if (!name.startsWith(STAGE)) continue;
    results.delete(name);
    const [stage, text, path] = name.slice(STAGE.length).split('/');
    const key = `${stage}/${text}`;
    if (!stages.has(key)) stages.set(key, new Map());
    stages.get(key).set(path, ops);
  }
  return stages;
}
function stageTable(stages) {
  const paths = [...new Set([...stages.values()].flatMap((m) => [...m.keys()]))].filter((p) => p !== 'memcpy');
  const lines = [`| stage | text | ${paths.join(' | ')} |`, `|---|---|${paths.map(() => '---:').join('|')}|`];
  for (const text of ['ascii64k', 'mixed64k']) {
    const memcpy = stages.get(`memcpy/${text}`)?.get('memcpy');
    if (memcpy !== undefined) lines.push(`| memcpy | ${text} | ${paths.map(() => `${(memcpy * TEXT_BYTES / 1e9).toFixed(1)} GB/s`).join(' | ')} |`);
    for (const [stage, label] of stageNames) {
      const row = stages.get(`${stage}/${text}`);
      if (!row) continue;
      const cells = paths.map((p) => {
        const ops = row.get(p);
        if (ops === undefined) return '';
        return `${(ops * TEXT_BYTES / 1e9).toFixed(1)} GB/s (${memcpy ? (ops / memcpy).toFixed(2) : '?'}x)`;
      });
      lines.push(`| ${label} | ${text} | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
// For the 64 KiB UTF-8 targets and the multi-byte UTF-16 ones: the ratio the round trip would
// reach if it cost nothing but the unvalidated copy (Raw) plus the stages it runs, each at its
// fastest path's speed (ASCII UTF-16 takes fused shortcuts, e.g. check-and-narrow in one pass,
// so it has no such sum).
function stageBounds(t, stages) {
  const fastest = (stage, text) => Math.max(...[...(stages.get(`${stage}/${text}`)?.values() ?? [])]);
  const lines = ['| target | needs | measured (best zone) | Raw + the stages alone |', '|---|---:|---:|---:|'];
  for (const [bench, needed] of textTargets) {
    if (!bench.includes('64k') || (bench.startsWith('utf16') && bench.endsWith('ascii'))) continue;
    const text = bench.endsWith('ascii') ? 'ascii64k' : 'mixed64k';
    const stagesRun = bench.startsWith('string') ? ['validate_utf8', 'validate_utf8']
                                                 : ['count_utf16', 'utf8_to_utf16', 'check_utf16', 'utf16_to_utf8'];
    const raw = t.rows.get(bench)?.get('Raw');
    if (raw === undefined || stagesRun.some((s) => !stages.has(`${s}/${text}`))) continue;
    const seconds = 1 / raw + stagesRun.reduce((sum, s) => sum + 1 / fastest(s, text), 0);
    const best = Math.max(...t.zones.map((z) => t.rows.get(bench)?.get(z) ?? 0));
    lines.push(`| ${bench} | ${needed}x | ${(best / raw).toFixed(2)}x | ${(1 / seconds / raw).toFixed(2)}x |`);
  }
  return lines.join('\n');
}

// ---- the report ------------------------------------------------------------------
const nativeResults = load(args.native);
const nativeStages = splitStages(nativeResults);
const native = table(nativeResults);
const dataview = args.dataview.length ? load(args.dataview) : null;
const wasmResults = load(args.wasm);
const wasmStages = splitStages(wasmResults);
if (dataview) for (const [name, ops] of dataview) wasmResults.set(name, ops);
const wasm = table(wasmResults);

targetsFor('native', native, null);
if (args.wasm.length) targetsFor('wasm32', wasm, dataview);
fragmentationTargets();

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
if (fragmentationRows.length) {
  out.push('## Fragmentation: reserved / peak live');
  out.push('');
  out.push('Memory reserved over the peak of live bytes (as requested) on the workloads of `bench/fragmentation.hpp`,');
  out.push('run by `platform_buffer_fragmentation`: LinearMemoryAllocator host blocks (1 MiB reserved at first, counted in');
  out.push('its reserved bytes), and natively glibc malloc in a fresh process (its heap growth plus mapped chunks, at');
  out.push(`their largest). Peaks of about ${fragmentationRows[0].megabytes} MiB. The reference rows are outside the 2x promise:`);
  out.push('`rising_pinned` pins a hole in every phase that later sizes cannot use (address-ordered best fit reaches 2.5x).');
  out.push('');
  out.push(fragmentationTable());
  out.push('');
}
if (args.wasm.length) {
  // Issue 17: the JS TextEncoder/TextDecoder figures beside the text benchmarks (for comparison, not a target).
  const rows = textTargets.map(([bench]) => bench).filter((b) => wasm.rows.get(b)?.get('JS') !== undefined);
  if (rows.length) {
    out.push('## Text on wasm32 beside JavaScript');
    out.push('');
    out.push('`JS` does the same round trip in Node with `TextEncoder.encodeInto` and a fatal `TextDecoder` (UTF-16:');
    out.push('`isWellFormed`, a unit-by-unit write, a fatal `TextDecoder(\'utf-16be\'|\'utf-16le\')`). Ratio: zone / JS.');
    out.push('');
    out.push(`| benchmark | JS | ${wasm.zones.join(' | ')} |`);
    out.push(`|---|---:|${wasm.zones.map(() => '---:').join('|')}|`);
    for (const bench of rows) {
      const js = wasm.rows.get(bench).get('JS');
      const cells = wasm.zones.map((z) => {
        const ops = wasm.rows.get(bench).get(z);
        return ops === undefined ? '' : `${fmt(ops)} (${(ops / js).toFixed(2)}x)`;
      });
      out.push(`| ${bench} | ${fmt(js)} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
}
if (nativeStages.size) {
  out.push('## Text stages: what bounds the text targets');
  out.push('');
  out.push('Each stage of a text round trip alone over the 64 KiB texts (`bench/text_stages.hpp`), on every text path the');
  out.push('build and CPU run, in GB/s of UTF-8 and as a ratio to memcpy of the same bytes. A validated UTF-8 round trip');
  out.push('runs `validate UTF-8` twice (writeString and readString) on top of what the unvalidated copy does; a UTF-16');
  out.push('round trip of multi-byte text runs the other four once each. The last column is the ratio such a target');
  out.push('would reach if the round trip cost nothing but `Raw` plus those stages at their fastest path\'s speed');
  out.push('(measured apart, so within the noise of the measured ratio): where it is below what the target needs, removing');
  out.push('every other cost would not meet it; only faster stages can.');
  out.push('');
  for (const [label, t, stages] of [['native', native, nativeStages], ['wasm32', wasm, wasmStages]]) {
    if (!stages.size) continue;
    out.push(`### ${label}`);
    out.push('');
    out.push(stageTable(stages));
    out.push('');
    out.push(stageBounds(t, stages));
    out.push('');
  }
}
if (js.size) {
  out.push('## JavaScript (Node): LinearView against raw JavaScript');
  out.push('');
  out.push('`bench/js/view-bench.mjs`: ops/s of the same work over the same wasm memory, in parentheses the ratio to the');
  out.push('raw peer (a DataView with the offset in a local, TextEncoder/TextDecoder, typed-array set). 256 values per op for');
  out.push('primitives; `MinimalCursor` is a cursor object with no checks at all, the floor for relative access.');
  out.push('');
  out.push(jsTable(js));
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
out.push('| ints256_bulk_overlap | as ints256_bulk, the arrays being the buffer\'s own bytes 16 bytes on (overlapping: memmove semantics) |');
out.push('| longs8192 | 8192 longs written one by one, then read one by one |');
out.push('| mixed | a byte, short, int, long, float and double written, then read |');
out.push('| copy64k | 64 KiB copied between two buffers with `write(source)` |');
out.push('| string_ascii, string_utf8 | 64 bytes of text written with `writeString`, read back with `readString` (validated): ASCII, or a mix of ASCII and 2-, 3- and 4-byte UTF-8 |');
out.push('| string64k_ascii, string64k_utf8 | the same texts repeated to 64 KiB; `Raw` copies the bytes in and out unvalidated (memcpy and the `std::string`) |');
out.push('| utf16be_*, utf16le_* (and 64k) | the same texts written with `writeString(text, UTF16BigEndian / UTF16LittleEndian)` and read back: UTF-8 to UTF-16 and back, validated both ways; `Raw` copies the UTF-16 bytes in and out |');
out.push('| slice | a `slice()` view created and dropped |');
out.push('| alloc_release/N | a zeroed buffer of N bytes allocated and released |');
out.push('| frames_fields_contiguous, frames_fields_chunked4k | 256 KiB of 64-byte frames parsed field by field (11 reads a frame), from one buffer of the zone or by a `StreamProcessor` from 4 KiB chunks of it (`bench/stream_benchmarks.hpp`) |');
out.push('| frames_views_contiguous, frames_views_chunked4k | the same frames, each payload taken as a zero-copy view (`readBytes` / `readBuffer`) |');
out.push('');
writeFileSync(args.out, out.join('\n'));
console.log(`${args.out}: ${met} of ${checks.length} target checks met`);
for (const c of checks) if (!c.met) console.log(`  MISSED ${c.target} ${c.what}: ${c.text}`);

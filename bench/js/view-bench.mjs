// platform-buffer's LinearView against the raw JavaScript doing the same work
// over the same wasm memory, in one Node process: a DataView with the offset
// in a local (primitives, and bulk copies that swap bytes), TextEncoder /
// TextDecoder (text), typed-array set (bulk copies in the host's order).
// Names are "js_<operation>/<subject>" and the output has Google Benchmark's
// JSON layout, so bench/report.mjs reads it like the C++ results and reports
// each LinearView/raw ratio against its target (0.8x).
//   node bench/js/view-bench.mjs [--benchmark_min_time=0.5] [--benchmark_filter=REGEX]
//                                [--benchmark_format=console|json] [--benchmark_out=FILE]
//
// Method. Each benchmark body is compiled on its own (new Function, with a
// unique source) and holds its subject as a closure constant, as code that
// keeps a view or a DataView in a module-level const does; the subjects of one
// benchmark run in alternating rounds and each keeps its best round (CPU
// time), so load from other processes affects them alike.
import { LinearView, CheckedLinearView, writeFromJsArray, readToJsArray } from '../../js/src/index.mjs';
import { parseOptions, resultRow, writeReport } from './common.mjs';

const options = parseOptions('view-bench');

// ---- the memory and the subjects ------------------------------------------------------
const KB = 1024;
const memory = new WebAssembly.Memory({ initial: 8, maximum: 64 });  // 512 KiB
const BASE = 64 * KB;        // the views' byte 0 in linear memory
const SIZE = 256 * KB;       // room for the 64 KiB cases (UTF-32 needs 4 bytes per character)
const mem8 = new Uint8Array(memory.buffer);
const dv = new DataView(memory.buffer, BASE, SIZE);  // the raw DataView over the same bytes
const view = new LinearView(memory, BASE, SIZE);      // BigEndian, like the DataView's default
const little = new LinearView(memory, BASE, SIZE, 'LittleEndian');

// Checked mode against stand-ins for the allocator's two exports: one live
// block over the view (generation 1) and a release counter at offset 16.
const COUNTER = 16;
const tracking = {
  platform_buffer_block_generation: (offset) => (offset >= BASE && offset < BASE + SIZE ? 1 : 0),
  platform_buffer_release_counter: () => COUNTER,
};
const checked = new CheckedLinearView(memory, BASE, SIZE, 'BigEndian', tracking);

// Real programs move limits (resetForRead, setLimit), which makes the engine
// treat a view's DataView and limit as mutable for every view: do that first,
// so no benchmark profits from constants that real use would not have.
const scratchView = new LinearView(memory, 0, 64);
scratchView.writeInt(1).resetForRead().readInt();
scratchView.setLimit(8).resetForWrite().setLimit(16);

// The floor of a cursor object: the least a relative read or write can cost
// when the position lives in an object (as any cursor API's must), with no
// checks at all. The raw DataView loop keeps its offset in a register instead.
class MinimalCursor {
  constructor(data) {
    this.data = data;
    this.pos = 0;
  }
  resetForWrite() { this.pos = 0; return this; }
  position(n) { this.pos = n; return this; }
  writeInt(v) { const p = this.pos; this.pos = p + 4; this.data.setInt32(p, v); return this; }
  readInt() { const p = this.pos; this.pos = p + 4; return this.data.getInt32(p); }
  writeDouble(v) { const p = this.pos; this.pos = p + 8; this.data.setFloat64(p, v); return this; }
  readDouble() { const p = this.pos; this.pos = p + 8; return this.data.getFloat64(p); }
}
const cursor = new MinimalCursor(new DataView(memory.buffer, BASE, SIZE));

// ---- values ---------------------------------------------------------------------------
const N = 256;
const range = (f) => Array.from({ length: N }, (_, i) => f(i));
const VALUES = {
  Byte: Int8Array.from(range((i) => ((i * 37) & 0xff) - 128)),
  UByte: Uint8Array.from(range((i) => (i * 37) & 0xff)),
  Short: Int16Array.from(range((i) => ((i * 2741) & 0xffff) - 32768)),
  UShort: Uint16Array.from(range((i) => (i * 2741) & 0xffff)),
  Int: Int32Array.from(range((i) => 0x01020300 + i * 77)),
  UInt: Uint32Array.from(range((i) => 0xf1020300 + i * 77)),
  Long: range((i) => BigInt.asIntN(64, 0x0102030405060708n * BigInt(i + 1))),  // plain arrays: no BigInt made per read
  ULong: range((i) => 0xf102030405060708n + BigInt(i)),
  Float: Float32Array.from(range((i) => i * 1.25 - 100)),
  Double: Float64Array.from(range((i) => i * Math.PI - 100)),
};

// [value name, LinearView write / read / set / get, DataView set / get, size, accumulator]
const PRIMITIVES = [
  ['Byte', 'writeByte', 'readByte', 'setByte', 'get', 'setInt8', 'getInt8', 1, 'int'],
  ['UByte', 'writeUByte', 'readUnsignedByte', 'setUByte', 'getUnsignedByte', 'setUint8', 'getUint8', 1, 'int'],
  ['Short', 'writeShort', 'readShort', 'setShort', 'getShort', 'setInt16', 'getInt16', 2, 'int'],
  ['UShort', 'writeUShort', 'readUnsignedShort', 'setUShort', 'getUnsignedShort', 'setUint16', 'getUint16', 2, 'int'],
  ['Int', 'writeInt', 'readInt', 'setInt', 'getInt', 'setInt32', 'getInt32', 4, 'int'],
  ['UInt', 'writeUInt', 'readUnsignedInt', 'setUInt', 'getUnsignedInt', 'setUint32', 'getUint32', 4, 'int'],
  ['Long', 'writeLong', 'readLong', 'setLong', 'getLong', 'setBigInt64', 'getBigInt64', 8, 'bigint'],
  ['ULong', 'writeULong', 'readUnsignedLong', 'setULong', 'getUnsignedLong', 'setBigUint64', 'getBigUint64', 8, 'bigint'],
  ['Float', 'writeFloat', 'readFloat', 'setFloat', 'getFloat', 'setFloat32', 'getFloat32', 4, 'float'],
  ['Double', 'writeDouble', 'readDouble', 'setDouble', 'getDouble', 'setFloat64', 'getFloat64', 8, 'float'],
];
const ACC = { int: ['0', 'acc ^= '], bigint: ['0n', 'acc ^= '], float: ['0', 'acc += '] };

// ---- compiling bodies -----------------------------------------------------------------
let unique = 0;
// `body` sees `n` (iterations), the named constants in `env`, and returns something to sink.
function compile(env, body) {
  const names = Object.keys(env);
  const make = new Function(...names, `/* ${unique++} */ return function run(n) { ${body} };`);
  return make(...Object.values(env));
}

const benchmarks = [];  // { name, target, subjects: [[subject, fn]] }
function bench(name, subjects, { target = true } = {}) {
  benchmarks.push({ name, target, subjects: Object.entries(subjects) });
}

// Relative and absolute writes and reads of every primitive: 256 values each.
for (const [type, write, read, set, get, dvSet, dvGet, size, acc] of PRIMITIVES) {
  const values = VALUES[type];
  const [zero, fold] = ACC[acc];
  const env = (subject) => ({ subject, values });
  const viewWrite = `for (let i = 0; i < n; i++) { subject.resetForWrite(); for (let k = 0; k < ${N}; k++) subject.${write}(values[k]); } return 0;`;
  const viewRead = `let acc = ${zero}; for (let i = 0; i < n; i++) { subject.position(0); for (let k = 0; k < ${N}; k++) ${fold}subject.${read}(); } return acc;`;
  const viewSet = `for (let i = 0; i < n; i++) { for (let k = 0; k < ${N}; k++) subject.${set}(k * ${size}, values[k]); } return 0;`;
  const viewGet = `let acc = ${zero}; for (let i = 0; i < n; i++) { for (let k = 0; k < ${N}; k++) ${fold}subject.${get}(k * ${size}); } return acc;`;
  const dvWrite = `for (let i = 0; i < n; i++) { let p = 0; for (let k = 0; k < ${N}; k++) { subject.${dvSet}(p, values[k]); p += ${size}; } } return 0;`;
  const dvRead = `let acc = ${zero}; for (let i = 0; i < n; i++) { let p = 0; for (let k = 0; k < ${N}; k++) { ${fold}subject.${dvGet}(p); p += ${size}; } } return acc;`;
  const dvSetAt = `for (let i = 0; i < n; i++) { for (let k = 0; k < ${N}; k++) subject.${dvSet}(k * ${size}, values[k]); } return 0;`;
  const dvGetAt = `let acc = ${zero}; for (let i = 0; i < n; i++) { for (let k = 0; k < ${N}; k++) ${fold}subject.${dvGet}(k * ${size}); } return acc;`;
  const withChecked = type === 'Int' || type === 'Double';  // checked mode: its cost, for the report
  for (const [op, viewBody, dvBody] of [[write, viewWrite, dvWrite], [read, viewRead, dvRead],
    [set, viewSet, dvSetAt], [get, viewGet, dvGetAt]]) {
    const subjects = { LinearView: compile(env(view), viewBody), DataView: compile(env(dv), dvBody) };
    if (withChecked) subjects.CheckedLinearView = compile(env(checked), viewBody);
    if (withChecked && (op === write || op === read)) subjects.MinimalCursor = compile(env(cursor), viewBody);
    bench(`js_${op}`, subjects);
  }
}

// The measurement: 256 ints written, then read back.
bench('js_ints256_write_read', {
  LinearView: compile({ subject: view, values: VALUES.Int },
    `let acc = 0; for (let i = 0; i < n; i++) { subject.resetForWrite(); for (let k = 0; k < ${N}; k++) subject.writeInt(values[k]);
     subject.resetForRead(); for (let k = 0; k < ${N}; k++) acc ^= subject.readInt(); } return acc;`),
  DataView: compile({ subject: dv, values: VALUES.Int },
    `let acc = 0; for (let i = 0; i < n; i++) { let p = 0; for (let k = 0; k < ${N}; k++) { subject.setInt32(p, values[k]); p += 4; }
     let q = 0; for (let k = 0; k < ${N}; k++) { acc ^= subject.getInt32(q); q += 4; } } return acc;`),
});

// ---- bulk ---------------------------------------------------------------------------
// [name, typed array type, elements, DataView setter/getter when the view's order is not the host's]
const BULK = [
  ['Int16', Int16Array, N, 'setInt16', 'getInt16'],
  ['Int32', Int32Array, N, 'setInt32', 'getInt32'],
  ['Int32', Int32Array, 16 * KB, 'setInt32', 'getInt32'],
  ['Float64', Float64Array, N, 'setFloat64', 'getFloat64'],
  ['BigInt64', BigInt64Array, N, 'setBigInt64', 'getBigInt64'],
];
for (const [type, Type, count, dvSet, dvGet] of BULK) {
  const size = Type.BYTES_PER_ELEMENT, bytes = count * size;
  const source = new Type(count).map((_, i) => (Type === BigInt64Array ? BigInt(i) * 0x0102030405n : i * 3 - 7));
  const out = new Type(count);
  const tag = `${type}x${count}`;
  // Big-endian: the view swaps; the raw code is a DataView loop.
  bench(`js_writeFromJsArray_${tag}BE`, {
    LinearView: compile({ subject: view, source, writeFromJsArray },
      'for (let i = 0; i < n; i++) { subject.resetForWrite(); writeFromJsArray(subject, source); } return 0;'),
    DataView: compile({ subject: dv, source },
      `for (let i = 0; i < n; i++) { for (let k = 0; k < ${count}; k++) subject.${dvSet}(k * ${size}, source[k]); } return 0;`),
  });
  bench(`js_readToJsArray_${tag}BE`, {
    LinearView: compile({ subject: view, out, readToJsArray },
      'for (let i = 0; i < n; i++) { subject.position(0); readToJsArray(subject, out); } return 0;'),
    DataView: compile({ subject: dv, out },
      `for (let i = 0; i < n; i++) { for (let k = 0; k < ${count}; k++) out[k] = subject.${dvGet}(k * ${size}); } return 0;`),
  });
  if (type !== 'Int32') continue;
  // Little-endian, the host's order: a plain copy; the raw code is typed-array set of the array's bytes
  // (a byte view of an Int32Array is part of that work; the memory's Uint8Array is made once).
  bench(`js_writeFromJsArray_${tag}LE`, {
    LinearView: compile({ subject: little, source, writeFromJsArray },
      'for (let i = 0; i < n; i++) { subject.resetForWrite(); writeFromJsArray(subject, source); } return 0;'),
    TypedArraySet: compile({ mem8, source },
      `for (let i = 0; i < n; i++) mem8.set(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), ${BASE}); return 0;`),
  });
  bench(`js_readToJsArray_${tag}LE`, {
    LinearView: compile({ subject: little, out, readToJsArray },
      'for (let i = 0; i < n; i++) { subject.position(0); readToJsArray(subject, out); } return 0;'),
    TypedArraySet: compile({ mem8, out },
      `for (let i = 0; i < n; i++) new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(mem8.subarray(${BASE}, ${BASE + bytes})); return 0;`),
  });
}
for (const count of [4 * KB, 64 * KB]) {
  const source = Uint8Array.from({ length: count }, (_, i) => i * 7), out = new Uint8Array(count);
  bench(`js_writeFromJsArray_Uint8x${count}`, {
    LinearView: compile({ subject: view, source, writeFromJsArray },
      'for (let i = 0; i < n; i++) { subject.resetForWrite(); writeFromJsArray(subject, source); } return 0;'),
    TypedArraySet: compile({ mem8, source }, `for (let i = 0; i < n; i++) mem8.set(source, ${BASE}); return 0;`),
  });
  bench(`js_readToJsArray_Uint8x${count}`, {
    LinearView: compile({ subject: view, out, readToJsArray },
      'for (let i = 0; i < n; i++) { subject.position(0); readToJsArray(subject, out); } return 0;'),
    TypedArraySet: compile({ mem8, out }, `for (let i = 0; i < n; i++) out.set(mem8.subarray(${BASE}, ${BASE + count})); return 0;`),
  });
}

// ---- text -----------------------------------------------------------------------------
const ascii64 = 'The quick brown fox jumps over the lazy dog, 0123456789 ABCDEFGH';
const utf8Text64 = 'h\u00e9llo w\u00f6rld \u20ac\u20ac \u{1F600} \u65e5\u672c\u8a9e \u03b1\u03b2\u03b3 \u{1F30D}\u0434\u0430!';
const latin64 = 'Gr\u00fc\u00dfe aus K\u00f6ln, \u00e7a va tr\u00e8s bien, se\u00f1or \u00bf\u00a1! 0123456789 ABCDEFGHIJK';
const encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// [label, text, charset, raw write body, raw read body, target?]; raw bodies see mem8, dv, text, bytes (the encoded length).
const rawUTF8Write = `for (let i = 0; i < n; i++) encoder.encodeInto(text, mem8.subarray(${BASE})); return 0;`;
const rawUTF8Read = `let acc = 0; for (let i = 0; i < n; i++) acc += decoder.decode(mem8.subarray(${BASE}, ${BASE} + bytes)).length; return acc;`;
const rawUTF16Write = (little) => `for (let i = 0; i < n; i++) { for (let k = 0; k < text.length; k++) dv.setUint16(2 * k, text.charCodeAt(k), ${little}); } return 0;`;
const rawUTF32Write = (little) => `for (let i = 0; i < n; i++) { for (let k = 0, p = 0; k < text.length; k++, p += 4) { const c = text.codePointAt(k); dv.setUint32(p, c, ${little}); if (c > 0xffff) k++; } } return 0;`;
const rawUTF32Read = (little) => `let acc = 0; for (let i = 0; i < n; i++) { let s = ''; for (let p = 0; p < bytes; p += 4) s += String.fromCodePoint(dv.getUint32(p, ${little})); acc += s.length; } return acc;`;
const rawLatin1Write = `for (let i = 0; i < n; i++) { for (let k = 0; k < text.length; k++) mem8[${BASE} + k] = text.charCodeAt(k); } return 0;`;
const rawLatin1Read = `let acc = 0; for (let i = 0; i < n; i++) { let s = ''; for (let k = 0; k < bytes; k += 8192) s += String.fromCharCode.apply(null, mem8.subarray(${BASE} + k, ${BASE} + Math.min(bytes, k + 8192))); acc += s.length; } return acc;`;
// The same texts in every charset that can hold them: 64 bytes of UTF-8 (ASCII,
// then mixed scripts and emoji), and 1024 copies of each (64 KiB of UTF-8).
const TEXTS = [];
for (const [size, copies] of [['', 1], ['x1024', 1024]]) {
  const ascii = ascii64.repeat(copies), mixed = utf8Text64.repeat(copies), latin = latin64.repeat(copies);
  TEXTS.push(
    [`UTF8_ascii64${size}`, ascii, 'UTF8', rawUTF8Write, rawUTF8Read, true],
    [`UTF8_mixed64${size}`, mixed, 'UTF8', rawUTF8Write, rawUTF8Read, true],
    [`UTF16BigEndian_mixed64${size}`, mixed, 'UTF16BigEndian', rawUTF16Write(false), rawUTF8Read, true],
    [`UTF16LittleEndian_mixed64${size}`, mixed, 'UTF16LittleEndian', rawUTF16Write(true), rawUTF8Read, true],
    [`UTF32BigEndian_mixed64${size}`, mixed, 'UTF32BigEndian', rawUTF32Write(false), rawUTF32Read(false), false],
    [`ASCII_ascii64${size}`, ascii, 'ASCII', rawUTF8Write, rawUTF8Read, false],
    [`ISOLatin1_latin64${size}`, latin, 'ISOLatin1', rawLatin1Write, rawLatin1Read, false],
  );
}
const DECODER_LABEL = { UTF8: 'utf-8', ASCII: 'utf-8', UTF16BigEndian: 'utf-16be', UTF16LittleEndian: 'utf-16le' };
for (const [label, text, charset, rawWrite, rawRead, target] of TEXTS) {
  view.resetForWrite().writeString(text, charset);
  const bytes = view.position();
  const decoder = new TextDecoder(DECODER_LABEL[charset] ?? 'utf-8', { fatal: true, ignoreBOM: true });
  const env = { mem8, dv, text, bytes, encoder, decoder };
  const writer = charset.startsWith('UTF16') || charset.startsWith('UTF32') ? 'DataView' : charset === 'ISOLatin1' ? 'Loop' : 'TextEncoder';
  const reader = charset.startsWith('UTF32') ? 'DataView' : charset === 'ISOLatin1' ? 'FromCharCode' : 'TextDecoder';
  bench(`js_writeString_${label}`, {
    LinearView: compile({ subject: view, text, charset },
      'for (let i = 0; i < n; i++) subject.resetForWrite().writeString(text, charset); return 0;'),
    [writer]: compile(env, rawWrite),
  }, { target });
  bench(`js_readString_${label}`, {
    LinearView: compile({ subject: view, bytes, charset },
      'let acc = 0; for (let i = 0; i < n; i++) acc += subject.position(0).readString(bytes, charset).length; return acc;'),
    [reader]: compile(env, rawRead),
  }, { target });
}
void utf8Decoder;

// ---- measuring ------------------------------------------------------------------------
let sink = 0;
const ROUND = 0.01;  // seconds of CPU time per round

function cpuSeconds(fn, n) {
  const start = process.cpuUsage();
  const wall = process.hrtime.bigint();
  const result = fn(n);
  const real = Number(process.hrtime.bigint() - wall) / 1e9;
  const cpu = process.cpuUsage(start);
  sink ^= typeof result === 'bigint' ? Number(result & 0xffn) : result | 0;
  return { cpu: (cpu.user + cpu.system) / 1e6, real };
}

// Iterations per round: grow until one round takes ROUND seconds (this also warms the code up).
function calibrate(fn) {
  let n = 1;
  for (;;) {
    const { cpu } = cpuSeconds(fn, n);
    if (cpu >= ROUND) return n;
    n = Math.max(n + 1, Math.ceil(n * Math.min(10, (ROUND * 1.2) / Math.max(cpu, 1e-6))));
  }
}

const results = [];
let family = 0;
for (const { name: base, target, subjects } of benchmarks) {
  const chosen = subjects.filter(([subject]) => options.filter.test(`${base}/${subject}`));
  if (chosen.length === 0) continue;
  const runs = chosen.map(([subject, fn]) => ({ subject, fn, n: calibrate(fn), best: Infinity, bestReal: Infinity, iterations: 0 }));
  const rounds = Math.max(5, Math.round(options.minTime / ROUND));
  for (let r = 0; r < rounds; r++) {
    for (const run of runs) {
      const { cpu, real } = cpuSeconds(run.fn, run.n);
      run.iterations += run.n;
      run.best = Math.min(run.best, cpu / run.n);
      run.bestReal = Math.min(run.bestReal, real / run.n);
    }
  }
  for (const run of runs) {
    const name = `${base}/${run.subject}`;
    results.push(resultRow(name, family, run.iterations, run.bestReal * 1e9, run.best * 1e9, target ? 'target' : 'info'));
    if (options.format === 'console') {
      const cell = (t) => `${(t * 1e9).toFixed(1).padStart(12)} ns`;
      const ratio = run === runs[0] ? '' : `   LinearView/this ${(run.best / runs[0].best).toFixed(2)}x`;
      console.log(`${name.padEnd(52)} ${cell(run.bestReal)} ${cell(run.best)}${ratio}`);
    }
  }
  family++;
}

writeReport(options, results, sink);

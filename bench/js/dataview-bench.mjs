// The JavaScript peer of the wasm32 benchmarks: the same work done with a
// DataView (big-endian, its default) in plain, fast JavaScript (offsets in
// locals, no wrapper objects), as a JS program beside the wasm module would.
// Names are "<benchmark>/DataView" and the output has Google Benchmark's JSON
// layout, so bench/report.mjs reads it like the C++ results.
//   node bench/js/dataview-bench.mjs [--benchmark_min_time=0.5] [--benchmark_filter=REGEX]
//                                    [--benchmark_format=console|json] [--benchmark_out=FILE]
import { parseOptions, resultRow, writeReport } from './common.mjs';

const options = parseOptions('dataview-bench');

// Results feed this, so that no work is dead; it is printed at the end.
let sink = 0;

// Each benchmark: (iterations) => { ns, cpuNs } for all of them: wall-clock time, and
// the process's CPU time (as Google Benchmark's cpu_time). Setup stays outside the timing.
function timed(setup) {
  return (n) => {
    const body = setup();
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    body(n);
    const ns = Number(process.hrtime.bigint() - start);
    const cpu = process.cpuUsage(cpuStart);
    return { ns, cpuNs: (cpu.user + cpu.system) * 1000 };
  };
}

const ints = Int32Array.from({ length: 256 }, (_, i) => 0x01020300 + i);
const asciiText = 'The quick brown fox jumps over the lazy dog, 0123456789 ABCDEFGH';
const utf8Text = 'h\u00e9llo w\u00f6rld \u20ac\u20ac \u{1F600} \u65e5\u672c\u8a9e \u03b1\u03b2\u03b3 \u{1F30D}\u0434\u0430!' +
  ' \u00e0 \u20ac\u{1F60E}!';  // 64 bytes of UTF-8, as in bench/benchmarks.hpp
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });  // validates and keeps a BOM, as readString does

const benchmarks = {
  int_write_read: timed(() => {
    const dv = new DataView(new ArrayBuffer(64));
    return (n) => {
      let v = 0x12345678, acc = 0;
      for (let i = 0; i < n; i++) {
        dv.setInt32(0, v);
        acc ^= dv.getInt32(0);
        v = (v + 1) | 0;
      }
      sink ^= acc;
    };
  }),
  ints256_single: timed(() => {
    const dv = new DataView(new ArrayBuffer(1024));
    return (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) {
        let p = 0;
        for (let k = 0; k < 256; k++, p += 4) dv.setInt32(p, ints[k]);
        let sum = 0;
        for (let k = 0, q = 0; k < 256; k++, q += 4) sum = (sum + dv.getInt32(q)) | 0;
        acc ^= sum;
      }
      sink ^= acc;
    };
  }),
  // JavaScript has no bulk byte-swapping copy: typed arrays are host-endian,
  // so a big-endian array goes through the DataView one value at a time.
  ints256_bulk: timed(() => {
    const dv = new DataView(new ArrayBuffer(1024));
    const out = new Int32Array(256);
    return (n) => {
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < 256; k++) dv.setInt32(k * 4, ints[k]);
        for (let k = 0; k < 256; k++) out[k] = dv.getInt32(k * 4);
      }
      sink ^= out[255];
    };
  }),
  longs8192: timed(() => {
    const dv = new DataView(new ArrayBuffer(8192 * 8));
    return (n) => {
      let acc = 0n;
      const seed = 0x0102030405060708n;
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < 8192; k++) dv.setBigInt64(k * 8, seed + BigInt(k));
        let sum = 0n;
        for (let k = 0; k < 8192; k++) sum += dv.getBigInt64(k * 8);
        acc ^= sum;
      }
      sink ^= Number(acc & 0xffffn);
    };
  }),
  mixed: timed(() => {
    const dv = new DataView(new ArrayBuffer(64));
    return (n) => {
      let seed = 0x0102030405060708n, acc = 0;
      for (let i = 0; i < n; i++) {
        const small = Number(seed & 0xffffffffn) | 0;
        dv.setInt8(0, small);
        dv.setInt16(1, small);
        dv.setInt32(3, small);
        dv.setBigInt64(7, seed);
        dv.setFloat32(15, small);
        dv.setFloat64(19, small);
        let sum = dv.getInt8(0) + dv.getInt16(1) + dv.getInt32(3);
        sum += Number(dv.getBigInt64(7));
        sum += dv.getFloat32(15) + dv.getFloat64(19);
        acc += sum;
        seed += 1n;
      }
      sink ^= acc & 0xff;
    };
  }),
  copy64k: timed(() => {
    const src = new Uint8Array(64 * 1024), dst = new Uint8Array(64 * 1024);
    return (n) => {
      for (let i = 0; i < n; i++) dst.set(src);
      sink ^= dst[100];
    };
  }),
  string_ascii: timed(() => stringBody(asciiText)),
  string_utf8: timed(() => stringBody(utf8Text)),
  slice: timed(() => {
    const buffer = new ArrayBuffer(1024);
    return (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += new DataView(buffer, 16, 1024 - 16).byteLength;
      sink ^= acc;
    };
  }),
  'alloc_release/64': timed(() => allocBody(64)),
  'alloc_release/1024': timed(() => allocBody(1024)),
};

function stringBody(text) {
  const length = encoder.encode(text).length;
  const bytes = new Uint8Array(Math.max(256, length));
  return (n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      encoder.encodeInto(text, bytes);
      acc += decoder.decode(bytes.subarray(0, length)).length;
    }
    sink ^= acc;
  };
}

// The text benchmarks of issue 17 in JavaScript, reported as subject "JS" beside
// the C++ figures (not a target): UTF-8 through TextEncoder.encodeInto and a
// fatal TextDecoder; UTF-16 written unit by unit after a well-formedness check
// (isWellFormed, as writeString refuses lone surrogates) and read with a fatal
// TextDecoder('utf-16be' / 'utf-16le').
const repeat64k = (text) => text.repeat(Math.ceil(65536 / encoder.encode(text).length));
const jsText = {
  string_ascii: timed(() => stringBody(asciiText)),
  string_utf8: timed(() => stringBody(utf8Text)),
  string64k_ascii: timed(() => stringBody(repeat64k(asciiText))),
  string64k_utf8: timed(() => stringBody(repeat64k(utf8Text))),
  utf16be_ascii: timed(() => utf16Body(asciiText, true)),
  utf16be_utf8: timed(() => utf16Body(utf8Text, true)),
  utf16le_ascii: timed(() => utf16Body(asciiText, false)),
  utf16le_utf8: timed(() => utf16Body(utf8Text, false)),
  utf16be64k_ascii: timed(() => utf16Body(repeat64k(asciiText), true)),
  utf16be64k_utf8: timed(() => utf16Body(repeat64k(utf8Text), true)),
  utf16le64k_ascii: timed(() => utf16Body(repeat64k(asciiText), false)),
  utf16le64k_utf8: timed(() => utf16Body(repeat64k(utf8Text), false)),
};

function utf16Body(text, bigEndian) {
  const bytes = new Uint8Array(2 * text.length);
  const view = new DataView(bytes.buffer);
  const units = new Uint16Array(bytes.buffer);  // this machine's order: little-endian
  const decoder16 = new TextDecoder(bigEndian ? 'utf-16be' : 'utf-16le', { fatal: true, ignoreBOM: true });
  return (n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      if (!text.isWellFormed()) throw new TypeError('lone surrogate');
      if (bigEndian) for (let k = 0; k < text.length; k++) view.setUint16(2 * k, text.charCodeAt(k));
      else for (let k = 0; k < text.length; k++) units[k] = text.charCodeAt(k);
      acc += decoder16.decode(bytes).length;
    }
    sink ^= acc;
  };
}

// A zeroed buffer of n bytes made and dropped (the garbage collector releases it).
function allocBody(size) {
  return (n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += new DataView(new ArrayBuffer(size)).byteLength;
    sink ^= acc;
  };
}

// Google Benchmark's iteration search: grow until one run takes minTime of CPU time.
function measure(run) {
  let iterations = 1;
  for (;;) {
    const { ns, cpuNs } = run(iterations);
    const seconds = Math.max(cpuNs, 1) / 1e9;
    if (seconds >= options.minTime || iterations >= 1e9) return { iterations, ns: Math.max(ns, 1), cpuNs: Math.max(cpuNs, 1) };
    let multiplier = (options.minTime * 1.4) / Math.max(seconds, 1e-9);
    if (seconds / options.minTime <= 0.1) multiplier = Math.min(multiplier, 10);
    iterations = Math.min(Math.max(Math.floor(multiplier * iterations), iterations + 1), 1e9);
  }
}

const results = [];
let family = 0;
const runs = [...Object.entries(benchmarks).map(([bench, run]) => [bench, run, 'DataView']),
              ...Object.entries(jsText).map(([bench, run]) => [bench, run, 'JS'])];
for (const [bench, run, subject] of runs) {
  const [base, arg] = bench.split('/');
  const name = arg ? `${base}/${subject}/${arg}` : `${base}/${subject}`;
  if (!options.filter.test(name)) continue;
  const { iterations, ns, cpuNs } = measure(run);
  const real = ns / iterations, cpu = cpuNs / iterations;
  results.push(resultRow(name, family++, iterations, real, cpu));
  if (options.format === 'console') {
    const cell = (t) => `${t.toFixed(1).padStart(12)} ns`;
    console.log(`${name.padEnd(44)} ${cell(real)} ${cell(cpu)} ${String(iterations).padStart(12)}`);
  }
}

writeReport(options, results, sink);

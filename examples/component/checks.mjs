// The checks of the example component, shared by Node (component.test.mjs)
// and the browser page (page.mjs): each gets `load`, which makes a fresh
// instance of the transpiled component, and throws on the first difference.
// An instance is { exports, core, memory }: the component's functions (jco's
// JavaScript), and the guest's core instance and memory, kept by the host
// through jco's --instantiation form (see guest-host.mjs).
import { LinearView } from '../../js/src/index.mjs';

const MiB = 1024 * 1024;
const encoder = new TextEncoder();

// ---- assertions that work in Node and in a browser ---------------------------------
function show(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return v.length > 60 ? `${JSON.stringify(v.slice(0, 60))}... (${v.length} chars)` : JSON.stringify(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.length})`;
  return String(v);
}

function same(a, b) {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.constructor !== b.constructor || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  return Object.is(a, b);
}

export function expect(actual, expected, what) {
  if (!same(actual, expected)) throw new Error(`${what}: got ${show(actual)}, expected ${show(expected)}`);
}

function expectTrue(condition, what) {
  if (!condition) throw new Error(what);
}

// Runs fn, which must throw; returns what it threw.
function thrown(fn, what) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error(`${what}: did not throw`);
}

// A trap of the guest: jco lets the engine's RuntimeError through (here from an `unreachable`).
function expectTrap(fn, what) {
  const e = thrown(fn, what);
  expectTrue(e instanceof WebAssembly.RuntimeError, `${what}: expected a trap (WebAssembly.RuntimeError), got ${e?.stack ?? e}`);
  return e;
}

// A WIT error result: jco throws a ComponentError whose payload is the error value.
function errorOf(fn, what) {
  const e = thrown(fn, what);
  expectTrue(e && 'payload' in e, `${what}: expected an error result, got ${e?.stack ?? e}`);
  return e.payload;
}

// ---- inputs ----------------------------------------------------------------------------
// Deterministic pseudo-random numbers (xorshift32).
function* xorshift(seed) {
  let x = seed >>> 0;
  for (;;) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    yield x;
  }
}

function randomBytes(length, seed) {
  const random = xorshift(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = random.next().value & 0xFF;
  return out;
}

// Text of about `bytes` UTF-8 bytes mixing 1- to 4-byte characters.
function mixedText(bytes) {
  const unit = 'aé€😀';  // 1 + 2 + 3 + 4 bytes
  return unit.repeat(Math.floor(bytes / 10)) + 'z'.repeat(bytes % 10);
}

// The four kinds of input every function is called with.
export const TEXTS = {
  ascii: 'Hello, component!',
  multiByte: 'añb😀 €日本語 𝄞',
  empty: '',
  oneMiB: mixedText(MiB),
};
export const BYTES = {
  ascii: encoder.encode('plain ASCII bytes'),
  multiByte: Uint8Array.from([0x00, 0x7F, 0x80, 0xC3, 0xA9, 0xFF, 0xFE, 0x01]),
  empty: new Uint8Array(0),
  oneMiB: randomBytes(MiB, 12345),
};

const reverseCodePoints = (s) => [...s].reverse().join('');

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();
function crc32(bytes) {
  let crc = 0xFFFFFFFF;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >>> 8);
  return (crc ^ 0xFFFFFFFF) >>> 0;
}

function repeatBytes(bytes, times) {
  const out = new Uint8Array(bytes.length * times);
  for (let t = 0; t < times; t++) out.set(bytes, t * bytes.length);
  return out;
}

// ---- what the guest's memory looks like --------------------------------------------------
// The allocator's own statistics (core exports of host_abi.hpp) and the memory's size.
export function usage(g) {
  const x = g.core.exports;
  return {
    memoryBytes: g.memory.buffer.byteLength, bytesInUse: x.platform_buffer_bytes_in_use() >>> 0,
    liveBlocks: x.platform_buffer_live_blocks() >>> 0, reservedBytes: x.platform_buffer_reserved_bytes() >>> 0,
  };
}

function expectUsage(actual, expected, what) {
  for (const key of Object.keys(expected)) expect(actual[key], expected[key], `${what}: ${key}`);
}

// A host block filled with a pattern: memory a failed call must not touch.
function placeCanary(g, size) {
  const offset = g.core.exports.platform_buffer_alloc(size) >>> 0;
  expectTrue(offset !== 0, `platform_buffer_alloc(${size}) failed`);
  const pattern = (i) => (i * 31 + 7) & 0xFF;
  const bytes = new Uint8Array(g.memory.buffer, offset, size);
  for (let i = 0; i < size; i++) bytes[i] = pattern(i);
  return {
    offset,
    intact() {
      const now = new Uint8Array(g.memory.buffer, offset, size);  // memory.buffer afresh: it may have grown
      for (let i = 0; i < size; i++) if (now[i] !== pattern(i)) return false;
      return true;
    },
  };
}

// ---- the checks ---------------------------------------------------------------------------
export function componentChecks() {
  return [
    { name: 'reverse: ASCII, multi-byte, empty and 1 MiB strings', run: async (load) => {
      const g = await load();
      for (const [kind, text] of Object.entries(TEXTS)) expect(g.exports.reverse(text), reverseCodePoints(text), `reverse(${kind})`);
    } },

    { name: 'count-code-points and parse-u32 (result<u32, enum>) on every kind of string', run: async (load) => {
      const g = await load();
      for (const [kind, text] of Object.entries(TEXTS)) {
        expect(g.exports.countCodePoints(text), [...text].length, `countCodePoints(${kind})`);
      }
      expect(g.exports.parseU32('4294967295'), 4294967295, 'parseU32(max)');
      expect(g.exports.parseU32('0'.repeat(MiB - 1) + '7'), 7, 'parseU32(1 MiB of digits)');
      expect(errorOf(() => g.exports.parseU32(''), 'parseU32("")'), 'empty', 'parseU32("")');
      expect(errorOf(() => g.exports.parseU32('12x'), 'parseU32(12x)'), 'not-a-digit', 'parseU32(12x)');
      expect(errorOf(() => g.exports.parseU32('١٢'), 'parseU32(Arabic-Indic digits)'), 'not-a-digit', 'parseU32(multi-byte)');
      expect(errorOf(() => g.exports.parseU32('4294967296'), 'parseU32(2^32)'), 'overflow', 'parseU32(2^32)');
      expect(errorOf(() => g.exports.parseU32(TEXTS.oneMiB), 'parseU32(1 MiB)'), 'not-a-digit', 'parseU32(1 MiB)');
    } },

    { name: 'checksum, expand and decode-utf8 on ASCII, multi-byte, empty and 1 MiB byte lists', run: async (load) => {
      const g = await load();
      for (const [kind, bytes] of Object.entries(BYTES)) {
        expect(g.exports.checksum(bytes), crc32(bytes), `checksum(${kind})`);
        expect(g.exports.expand(bytes, 2), repeatBytes(bytes, 2), `expand(${kind}, 2)`);
        expect(g.exports.expand(bytes, 0), new Uint8Array(0), `expand(${kind}, 0)`);
        expect(g.exports.tryExpand(bytes, 3), repeatBytes(bytes, 3), `tryExpand(${kind}, 3)`);
      }
      expect(g.exports.checksum(encoder.encode('123456789')), 0xCBF43926, 'the CRC-32 check value');
      for (const [kind, text] of Object.entries(TEXTS)) {
        expect(g.exports.decodeUtf8(encoder.encode(text)), text, `decodeUtf8(${kind})`);
      }
      expect(errorOf(() => g.exports.decodeUtf8(BYTES.multiByte), 'decodeUtf8(not UTF-8)'), 'not UTF-8 at byte 2',
             'decodeUtf8(not UTF-8)');
      expect(errorOf(() => g.exports.decodeUtf8(BYTES.oneMiB), 'decodeUtf8(random)').startsWith('not UTF-8 at byte '), true,
             'decodeUtf8(1 MiB of random bytes)');
    } },

    { name: 'lists of numbers: list<f64>, list<s32> -> list<s64>, list<u16>; small, extreme, empty and 1 MiB', run: async (load) => {
      const g = await load();
      const doubles = {
        small: Float64Array.of(1.5, -2, 0.1),
        extreme: Float64Array.of(Number.MAX_VALUE, -Number.MIN_VALUE, Infinity, -0, 1e-310),
        empty: new Float64Array(0),
        oneMiB: Float64Array.from({ length: MiB / 8 }, (_, i) => i / 7 - 1000),
      };
      for (const [kind, values] of Object.entries(doubles)) {
        expect(g.exports.scale(values, 2.5), values.map((v) => v * 2.5), `scale(${kind})`);
      }
      const ints = {
        small: Int32Array.of(1, -2, 3),
        extreme: Int32Array.of(2147483647, 2147483647, -2147483648, -2147483648, -2147483648),
        empty: new Int32Array(0),
        oneMiB: Int32Array.from({ length: MiB / 4 }, (_, i) => (i * 2654435761) | 0),
      };
      for (const [kind, values] of Object.entries(ints)) {
        let total = 0n;
        const expected = BigInt64Array.from(values, (v) => (total += BigInt(v)));
        expect(g.exports.prefixSums(values), expected, `prefixSums(${kind})`);
      }
      const shorts = {
        small: Uint16Array.of(1, 2, 3),
        extreme: Uint16Array.of(65535, 65535, 0, 65535),
        empty: new Uint16Array(0),
        oneMiB: Uint16Array.from({ length: MiB / 2 }, (_, i) => (i * 40503) & 0xFFFF),
      };
      for (const [kind, values] of Object.entries(shorts)) {
        expect(g.exports.sumU16(values), values.reduce((sum, v) => sum + BigInt(v), 0n), `sumU16(${kind})`);
      }
    } },

    { name: 'scalars: s8, u16, s32, u64, f32, f64, bool, char; u8 and char results', run: async (load) => {
      const g = await load();
      const f32 = Math.fround(0.1);
      expect(g.exports.mix(-128, 65535, -2147483648, 2n ** 64n - 1n, f32, 0.25, true, '😀'),
             -128 + 65535 - 2147483648 + 2 ** 64 + f32 + 0.25 + 1000 + 0x1F600, 'mix(extremes)');
      expect(g.exports.mix(0, 0, 0, 0n, 0, 0, false, 'a'), 97, 'mix(zeros)');
      expect(g.exports.clampU8(-5n), 0, 'clampU8(-5)');
      expect(g.exports.clampU8(200n), 200, 'clampU8(200)');
      expect(g.exports.clampU8(2n ** 63n - 1n), 255, 'clampU8(max)');
      expect(g.exports.nextChar('a'), 'b', 'nextChar(a)');
      expect(g.exports.nextChar('é'), 'ê', 'nextChar(é)');
      expect(g.exports.nextChar('\uD7FF'), '\uE000', 'nextChar skips the surrogates');
      expect(g.exports.nextChar('😀'), '😁', 'nextChar(😀)');
      expect(g.exports.nextChar('\u{10FFFF}'), '\u{10FFFF}', 'nextChar(U+10FFFF)');
    } },

    { name: 'a LinearView over the component\'s core memory reads and writes what the guest sees', run: async (load) => {
      const g = await load();
      const offset = g.exports.sharedOffset(), length = g.exports.sharedLength();
      expect(length, 256, 'sharedLength');
      const view = new LinearView(g.memory, offset, length);  // big-endian, as the guest wrote it
      for (let i = 0; i < 64; i++) expect(view.readInt(), i, `shared[${i}]`);
      expect(g.exports.sharedSum(), 2016n, 'sharedSum before');
      view.position(0).writeInt(-1000).writeInt(2 ** 31 - 1);
      expect(g.exports.sharedSum(), 2016n - 0n - 1n + -1000n + BigInt(2 ** 31 - 1), 'sharedSum sees the host\'s writes');
      // The view stays usable when the guest's memory grows (its old ArrayBuffer is detached then).
      const before = g.memory.buffer;
      g.exports.expand(BYTES.oneMiB, 16);
      expectTrue(g.memory.buffer !== before, 'memory did not grow: the rest of this check shows nothing');
      expect(view.getInt(0), -1000, 'the view after memory.grow');
      view.setInt(8, 5);
      expect(g.exports.sharedSum(), 2016n - 1n - 2n + -1000n + BigInt(2 ** 31 - 1) + 5n, 'sharedSum after memory.grow');
    } },

    { name: 'empty strings passed as (1, 0) and empty lists as (0, 0) (regression)', run: async (load) => {
      const g = await load();
      const x = g.core.exports;
      const area = (r) => [new DataView(g.memory.buffer).getUint32(r, true), new DataView(g.memory.buffer).getUint32(r + 4, true)];
      g.exports.reverse('warm-up');  // the first calls make the guest's lasting state
      const baseline = usage(g);
      // What jco does for "" and an empty list, and the raw core calls with those exact values.
      expect(g.exports.reverse(''), '', 'reverse("") through jco');
      expect(g.exports.checksum(new Uint8Array(0)), 0, 'checksum([]) through jco');
      expect(g.exports.scale(new Float64Array(0), 2), new Float64Array(0), 'scale([]) through jco');
      let r = x.reverse(1, 0);
      expect(area(r)[1], 0, 'core reverse(1, 0): length');
      x['cabi_post_reverse'](r);
      expect(x.checksum(0, 0) >>> 0, 0, 'core checksum(0, 0)');
      r = x['prefix-sums'](0, 0);
      expect(area(r)[1], 0, 'core prefix-sums(0, 0): length');
      expect(area(r)[0] % 8, 0, 'an empty list<s64> result is still aligned');
      x['cabi_post_prefix-sums'](r);
      r = x['parse-u32'](1, 0);
      expect(new Uint8Array(g.memory.buffer)[r], 1, 'core parse-u32(1, 0): err');
      expect(new Uint8Array(g.memory.buffer)[r + 4], 0, 'core parse-u32(1, 0): empty');
      expectUsage(usage(g), baseline, 'after the empty calls');
    } },

    { name: 'a failure inside a function: its error result when the WIT has one, a trap otherwise', run: async (load) => {
      const g = await load();
      g.exports.tryExpand(BYTES.ascii, 1);
      const baseline = usage(g);
      // 1 MiB x 100 is past the guest's 64 MiB: the allocation fails inside try-expand...
      const message = errorOf(() => g.exports.tryExpand(BYTES.oneMiB, 100), 'tryExpand(100 MiB)');
      expectTrue(message.startsWith('OutOfMemoryError: LinearBuffer::allocateUninitialized(104857600) cannot be served'),
                 `tryExpand(100 MiB): ${message}`);
      expectTrue(message.includes('LinearMemoryAllocator::configure'), 'the message says what to do');
      expectUsage(usage(g), { liveBlocks: baseline.liveBlocks, bytesInUse: baseline.bytesInUse }, 'after the error result');
      expect(g.exports.tryExpand(BYTES.ascii, 2), repeatBytes(BYTES.ascii, 2), 'the guest goes on');
      // ...and inside expand, whose list<u8> has no error case, it traps, writing to no memory of the host's.
      // (The guest's own state may have moved on before the trap, its heap for one: the instance is done for.)
      const canary = placeCanary(g, 4096);
      expectTrap(() => g.exports.expand(BYTES.oneMiB, 100), 'expand(100 MiB)');
      expectTrue(canary.intact(), 'the canary block changed');
    } },

    { name: 'an argument larger than the guest\'s memory traps in cabi_realloc; the host\'s blocks and the guest\'s data survive', run: async (load) => {
      for (const [what, size, hold] of [['past the configured maximum (80 MiB)', 80 * MiB, 0],
                                        ['past what is left (16 MiB, with 56 MiB held)', 16 * MiB, 56 * MiB]]) {
        const g = await load();
        g.exports.checksum(BYTES.ascii);
        const canary = placeCanary(g, 4096);
        const held = hold ? placeCanary(g, hold) : null;  // the host's own big block: every byte of it must survive too
        const table = new LinearView(g.memory, g.exports.sharedOffset(), g.exports.sharedLength());  // the guest's data
        const before = usage(g);
        const e = expectTrap(() => g.exports.checksum(new Uint8Array(size)), `checksum(${what})`);
        expectTrue(/unreachable/.test(e.message), `${what}: ${e.message}`);
        expectTrue(canary.intact(), `${what}: the canary block changed`);
        if (held) expectTrue(held.intact(), `${what}: the held block changed`);
        for (let i = 0; i < 64; i++) expect(table.getInt(i * 4), i, `${what}: the guest's table[${i}]`);
        // The allocator refused before it changed anything it reports (the memory did not grow for it either).
        expectUsage(usage(g), before, `${what}: allocator state`);
        // Nothing is damaged: the guest answers correctly. (The component model forbids calling a
        // trapped instance again; the pinned jco does not enforce it, which lets this show the state.)
        expect(g.exports.checksum(encoder.encode('123456789')), 0xCBF43926, `${what}: a call after the trap`);
      }
    } },

    { name: 'invalid UTF-8 from a host that breaks the ABI: a clean trap, no memory touched', run: async (load) => {
      const g = await load();
      const x = g.core.exports;
      g.exports.reverse('warm-up');
      const canary = placeCanary(g, 256);
      const bad = Uint8Array.of(0x61, 0xC3, 0x28);
      const offset = x.cabi_realloc(0, 0, 1, bad.length) >>> 0;
      new Uint8Array(g.memory.buffer, offset, bad.length).set(bad);
      expectTrap(() => x.reverse(offset, bad.length), 'core reverse(invalid UTF-8)');
      expectTrue(canary.intact(), 'the canary block changed');
    } },

    { name: '100,000 mixed calls: the guest\'s memory is constant after warm-up', run: async (load) => {
      const g = await load();
      const random = xorshift(0x9E3779B9);
      const texts = [TEXTS.ascii, TEXTS.multiByte, '', mixedText(4000)];
      let afterWarmUp;
      for (let i = 0; i < 100_000; i++) {
        const n = random.next().value;
        const size = i < 10 ? 4096 : n % 4097;  // the largest sizes come first, so warm-up sees them
        switch (i % 10) {
          case 0: expect(g.exports.reverse(texts[n & 3]), reverseCodePoints(texts[n & 3]), 'reverse'); break;
          case 1: expect(g.exports.checksum(BYTES.oneMiB.subarray(0, size)), crc32(BYTES.oneMiB.subarray(0, size)), 'checksum'); break;
          case 2: expect(g.exports.expand(BYTES.multiByte, size >> 3).length, (size >> 3) * 8, 'expand'); break;
          case 3: expect(g.exports.scale(Float64Array.of(size, -1), 2)[0], 2 * size, 'scale'); break;
          case 4: expect(g.exports.prefixSums(Int32Array.of(size, 1, 2)).length, 3, 'prefixSums'); break;
          case 5: expect(g.exports.parseU32(String(n)), n, 'parseU32'); break;
          case 6: errorOf(() => g.exports.parseU32('x'), 'parseU32(x)'); break;
          case 7: expect(g.exports.decodeUtf8(encoder.encode(texts[n & 3])), texts[n & 3], 'decodeUtf8'); break;
          case 8: errorOf(() => g.exports.tryExpand(BYTES.ascii, 0x7FFFFFFF), 'tryExpand(too much)'); break;
          default: expect(g.exports.mix(1, 2, 3, 4n, 5, 6, false, 'a'), 118, 'mix'); break;
        }
        if (i === 999) afterWarmUp = usage(g);
      }
      const atEnd = usage(g);
      expectUsage(atEnd, afterWarmUp, 'after 100,000 calls compared with after 1,000');
      return `after 1,000 calls ${JSON.stringify(afterWarmUp)}; after 100,000 ${JSON.stringify(atEnd)}`;
    } },
  ];
}

// Runs every check, each with `load`; reports each result to `onResult` as it comes.
export async function runComponentChecks(load, onResult = () => {}) {
  const results = [];
  for (const check of componentChecks()) {
    let result;
    try {
      const note = await check.run(load);
      result = { name: check.name, ok: true, note };
    } catch (e) {
      result = { name: check.name, ok: false, error: String(e?.stack ?? e) };
    }
    results.push(result);
    onResult(result);
  }
  return results;
}


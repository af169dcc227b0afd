// The C++ <-> JS interop checks, shared by the Node tests, the Node demo and
// the browser page: each check gets a fresh reactor instance, does something
// across the boundary and throws on the first difference.
import { writeFromJsArray, readToJsArray } from '../../js/src/index.mjs';
import { instantiateReactor, viewOf, lastError } from './reactor.mjs';

export const ORDERS = ['BigEndian', 'LittleEndian'];

const asUint32 = (v) => v >>> 0;  // wasm i32 results reach JS signed
const asUint64 = (v) => BigInt.asUintN(64, v);  // and i64 ones as signed BigInts
const same = (v) => v;

// Each primitive: the reactor's export suffix, the LinearView methods, its size,
// values worth crossing the boundary, and how a C++ result comes back over the wire.
export const PRIMITIVES = [
  { cpp: 'byte', write: 'writeByte', read: 'readByte', set: 'setByte', get: 'get', size: 1,
    values: [-128, -1, 0, 1, 127], wire: same },
  { cpp: 'ubyte', write: 'writeUByte', read: 'readUnsignedByte', set: 'setUByte', get: 'getUnsignedByte', size: 1,
    values: [0, 1, 128, 255], wire: asUint32 },
  { cpp: 'short', write: 'writeShort', read: 'readShort', set: 'setShort', get: 'getShort', size: 2,
    values: [-32768, -2, 0x1234, 32767], wire: same },
  { cpp: 'ushort', write: 'writeUShort', read: 'readUnsignedShort', set: 'setUShort', get: 'getUnsignedShort', size: 2,
    values: [0, 0xfedc, 65535], wire: asUint32 },
  { cpp: 'int', write: 'writeInt', read: 'readInt', set: 'setInt', get: 'getInt', size: 4,
    values: [-2147483648, -2, 0x12345678, 2147483647], wire: same },
  { cpp: 'uint', write: 'writeUInt', read: 'readUnsignedInt', set: 'setUInt', get: 'getUnsignedInt', size: 4,
    values: [0, 0xdeadbeef, 0xffffffff], wire: asUint32 },
  { cpp: 'long', write: 'writeLong', read: 'readLong', set: 'setLong', get: 'getLong', size: 8,
    values: [-(2n ** 63n), -2n, 0x0102030405060708n, 2n ** 63n - 1n], wire: same },
  { cpp: 'ulong', write: 'writeULong', read: 'readUnsignedLong', set: 'setULong', get: 'getUnsignedLong', size: 8,
    values: [0n, 0xfedcba9876543210n, 2n ** 64n - 1n], wire: asUint64 },
  { cpp: 'float', write: 'writeFloat', read: 'readFloat', set: 'setFloat', get: 'getFloat', size: 4,
    values: [0, -0, 1.5, Math.fround(0.1), Math.fround(1.4e-45), Math.fround(3.4028234663852886e38), -Infinity, NaN],
    wire: same },
  { cpp: 'double', write: 'writeDouble', read: 'readDouble', set: 'setDouble', get: 'getDouble', size: 8,
    values: [0, -0, Math.PI, -1e-300, Number.MIN_VALUE, Number.MAX_VALUE, Infinity, NaN], wire: same },
];

// The record of reactor.cpp (pb_write_record / pb_check_record), field by field.
export const RECORD_TEXT = 'héllo, wörld ✓ 😀';
const RECORD = [
  ['writeByte', 'readByte', -100], ['writeUByte', 'readUnsignedByte', 200], ['writeShort', 'readShort', -30000],
  ['writeUShort', 'readUnsignedShort', 60000], ['writeInt', 'readInt', -2000000000],
  ['writeUInt', 'readUnsignedInt', 4000000000], ['writeLong', 'readLong', -9000000000000000000n],
  ['writeULong', 'readUnsignedLong', 18000000000000000000n], ['writeFloat', 'readFloat', 3.25],
  ['writeDouble', 'readDouble', -1 / 3],
];

const MB = 1024 * 1024;

function show(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

function expect(actual, expected, what) {
  if (!Object.is(actual, expected)) throw new Error(`${what}: got ${show(actual)}, expected ${show(expected)}`);
}

function expectBytes(actual, expected, what) {
  const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
  expect(hex(actual), hex(expected), what);
}

// A fresh reactor and a C++ buffer of `size` bytes in `order`, with a JS view of it.
// `module` is the compiled WASI reactor, or anything with an instantiate() that
// gives the same exports (the Emscripten build: emscripten.mjs).
async function setUp(module, order, size = 256) {
  const ex = await (module instanceof WebAssembly.Module ? instantiateReactor(module) : module.instantiate());
  const handle = ex.pb_allocate(size, order === 'LittleEndian' ? 1 : 0);
  expect(handle >= 0, true, 'pb_allocate');
  const view = viewOf(ex, handle);
  expect(view.byteOrder(), order, 'byte order');
  return { ex, handle, view };
}

function primitiveChecks(p, order) {
  const label = `${order} ${p.cpp}`;
  return [
    { name: `${label}: C++ ${p.write} -> JS ${p.read}, the same bytes JS writes`, async run(module) {
      const { ex, handle, view } = await setUp(module, order);
      for (const v of p.values) ex[`pb_write_${p.cpp}`](handle, v);
      expect(ex.pb_position(handle), p.size * p.values.length, 'C++ position');
      for (const v of p.values) expect(view[p.read](), v, `JS ${p.read}`);
      // JS writing the same values into a second C++ buffer lays out the same bytes.
      const other = viewOf(ex, ex.pb_allocate(256, order === 'LittleEndian' ? 1 : 0));
      for (const v of p.values) other[p.write](v);
      view.position(0);
      other.position(0);
      const n = p.size * p.values.length;
      expectBytes(other.readByteArray(n), view.readByteArray(n), 'bytes written by JS vs by C++');
    } },
    { name: `${label}: JS ${p.write} -> C++ ${p.read}`, async run(module) {
      const { ex, handle, view } = await setUp(module, order);
      for (const v of p.values) view[p.write](v);
      for (const v of p.values) expect(p.wire(ex[`pb_read_${p.cpp}`](handle)), v, `C++ ${p.read}`);
      expect(ex.pb_position(handle), view.position(), 'both sides advanced alike');
      expect(lastError(ex), null, 'no C++ error');
    } },
    { name: `${label}: absolute C++ ${p.set} -> JS ${p.get} and JS ${p.set} -> C++ ${p.get}`, async run(module) {
      const { ex, handle, view } = await setUp(module, order);
      const index = 3;  // unaligned on purpose
      for (const v of p.values) {
        ex[`pb_set_${p.cpp}`](handle, index, v);
        expect(view[p.get](index), v, `JS ${p.get} of a C++ ${p.set}`);
        view[p.set](index + 16, v);
        expect(p.wire(ex[`pb_get_${p.cpp}`](handle, index + 16)), v, `C++ ${p.get} of a JS ${p.set}`);
      }
      expect(ex.pb_position(handle), 0, 'C++ position unmoved');
      expect(view.position(), 0, 'JS position unmoved');
    } },
  ];
}

function orderChecks(order) {
  const little = order === 'LittleEndian' ? 1 : 0;
  return [
    { name: `${order} record: C++ writes every primitive and a string, JS reads them`, async run(module) {
      const { ex, handle, view } = await setUp(module, order);
      const length = ex.pb_write_record(handle);
      view.setLimit(length);
      for (const [, read, value] of RECORD) expect(view[read](), value, `JS ${read}`);
      const textLength = view.readUnsignedShort();
      expect(view.readString(textLength), RECORD_TEXT, 'JS readString');
      expect(view.remaining(), 0, 'the whole record');
    } },
    { name: `${order} record: JS writes every primitive and a string, C++ reads them`, async run(module) {
      const { ex, handle, view } = await setUp(module, order);
      for (const [write, , value] of RECORD) view[write](value);
      const textBytes = new TextEncoder().encode(RECORD_TEXT).length;
      view.writeUShort(textBytes).writeString(RECORD_TEXT);
      ex.pb_set_limit(handle, view.position());
      expect(ex.pb_check_record(handle), 0, 'first C++ field that differs (0: none)');
      expect(ex.pb_position(handle), view.position(), 'C++ consumed the whole record');
    } },
    { name: `${order} bulk: JS writeFromJsArray -> C++ reads, C++ writes -> JS readToJsArray`, async run(module) {
      const { ex, handle, view } = await setUp(module, order);
      const ints = Int32Array.of(1, -2, 0x7f00ff00, -2147483648);
      writeFromJsArray(view, ints, 1, 3);
      for (const v of ints.subarray(1)) expect(ex.pb_read_int(handle), v, 'C++ readInt');
      const doubles = [Math.E, -0, 1e-310];
      for (const v of doubles) ex.pb_write_double(handle, v);
      const out = new Float64Array(4);
      readToJsArray(view, out, 1, 3);
      doubles.forEach((v, i) => expect(out[i + 1], v, 'JS readToJsArray'));
      expect(view.position(), ex.pb_position(handle), 'both at the same position');
    } },
    { name: `${order} growth: a JS view keeps working while C++ grows memory between accesses`, async run(module) {
      const { ex, handle, view } = await setUp(module, order, 64);
      view.writeInt(0x01020304).writeLong(-5n);
      const oldBuffer = ex.memory.buffer, oldSize = oldBuffer.byteLength, reserved = ex.pb_reserved_bytes();
      // More than the allocator's 16 MB first reservation: it must memory.grow.
      const big = ex.pb_allocate(32 * MB, little);
      expect(big >= 0, true, 'pb_allocate(32 MB)');
      expect(oldBuffer.byteLength, 0, 'the old ArrayBuffer is detached');
      expect(ex.memory.buffer.byteLength > oldSize, true, 'memory grew');
      expect(ex.pb_reserved_bytes() > reserved, true, 'the allocator reserved more');
      // The same view object: reads and writes go to the live memory.
      expect(view.getInt(0), 0x01020304, 'JS getInt after growth');
      expect(view.getLong(4), -5n, 'JS getLong after growth');
      view.writeShort(-7);
      expect(ex.pb_get_short(handle, 12), -7, 'C++ sees a JS write made after growth');
      // Grow again between two relative writes of one sequence.
      const bigger = ex.pb_allocate(64 * MB, little);
      expect(bigger >= 0, true, 'pb_allocate(64 MB)');
      view.writeShort(8);
      ex.pb_set_limit(handle, view.position());
      expect(ex.pb_read_int(handle), 0x01020304, 'C++ readInt');
      expect(ex.pb_read_long(handle), -5n, 'C++ readLong');
      expect(ex.pb_read_short(handle), -7, 'C++ readShort');
      expect(ex.pb_read_short(handle), 8, 'C++ readShort after the second growth');
      // The new buffer lies in the grown memory; JS reads C++ bytes at its very end.
      const bigView = viewOf(ex, big);
      expect(bigView.baseOffset() + bigView.capacity() > oldSize, true, 'the big buffer is in the new pages');
      ex.pb_set_ulong(big, bigView.capacity() - 8, 0xfedcba9876543210n);
      expect(bigView.getUnsignedLong(bigView.capacity() - 8), 0xfedcba9876543210n, 'JS reads the new pages');
      const live = ex.pb_live_buffers();
      ex.pb_release(big);
      ex.pb_release(bigger);
      expect(ex.pb_live_buffers(), live - 2, 'released buffers go back');
    } },
  ];
}

// Text a charset can hold: short, and long enough for the engine's native paths.
const CHARSET_TEXT = {
  UTF8: 'zero-copy ✓ 𝄞 ü', UTF16BigEndian: 'añb😀 日本', UTF16LittleEndian: 'añb😀 日本', UTF32BigEndian: '𝄞x\u{10FFFF}',
  UTF32LittleEndian: 'é😀', ASCII: 'plain ascii ~', ISOLatin1: 'Grüße, señor ¿¡ÿ',
};

const COMMON = [
  { name: 'charsets: JS text in every charset, in a C++ buffer, short and long', async run(module) {
    const { ex, handle, view } = await setUp(module, 'BigEndian', 1 << 20);
    for (const [charset, short] of Object.entries(CHARSET_TEXT)) {
      for (const text of [short, short.repeat(2000)]) {
        view.position(0).writeString(text, charset);
        const n = view.position();
        expect(view.position(0).readString(n, charset), text, `${charset}, ${text.length} units`);
      }
    }
    // C++ reads the UTF-8 that JS wrote, code point by code point.
    view.position(0).writeString(CHARSET_TEXT.UTF8);
    expect(ex.pb_read_string_code_points(handle, view.position()), [...CHARSET_TEXT.UTF8].length, 'C++ code points');
  } },

  { name: 'zero copy: C++ reads 64 KiB JS wrote, in place', async run(module) {
    const { ex, handle, view } = await setUp(module, 'BigEndian', 65536);
    const bytes = new Uint8Array(65536);
    let sum = 0;
    for (let i = 0; i < bytes.length; i++) sum += (bytes[i] = (i * 7) & 0xff);
    writeFromJsArray(view, bytes);
    expect(ex.pb_base_offset(handle) >>> 0, view.baseOffset(), 'the same offset');
    expect(ex.pb_sum_remaining(handle), sum, 'C++ sum of the bytes JS wrote');
  } },
  { name: 'zero copy: one JS view sees each C++ write as it happens, and C++ each JS write', async run(module) {
    const { ex, handle, view } = await setUp(module, 'LittleEndian', 64);
    for (let i = 0; i < 100; i++) {
      ex.pb_set_int(handle, 0, i * 3);
      expect(view.getInt(0), i * 3, 'JS sees the C++ write');
      view.setInt(4, i - 50);
      expect(ex.pb_get_int(handle, 4), i - 50, 'C++ sees the JS write');
    }
  } },
  { name: 'strings: C++ text read by JS; JS text validated and read by C++', async run(module) {
    const { ex, handle, view } = await setUp(module, 'BigEndian');
    const length = ex.pb_write_text(handle);
    expect(view.readString(length), RECORD_TEXT, 'JS readString of C++ text');
    const text = 'zero-copy ✓ 𝄞 ü';
    const before = view.position();
    view.writeString(text);
    ex.pb_set_position(handle, before);
    expect(ex.pb_read_string_code_points(handle, view.position() - before), [...text].length, 'C++ code points');
  } },
  { name: 'strings: malformed bytes from JS are refused by C++, nothing consumed, message read in place', async run(module) {
    const { ex, handle, view } = await setUp(module, 'BigEndian');
    view.writeBytes(Uint8Array.of(0x41, 0xed, 0xa0, 0x80));  // "A" then an encoded surrogate
    expect(ex.pb_read_string_code_points(handle, 4), -1, 'C++ readString result');
    expect(ex.pb_position(handle), 0, 'C++ position unchanged');
    const error = lastError(ex);
    expect(error?.kind, 'MalformedText', 'C++ error kind');
    expect(/not well-formed UTF-8/.test(error.message), true, `message "${error.message}"`);
  } },
  { name: 'errors: a failed C++ read or write changes neither bytes nor position seen by JS', async run(module) {
    const { ex, handle, view } = await setUp(module, 'BigEndian', 16);
    view.writeLong(0x1122334455667788n);
    ex.pb_set_position(handle, 12);
    ex.pb_write_long(handle, -1n);  // 8 bytes at 12 of 16: overflow
    expect(lastError(ex)?.kind, 'BufferOverflow', 'C++ error kind');
    expect(ex.pb_position(handle), 12, 'C++ position unchanged');
    ex.pb_clear_error();
    ex.pb_set_limit(handle, 6);
    expect(ex.pb_get_int(handle, 4), 0, 'a failed C++ getInt returns 0');
    expect(lastError(ex)?.kind, 'BufferUnderflow', 'C++ error kind');
    expect(view.getLong(0), 0x1122334455667788n, 'the bytes are intact');
    expect(view.getLong(8), 0n, 'and nothing was written past them');
  } },
];

// Every check: [{ name, run(module) }], run throws on a mismatch.
export function interopChecks() {
  const checks = [];
  for (const order of ORDERS) {
    for (const p of PRIMITIVES) checks.push(...primitiveChecks(p, order));
    checks.push(...orderChecks(order));
  }
  return [...checks, ...COMMON];
}

// Runs every check; returns [{ name, ok, error }] and never throws.
export async function runInteropChecks(module, onResult = () => {}) {
  const results = [];
  for (const check of interopChecks()) {
    let result;
    try {
      await check.run(module);
      result = { name: check.name, ok: true };
    } catch (e) {
      result = { name: check.name, ok: false, error: String(e?.stack ?? e) };
    }
    results.push(result);
    onResult(result);
  }
  return results;
}

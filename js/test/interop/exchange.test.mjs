// GuestExchange, the one-call host side of docs/host-abi.md, against the real
// host-exchange guest (examples/host-exchange/guest/guest.cpp built for wasm32):
//   PLATFORM_BUFFER_HOST_EXCHANGE_WASM=build/wasm32/examples/host-exchange/guest/host_exchange_guest.wasm \
//     node --test test/interop/
// ctest sets it. Without it this file fails: it must never pass by running nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  GuestExchange, GuestCallError, HostStatus, LinearView, MalformedTextError, BufferUnderflowError,
} from '../../src/index.mjs';
import { App, leb128, record, readFields } from '../../../examples/host-exchange/formats.mjs';

const wasmPath = process.env.PLATFORM_BUFFER_HOST_EXCHANGE_WASM;
if (!wasmPath) {
  throw new Error('set PLATFORM_BUFFER_HOST_EXCHANGE_WASM to the built host_exchange_guest.wasm (ctest does this)');
}
const module = await WebAssembly.compile(await readFile(wasmPath));

// The guest's application codes, by code.
const APP = Object.fromEntries(Object.entries(App).map(([name, code]) => [code, name]));

// A fresh guest. It imports WASI only for its error handler's output, which these calls never reach.
async function guest() {
  const imports = {};
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    (imports[from] ??= {})[name] = () => 52;  // ENOSYS
  }
  const instance = await WebAssembly.instantiate(module, imports);
  instance.exports._initialize();
  const x = instance.exports;
  return { x, stats: () => ({ bytesInUse: x.platform_buffer_bytes_in_use() >>> 0, liveBlocks: x.platform_buffer_live_blocks() >>> 0 }) };
}

test('strings and bytes in, bytes or a string out', async () => {
  const { x, stats } = await guest();
  const baseline = stats();
  const g = new GuestExchange(x);
  const out = g.call('reverse_text', 'añb😀');
  assert.ok(out instanceof Uint8Array);
  assert.equal(new TextDecoder().decode(out), '😀bña');
  assert.equal(g.call('reverse_text', 'añb😀', { result: 'string' }), '😀bña');
  assert.equal(g.call('reverse_text', new TextEncoder().encode('hello'), { result: 'string' }), 'olleh');
  assert.equal(g.call('reverse_text', new TextEncoder().encode('abc').buffer, { result: 'string' }), 'cba');
  assert.equal(g.call(x.reverse_text, Uint16Array.of(0x6261), { result: 'string' }), 'ba', 'a function and any ArrayBufferView');
  assert.deepEqual(stats(), baseline, 'every input and result freed');
});

test('empty inputs: a string, bytes, and no input at all', async () => {
  const { x, stats } = await guest();
  const baseline = stats();
  const g = new GuestExchange(x);
  assert.equal(g.call('reverse_text', '', { result: 'string' }), '');
  assert.deepEqual(g.call('reverse_text', new Uint8Array(0)), new Uint8Array(0));
  assert.deepEqual(g.call('reverse_text'), new Uint8Array(0));
  assert.equal(g.call('expand_runs', '').length, 0, 'no runs: an empty result, which has a block too');
  assert.deepEqual(stats(), baseline);
});

test('a LinearView over the result for a reader, freed after it', async () => {
  const { x, stats } = await guest();
  const baseline = stats();
  const g = new GuestExchange(x);
  const fields = g.call('parse_record', record([{ tag: 1, type: 1, value: -7 }, { tag: 2, type: 2, value: -(2n ** 40n) },
    { tag: 3, type: 3, value: Math.PI }, { tag: 4, type: 4, value: 'héllo ✓' }]), { result: readFields });
  assert.deepEqual(fields, [{ tag: 1, type: 1, value: -7n }, { tag: 2, type: 2, value: -(2n ** 40n) },
    { tag: 3, type: 3, value: Math.PI }, { tag: 4, type: 4, value: 'héllo ✓' }]);
  // A little-endian view, and the charset for strings out.
  const le = g.call('expand_runs', Uint8Array.of(4, 0x01, 4, 0x02), { result: (v) => [v.byteOrder(), v.readInt(), v.readInt()], byteOrder: 'LittleEndian' });
  assert.deepEqual(le, ['LittleEndian', 0x01010101, 0x02020202]);
  assert.equal(g.call('reverse_text', new TextEncoder().encode('é'), { result: 'string', charset: 'ISOLatin1' }), 'Ã©',
    'the result in another charset: UTF-8 bytes of é read as Latin-1');
  assert.deepEqual(stats(), baseline);
});

test('the result is freed when the reader throws, and the reader\'s error wins', async () => {
  const { x, stats } = await guest();
  const baseline = stats();
  const g = new GuestExchange(x);
  assert.throws(() => g.call('reverse_text', 'abc', { result: (view) => view.readLong() }), BufferUnderflowError);
  assert.throws(() => g.call('reverse_text', 'abc', { result: () => { throw new Error('reader failed'); } }), /reader failed/);
  // Bytes that are not text in the asked charset: a MalformedTextError, and freed all the same.
  assert.throws(() => g.call('expand_runs', Uint8Array.of(1, 0x80), { result: 'string' }), MalformedTextError);
  assert.throws(() => g.call('expand_runs', Uint8Array.of(3, 0x80), { result: 'string', charset: 'UTF16BigEndian' }), /odd number/);
  assert.deepEqual(stats(), baseline);
});

test('failures become a GuestCallError naming the status; the input is the guest\'s (codes 5 and up)', async () => {
  const { x, stats } = await guest();
  const baseline = stats();
  const named = new GuestExchange(x, { statusNames: APP });
  const unnamed = new GuestExchange(x);
  const expectFailure = (fn, status, statusName, message) => assert.throws(fn, (e) => {
    assert.ok(e instanceof GuestCallError);
    assert.equal(e.name, 'GuestCallError');
    assert.equal(e.status, status);
    assert.equal(e.statusName, statusName);
    assert.match(e.message, message);
    return true;
  });
  const notUtf8 = Uint8Array.of(0x61, 0xc3, 0x28);
  expectFailure(() => named.call('reverse_text', notUtf8), 256, 'MalformedText',
    /^reverse_text failed with status 256 \(MalformedText, an application code\)$/);
  expectFailure(() => unnamed.call('reverse_text', notUtf8), 256, null, /status 256 \(an application code\)/);
  // A string the exchange encodes in another charset: not UTF-8 for the guest.
  expectFailure(() => named.call('reverse_text', 'héllo', { charset: 'ISOLatin1' }), 256, 'MalformedText', /256/);
  expectFailure(() => named.call('parse_record', Uint8Array.of(1, 2)), 257, 'Truncated', /Truncated/);
  expectFailure(() => named.call('parse_record', Uint8Array.of(0, 0, 0, 0, 0, 0)), 258, 'BadMagic', /BadMagic/);
  expectFailure(() => named.call('parse_record', record([{ tag: 9, type: 1, value: 1 }]).map((b, i) => (i === 7 ? 77 : b))), 259,
    'UnknownType', /UnknownType/);  // field type 77
  expectFailure(() => named.call('expand_runs', Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x7f, 1)), 260, 'TooLarge', /TooLarge/);
  assert.equal(named.statusName(HostStatus.TooLong), 'TooLong');
  assert.equal(named.statusName(HostStatus.InvalidInput), 'InvalidInput');
  assert.equal(named.statusName(999), null);
  assert.deepEqual(stats(), baseline, 'the guest freed the inputs it took');
});

test('refused inputs (codes 1-4) are freed by the host', async () => {
  const { x, stats } = await guest();
  const baseline = stats();
  // A guest function called with a length past its block, or an offset inside it: the guest refuses.
  const tooLong = new GuestExchange({ ...x, reverse_text: (offset, length) => x.reverse_text(offset, length + 1_000_000) });
  assert.throws(() => tooLong.call('reverse_text', 'abc'), (e) => e.status === HostStatus.TooLong &&
    e.statusName === 'TooLong' && /status 4 \(TooLong\): the guest refused the input \(the host freed it\)/.test(e.message));
  const inside = new GuestExchange({ ...x, reverse_text: (offset, length) => x.reverse_text(offset + 16, length) });
  assert.throws(() => inside.call('reverse_text', 'x'.repeat(40)), (e) => e.statusName === 'UnknownOffset');
  assert.deepEqual(stats(), baseline, 'nothing leaked');
});

test('input that cannot be encoded, or allocated, fails before the guest is called', async () => {
  const { x, stats } = await guest();
  const baseline = stats();
  let calls = 0;
  const g = new GuestExchange({ ...x, reverse_text: (...args) => (calls++, x.reverse_text(...args)) });
  assert.throws(() => g.call('reverse_text', 'a\uD800'), MalformedTextError);
  assert.throws(() => g.call('reverse_text', 'é', { charset: 'ASCII' }), MalformedTextError);
  assert.throws(() => g.call('reverse_text', 42), /takes a Uint8Array, an ArrayBufferView or an ArrayBuffer/);
  assert.throws(() => g.call('no_such_function', 'x'), /no function named "no_such_function"/);
  assert.throws(() => g.call('reverse_text', 'x', { result: 'json' }), /result must be/);
  assert.throws(() => g.call('reverse_text', 'x', { charset: 'UTF-7' }), /unknown charset/);
  const full = new GuestExchange({ ...x, platform_buffer_alloc: () => 0 });
  assert.throws(() => full.call('reverse_text', 'x'), (e) => e instanceof GuestCallError &&
    e.status === HostStatus.OutOfMemory && /platform_buffer_alloc\(1\) returned 0/.test(e.message));
  assert.equal(calls, 0, 'the guest function never ran');
  assert.deepEqual(stats(), baseline);
  assert.throws(() => new GuestExchange({ memory: x.memory }), /needs the guest's platform_buffer_alloc export/);
  assert.throws(() => new GuestExchange({ ...x, memory: undefined }), /needs the guest's memory/);
});

test('a function that does not follow the calling convention is a TypeError, and the input is freed', async () => {
  const { x, stats } = await guest();
  const baseline = stats();
  const g = new GuestExchange(x);
  assert.throws(() => g.call('banner_length', 'x'), /returned 21, not the i64 of the host ABI's calling convention/);
  assert.deepEqual(stats(), baseline);
});

test('input bytes from the guest\'s own memory, with the memory growing under the allocation', async () => {
  const { x, stats } = await guest();
  const g = new GuestExchange(x);
  // The guest's banner, passed as input straight from its memory.
  const banner = new Uint8Array(x.memory.buffer, x.banner_offset() >>> 0, x.banner_length() >>> 0);
  const baseline = stats();
  // expand_runs makes 40 MiB: the memory grows during the call; the result is read from the new buffer.
  const big = g.call('expand_runs', Uint8Array.of(...leb128(40 << 20), 0x5a), { result: (v) => [v.capacity(), v.get(0), v.get(v.capacity() - 1)] });
  assert.deepEqual(big, [40 << 20, 0x5a, 0x5a]);
  assert.equal(banner.byteLength, 0, 'the grown memory detached the old view of the banner');
  const fresh = new Uint8Array(x.memory.buffer, x.banner_offset() >>> 0, x.banner_length() >>> 0);
  assert.equal(g.call('reverse_text', fresh, { result: 'string' }), [...'host-exchange guest 1'].reverse().join(''));
  assert.deepEqual(stats(), baseline);
});

test('10,000 calls of varying sizes through the exchange leak nothing', async () => {
  const { x, stats } = await guest();
  const g = new GuestExchange(x, { statusNames: APP });
  const baseline = stats();
  for (let i = 0; i < 10_000; i++) {
    const n = (i * 7919) % 3000;
    if (i % 3 === 0) assert.equal(g.call('reverse_text', 'x'.repeat(n) + 'A', { result: (v) => v.get(0) }), 0x41);
    else if (i % 3 === 1) assert.equal(g.call('expand_runs', Uint8Array.of(...leb128(n), 1)).length, n);
    else assert.throws(() => g.call('reverse_text', Uint8Array.of(0xff)), { statusName: 'MalformedText' });
  }
  assert.deepEqual(stats(), baseline);
});

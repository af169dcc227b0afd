// A JavaScript host driving the host-exchange guest (guest/guest.cpp):
// allocate in the guest, write the input, call, read the result in place with
// platform-buffer's LinearView, free. Run with Node's test runner:
//   HOST_EXCHANGE_WASM=path/to/host_exchange_guest.wasm node --test node-host.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

import { LinearView } from '../../js/src/index.mjs';
import { leb128, record, readFields } from './formats.mjs';

const wasmPath = process.env.HOST_EXCHANGE_WASM;
if (!wasmPath) throw new Error('set HOST_EXCHANGE_WASM to the built host_exchange_guest.wasm');
const wasmBytes = await readFile(wasmPath);

// The status codes of docs/host-abi.md.
const Status = { Ok: 0, UnknownOffset: 1, DoubleFree: 2, NotHostOwned: 3, TooLong: 4, OutOfMemory: 5 };
const App = { MalformedText: 256, Truncated: 257, BadMagic: 258, UnknownType: 259, TooLarge: 260 };

// One guest instance and the host side of the calling convention.
class Guest {
  static async create() {
    // The guest needs WASI only for its error handler's stderr output.
    const wasi = new WASI({ version: 'preview1', returnOnExit: true });
    // Node 18 has no getImportObject(); wasiImport is the same object.
    const imports = wasi.getImportObject?.() ?? { wasi_snapshot_preview1: wasi.wasiImport };
    const { instance } = await WebAssembly.instantiate(wasmBytes, imports);
    wasi.initialize(instance);  // a reactor: runs the static constructors once
    return new Guest(instance.exports);
  }

  constructor(exports) {
    this.exports = exports;
    this.memory = exports.memory;
  }

  // wasm i32 results arrive signed: >>> 0 reads them as the u32 offsets they are.
  alloc(size) { return this.exports.platform_buffer_alloc(size) >>> 0; }
  free(offset) { return this.exports.platform_buffer_free(offset) >>> 0; }

  // Copies `bytes` into a new guest block; returns its offset.
  place(bytes) {
    const offset = this.alloc(Math.max(bytes.length, 1));  // alloc(0) gives 0 (an empty input needs no block, but this places one)
    assert.notEqual(offset, 0, `alloc(${bytes.length}) failed`);
    new Uint8Array(this.memory.buffer, offset, bytes.length).set(bytes);
    return offset;
  }

  // Calls fn(offset, length) and splits the i64 it returns.
  rawCall(fn, offset, length) {
    const r = BigInt.asUintN(64, this.exports[fn](offset, length));  // i64 arrives as a signed BigInt
    return { offset: Number(r >> 32n), length: Number(r & 0xFFFFFFFFn) };
  }

  // The whole round trip: place the input, call, copy the result out, free it.
  // Returns { bytes } or { status }.
  call(fn, bytes) {
    const input = this.place(bytes);
    const { offset, length } = this.rawCall(fn, input, bytes.length);
    if (offset === 0) {
      // Codes 1-4 refused the input: it is still ours. Otherwise the guest took it.
      if (length >= Status.UnknownOffset && length <= Status.TooLong) assert.equal(this.free(input), Status.Ok);
      return { status: length };
    }
    const out = new Uint8Array(length);
    out.set(new Uint8Array(this.memory.buffer, offset, length));
    assert.equal(this.free(offset), Status.Ok);
    return { bytes: out };
  }

  // Like call, but hands the result to `read` as a LinearView before freeing it.
  callWithView(fn, bytes, read) {
    const input = this.place(bytes);
    const { offset, length } = this.rawCall(fn, input, bytes.length);
    assert.notEqual(offset, 0, `${fn} failed with status ${length}`);
    try {
      return read(LinearView.fromExports(this.exports, offset, length));
    } finally {
      assert.equal(this.free(offset), Status.Ok);
    }
  }

  snapshot() {
    const x = this.exports;
    return { memoryBytes: this.memory.buffer.byteLength, bytesInUse: x.platform_buffer_bytes_in_use() >>> 0,
             liveBlocks: x.platform_buffer_live_blocks() >>> 0, reservedBytes: x.platform_buffer_reserved_bytes() >>> 0 };
  }
}

const utf8 = new TextEncoder();
const text = (bytes) => new TextDecoder('utf-8', { fatal: true }).decode(bytes);

test('reverse_text reverses by code point and rejects malformed UTF-8', async () => {
  const g = await Guest.create();
  assert.equal(text(g.call('reverse_text', utf8.encode('añb😀')).bytes), '😀bña');
  assert.equal(g.call('reverse_text', new Uint8Array(0)).bytes.length, 0);  // an empty result is a block too
  for (const bad of [[0xC3], [0x61, 0xFF], [0xED, 0xA0, 0x80], [0xC0, 0xAF]]) {
    assert.deepEqual(g.call('reverse_text', Uint8Array.from(bad)), { status: App.MalformedText });
  }
  assert.equal(text(g.call('reverse_text', utf8.encode('still works')).bytes), 'skrow llits');
  assert.equal(g.snapshot().liveBlocks, 1);  // the guest's banner: nothing else outlives a call
});

test('parse_record returns the list of fields, read in place with LinearView', async () => {
  const g = await Guest.create();
  const input = record([
    { tag: 1, type: 1, value: -7 }, { tag: 2, type: 2, value: -(2n ** 40n) },
    { tag: 3, type: 3, value: Math.PI }, { tag: 4, type: 4, value: 'héllo ✓' },
  ]);
  const fields = g.callWithView('parse_record', input, readFields);
  assert.deepEqual(fields, [
    { tag: 1, type: 1, value: -7n }, { tag: 2, type: 2, value: -(2n ** 40n) },
    { tag: 3, type: 3, value: Math.PI }, { tag: 4, type: 4, value: 'héllo ✓' },
  ]);
  assert.deepEqual(g.call('parse_record', input.subarray(0, input.length - 1)), { status: App.Truncated });
  assert.deepEqual(g.call('parse_record', Uint8Array.of(1, 2, 3, 4, 0, 0)), { status: App.BadMagic });
  assert.deepEqual(g.call('parse_record', record([{ tag: 9, type: 1, value: 1 }]).map((b, i) => i === 7 ? 77 : b)),
                   { status: App.UnknownType });
});

test('expand_runs returns a result whose size only the guest knows', async () => {
  const g = await Guest.create();
  const out = g.call('expand_runs', Uint8Array.from([...leb128(300), 0x41, ...leb128(1), 0x42, ...leb128(0), 0x43])).bytes;
  assert.equal(out.length, 301);
  assert.ok(out.subarray(0, 300).every((b) => b === 0x41));
  assert.equal(out[300], 0x42);
  assert.deepEqual(g.call('expand_runs', Uint8Array.from(leb128(5))), { status: App.Truncated });
  assert.deepEqual(g.call('expand_runs', Uint8Array.from([...leb128(2 ** 27), 1])), { status: App.TooLarge });
});

test('bad offsets and lengths fail with the documented codes and disturb nothing', async () => {
  const g = await Guest.create();
  // An unrelated live allocation that must survive everything below.
  const witness = g.place(Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + 1) & 0xFF));
  const intact = () => new Uint8Array(g.memory.buffer, witness, 64).every((b, i) => b === ((i * 7 + 1) & 0xFF));
  // A first round trip before the snapshot (it may set up the allocator's records).
  assert.equal(g.free(g.alloc(1)), Status.Ok);
  const before = g.snapshot();

  // alloc: 0 bytes and sizes near 2^32 give 0.
  for (const size of [0, 0xFFFFFFFF, 0xFFFFFFF0, 0xFFFF0001]) assert.equal(g.alloc(size), 0, `alloc(${size})`);
  // free: never allocated, inside a block, past memory; then a double free.
  for (const offset of [8, witness + 16, witness + 1, 0xFFFFFFF0]) {
    assert.equal(g.free(offset), Status.UnknownOffset, `free(${offset})`);
  }
  assert.equal(g.free(0), Status.Ok);  // like free(NULL)
  // free of memory the guest owns.
  const banner = g.exports.banner_offset() >>> 0, bannerLength = g.exports.banner_length() >>> 0;
  assert.equal(g.free(banner), Status.NotHostOwned);
  assert.equal(new LinearView(g.memory, banner, bannerLength).readString(bannerLength), 'host-exchange guest 1');

  // Calls with bad input blocks: nothing is taken, the codes come back.
  const input = g.place(utf8.encode('abc'));
  assert.deepEqual(g.rawCall('reverse_text', input, 1 << 20), { offset: 0, length: Status.TooLong });  // past the block
  assert.deepEqual(g.rawCall('reverse_text', input, 0xFFFFFFFF), { offset: 0, length: Status.TooLong });  // past memory
  assert.deepEqual(g.rawCall('reverse_text', 0xFFFFFFF0, 4), { offset: 0, length: Status.UnknownOffset });
  assert.deepEqual(g.rawCall('parse_record', input + 16, 3), { offset: 0, length: Status.UnknownOffset });
  // A double free, and a call with the freed block. (DoubleFree is reported until
  // the offset is handed out again: then it is someone's live block.)
  const block = g.alloc(100);
  assert.equal(g.free(block), Status.Ok);
  assert.equal(g.free(block), Status.DoubleFree);
  assert.deepEqual(g.rawCall('expand_runs', block, 3), { offset: 0, length: Status.DoubleFree });
  assert.deepEqual(g.rawCall('reverse_text', banner, bannerLength), { offset: 0, length: Status.NotHostOwned });
  // The refused input is still the host's; a good call then takes it.
  const r = g.rawCall('reverse_text', input, 3);
  assert.equal(text(new Uint8Array(g.memory.buffer, r.offset, r.length)), 'cba');
  assert.equal(g.free(r.offset), Status.Ok);
  assert.equal(g.free(input), Status.DoubleFree);  // the guest took it and freed it

  assert.ok(intact(), 'the unrelated allocation was disturbed');
  assert.deepEqual(g.snapshot(), before);  // only the witness is live, as before
  assert.equal(g.free(witness), Status.Ok);
});

// ---- 100,000 round trips: memory must be the same after the last call as after the first thousand.
function* xorshift(seed) {
  let x = seed >>> 0;
  for (;;) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    yield x;
  }
}

// One call of the mix, chosen and sized by the random number `n`; checks its result.
function roundTrip(g, i, n, { leak = false } = {}) {
  const kind = i % 3;
  // Sizes vary per call; every size class of the mix occurs in the first thousand calls.
  const size = i === 0 ? 65536 : n % (i % 100 === 0 ? 65537 : 2049);
  if (kind === 0) {
    const input = new Uint8Array(size).fill(0x61 + (n % 26));
    if (size > 0) input[0] = 0x41;
    const r = g.rawCall('reverse_text', g.place(input), size);
    assert.equal(r.length, size);
    if (size > 0) assert.equal(new Uint8Array(g.memory.buffer, r.offset + size - 1, 1)[0], 0x41);
    if (!leak) assert.equal(g.free(r.offset), Status.Ok);
  } else if (kind === 1) {
    const fields = [{ tag: 1, type: 1, value: n | 0 }, { tag: 2, type: 4, value: 'x'.repeat(size % 300) }];
    const got = g.callWithView('parse_record', record(fields), readFields);
    assert.equal(got[0].value, BigInt(n | 0));
    assert.equal(got[1].value.length, size % 300);
  } else {
    const count = size * 4;  // the guest's output is 4x the host's guess from the input size
    const out = g.call('expand_runs', Uint8Array.from([...leb128(count), 7])).bytes;
    assert.equal(out.length, count);
  }
}

function runRoundTrips(g, calls, options) {
  const random = xorshift(0x9E3779B9);
  let afterThousand;
  for (let i = 0; i < calls; i++) {
    roundTrip(g, i, random.next().value, options);
    if (i === 999) afterThousand = g.snapshot();
  }
  return { afterThousand, atEnd: g.snapshot() };
}

test('an empty input is valid at any offset and needs no block', async () => {
  // jco passes (1, 0) for "", an empty list can come as (0, 0): the guest takes nothing then.
  const g = await Guest.create();
  const before = g.snapshot();
  const banner = g.exports.banner_offset() >>> 0;
  for (const offset of [0, 1, 8, banner, 0xFFFFFFF0]) {
    const r = g.rawCall('reverse_text', offset, 0);
    assert.notEqual(r.offset, 0, `reverse_text(${offset}, 0) failed with status ${r.length}`);
    assert.equal(r.length, 0);
    assert.equal(g.free(r.offset), Status.Ok);  // an empty result is a block too
  }
  assert.equal(g.free(banner), Status.NotHostOwned);  // the guest's own block was not taken
  assert.deepEqual(g.snapshot(), before);
});

test('a host sees a block released through the release counter and the block generation', async () => {
  // What JavaScript's checked views do (docs/host-abi.md): record the generation
  // of the viewed block, re-ask it only when the counter moved.
  const g = await Guest.create();
  const x = g.exports;
  const counterAt = x.platform_buffer_release_counter() >>> 0;
  assert.notEqual(counterAt, 0);
  const count = () => new DataView(g.memory.buffer).getUint32(counterAt, true);
  const input = g.place(utf8.encode('abcdef'));
  const generation = x.platform_buffer_block_generation(input) >>> 0;
  assert.notEqual(generation, 0);
  assert.equal(x.platform_buffer_block_generation(input + 5) >>> 0, generation);  // any byte of the block
  const before = count();
  const r = g.rawCall('reverse_text', input, 6);  // the guest takes the input and frees it
  assert.notEqual(r.offset, 0);
  assert.equal(count(), before + 1);
  assert.notEqual(x.platform_buffer_block_generation(input) >>> 0, generation);  // gone, or someone else's now
  const resultGeneration = x.platform_buffer_block_generation(r.offset) >>> 0;
  assert.notEqual(resultGeneration, 0);
  assert.equal(g.free(r.offset), Status.Ok);
  assert.equal(count(), before + 2);
  assert.equal(x.platform_buffer_block_generation(r.offset) >>> 0, 0);
});

test('100,000 round trips of varying sizes leak nothing', async () => {
  const g = await Guest.create();
  const baseline = g.snapshot();
  const { afterThousand, atEnd } = runRoundTrips(g, 100_000);
  console.log(`node host: after 1000 calls ${JSON.stringify(afterThousand)}; after 100000 ${JSON.stringify(atEnd)}`);
  assert.deepEqual(atEnd, afterThousand);
  assert.equal(atEnd.liveBlocks, baseline.liveBlocks);
  assert.equal(atEnd.bytesInUse, baseline.bytesInUse);
});

test('the leak check catches a host that forgets to free', async () => {
  // The same loop, but one kind of result is never freed: the check above must see it.
  const g = await Guest.create();
  const { afterThousand, atEnd } = runRoundTrips(g, 3000, { leak: true });
  assert.notDeepEqual(atEnd, afterThousand);
  assert.ok(atEnd.liveBlocks > afterThousand.liveBlocks);
});

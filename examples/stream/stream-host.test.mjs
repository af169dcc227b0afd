// A Node host feeding the stream guest (guest.cpp) chunk by chunk, as data
// arriving from a network would: each chunk is written once, into guest memory
// (platform_buffer_alloc + one copy), and handed over with stream_push. The
// frames the guest reports must be exactly those of a contiguous parse of the
// whole stream, each reported by the push that brings its last byte, whatever
// the chunk boundaries (random, 1 byte to 64 KiB).
//   STREAM_GUEST_WASM=path/to/stream_example_guest.wasm \
//     node --experimental-wasi-unstable-preview1 stream-host.test.mjs
// Node 18 and later (the flag turns node:wasi on in Node 18 releases before 18.20).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const wasmPath = process.env.STREAM_GUEST_WASM;
if (!wasmPath) throw new Error('set STREAM_GUEST_WASM to the built stream_example_guest.wasm');
const module = await WebAssembly.compile(await readFile(wasmPath));

const Status = { UnknownOffset: 1, DoubleFree: 2, TooLong: 4 };
const App = { BadMagic: 256, BadLength: 257 };
const MAGIC = [0x50, 0x42, 0x53, 0x31];  // "PBS1"

class Guest {
  static async create() {
    // WASI only serves the default error handler's message (the guest never fails that way).
    const wasi = new WASI({ version: 'preview1', returnOnExit: true });
    const imports = wasi.getImportObject ? wasi.getImportObject() : { wasi_snapshot_preview1: wasi.wasiImport };
    const instance = await WebAssembly.instantiate(module, imports);
    wasi.initialize(instance);  // a reactor: runs the static constructors once
    return new Guest(instance.exports);
  }

  constructor(exports) {
    this.x = exports;
  }

  // Writes the chunk into a new guest block: the one copy. Returns the block's offset.
  place(chunk) {
    const offset = this.x.platform_buffer_alloc(chunk.length) >>> 0;
    assert.notEqual(offset, 0, `platform_buffer_alloc(${chunk.length}) failed`);
    new Uint8Array(this.x.memory.buffer, offset, chunk.length).set(chunk);
    return offset;
  }

  // Pushes a block (the guest takes it over); returns { frames } or { status }.
  pushAt(offset, length) {
    const r = BigInt.asUintN(64, this.x.stream_push(offset, length));
    const at = Number(r >> 32n), size = Number(r & 0xFFFFFFFFn);
    if (at === 0) return { status: size };
    const view = new DataView(this.x.memory.buffer, at, size);
    const count = view.getUint32(0);
    assert.equal(size, 4 + count * 18);
    const frames = [];
    for (let i = 0, p = 4; i < count; i++, p += 18) {
      frames.push({ kind: view.getUint16(p), sequence: view.getUint32(p + 2), length: view.getUint32(p + 6),
                    hash: view.getUint32(p + 10), bodyOffset: view.getUint32(p + 14) });
    }
    assert.equal(this.x.platform_buffer_free(at), 0);
    return { frames };
  }

  push(chunk) {
    const offset = this.place(chunk);
    return { offset, ...this.pushAt(offset, chunk.length) };
  }

  stats() {
    return { liveBlocks: this.x.platform_buffer_live_blocks() >>> 0, bytesInUse: this.x.platform_buffer_bytes_in_use() >>> 0,
             available: this.x.stream_available() >>> 0, chunks: this.x.stream_chunks() >>> 0 };
  }
}

function* xorshift(seed) {
  let x = seed >>> 0 || 1;
  for (;;) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    yield x;
  }
}

function fnv1a(bytes) {
  let h = 2166136261;
  for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
}

// A stream of `count` frames with bodies of mixed sizes: mostly small, some of
// several KiB, a few past 64 KiB (so they span many chunks).
function makeStream(random, count) {
  const parts = [Uint8Array.from(MAGIC)];
  for (let sequence = 0; sequence < count; sequence++) {
    const r = random.next().value;
    const bodyLength = r % 10 < 6 ? r % 120 : r % 10 < 9 ? r % 6000 : r % 150000;
    const frame = new Uint8Array(10 + bodyLength);
    const d = new DataView(frame.buffer);
    d.setUint32(0, 6 + bodyLength);
    d.setUint16(4, r >>> 16);
    d.setUint32(6, sequence);
    for (let i = 10; i < frame.length; i++) frame[i] = (i * 31 + sequence) & 0xFF;
    parts.push(frame);
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  return all;
}

// The contiguous parse, in JavaScript: every frame, its body's place in the stream and where it ends.
function parseContiguous(bytes) {
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  assert.deepEqual([...bytes.subarray(0, 4)], MAGIC);
  const frames = [];
  for (let p = 4; p + 4 <= bytes.length;) {
    const length = d.getUint32(p);
    if (p + 4 + length > bytes.length) break;
    const body = bytes.subarray(p + 10, p + 4 + length);
    frames.push({ kind: d.getUint16(p + 4), sequence: d.getUint32(p + 6), length: body.length, hash: fnv1a(body),
                  bodyStart: p + 10, end: p + 4 + length });
    p += 4 + length;
  }
  return frames;
}

// Splits the stream at random boundaries (sizes from 1 byte to 64 KiB, log-uniform, so
// that tiny chunks are as common as large ones) and pushes each chunk. Checks every
// push's frames against the contiguous parse: the frames whose last byte it brought,
// and for a body inside one chunk, that the guest read it where the host wrote it.
// `from`: where to start, when the bytes before it were pushed already.
function feed(g, bytes, nextSize, from = 0) {
  const expected = parseContiguous(bytes);
  const chunks = [];  // { start, end, offset } of each chunk pushed
  let got = expected.filter((f) => f.end <= from).length;  // frames reported so far
  let views = 0, copies = 0;
  for (let start = from; start < bytes.length;) {
    const end = Math.min(bytes.length, start + nextSize());
    const { offset, frames, status } = g.push(bytes.subarray(start, end));
    assert.equal(status, undefined, `push of [${start}, ${end}) failed with status ${status}`);
    chunks.push({ start, end, offset });
    for (const f of frames) {
      const want = expected[got++];
      assert.ok(want, 'the guest reported a frame the contiguous parse does not have');
      assert.deepEqual({ kind: f.kind, sequence: f.sequence, length: f.length, hash: f.hash },
                       { kind: want.kind, sequence: want.sequence, length: want.length, hash: want.hash });
      assert.ok(want.end > start && want.end <= end, `frame ${want.sequence} reported by the wrong push`);
      if (want.length > 0) {
        const home = chunks.find((c) => want.bodyStart >= c.start && want.bodyStart < c.end);
        if (want.bodyStart + want.length <= home.end) {  // inside one chunk: a view of the host's block
          assert.equal(f.bodyOffset, home.offset + (want.bodyStart - home.start), `frame ${want.sequence} was copied`);
          views++;
        } else {  // across chunks: the one copy, somewhere else
          assert.ok(f.bodyOffset < home.offset || f.bodyOffset >= home.offset + (home.end - home.start));
          copies++;
        }
      }
    }
    // Every frame that ended in this chunk or before has been reported.
    assert.equal(got, expected.filter((f) => f.end <= end).length);
    start = end;
  }
  assert.equal(got, expected.length);
  return { frames: got, pushes: chunks.length, views, copies };
}

const logUniform = (random, max) => () => {
  const bits = random.next().value % 17;  // 2^0 .. 2^16
  return Math.min(max, 1 + (random.next().value % (2 ** bits)));
};

test('random chunk boundaries from 1 byte to 64 KiB give exactly the frames of the contiguous parse', async () => {
  const g = await Guest.create();
  const baseline = g.stats();
  for (const seed of [1, 2, 3, 4, 5]) {
    const random = xorshift(0x9E3779B9 * seed);
    const bytes = makeStream(random, 400);
    const r = feed(g, bytes, logUniform(random, 65536));
    console.log(`seed ${seed}: ${bytes.length} bytes in ${r.pushes} chunks, ${r.frames} frames (${r.views} bodies read in place, ${r.copies} copied)`);
    assert.ok(r.views > 0 && r.copies > 0);
    // Everything consumed: every chunk released, no block left behind.
    assert.deepEqual(g.stats(), baseline);
    g.x.stream_reset();
  }
});

test('1-byte chunks and 64 KiB chunks', async () => {
  const g = await Guest.create();
  const baseline = g.stats();
  const random = xorshift(77);
  const small = makeStream(random, 60).subarray(0, 20000);  // ends inside a frame
  const r = feed(g, small, () => 1);
  assert.equal(r.pushes, small.length);
  const pending = g.stats();
  assert.ok(pending.available > 0 && pending.chunks === pending.available);  // the unfinished frame, byte by byte
  g.x.stream_reset();
  assert.deepEqual(g.stats(), baseline);  // reset releases every chunk
  feed(g, makeStream(random, 300), () => 65536);
  assert.deepEqual(g.stats(), baseline);
});

test('guest memory stays the same over many streams', async () => {
  const g = await Guest.create();
  const random = xorshift(4242);
  let first;
  for (let i = 0; i < 20; i++) {
    feed(g, makeStream(random, 100), logUniform(random, 65536));
    g.x.stream_reset();
    if (i === 4) first = { memory: g.x.memory.buffer.byteLength, ...g.stats() };
  }
  assert.deepEqual({ memory: g.x.memory.buffer.byteLength, ...g.stats() }, first);
});

test('bad blocks, a bad magic and a bad frame length are reported, and nothing else changes', async () => {
  const g = await Guest.create();
  const random = xorshift(9);
  const bytes = makeStream(random, 10);
  g.push(bytes.subarray(0, 7));  // the magic and part of the first frame
  const before = g.stats();
  // Blocks the guest cannot take: the processor is untouched.
  assert.equal(g.pushAt(0xFFFFFFF0, 4).status, Status.UnknownOffset);
  const block = g.place(Uint8Array.of(1, 2, 3));
  assert.equal(g.pushAt(block, 1 << 20).status, Status.TooLong);  // the block stays the host's
  assert.equal(g.x.platform_buffer_free(block), 0);
  assert.equal(g.pushAt(block, 3).status, Status.DoubleFree);
  assert.deepEqual(g.stats(), before);
  assert.equal(feed(g, bytes, () => 5, 7).frames, 10);  // the stream goes on where it was

  // A stream that is not this protocol: found at its first differing byte.
  g.x.stream_reset();
  assert.equal(g.push(Uint8Array.of(0x50, 0x42)).frames.length, 0);  // a matching prefix: wait
  assert.equal(g.push(Uint8Array.of(0x58)).status, App.BadMagic);
  assert.equal(g.push(Uint8Array.of(1)).status, App.BadMagic);  // final until reset
  // A frame length out of range, before its body could ever be buffered.
  g.x.stream_reset();
  assert.equal(g.push(Uint8Array.from([...MAGIC, 0x7F, 0xFF, 0xFF, 0xFF])).status, App.BadLength);
  g.x.stream_reset();
  assert.equal(g.push(Uint8Array.from([...MAGIC, 0, 0, 0, 5])).status, App.BadLength);
  g.x.stream_reset();
  assert.equal(g.stats().liveBlocks, before.liveBlocks - before.chunks);  // nothing buffered, nothing leaked
});

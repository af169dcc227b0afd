// Checked mode: a CheckedLinearView whose block the allocator released throws
// a StaleViewError on its next access, before touching memory, even after the
// block has a new owner. The allocator is a JavaScript stand-in over a real
// WebAssembly.Memory with the two exports of the C++ side:
//   platform_buffer_block_generation(offset) -> u32 (0: no live block there)
//   platform_buffer_release_counter() -> offset of a u32 bumped on every release
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LinearView, CheckedLinearView, StaleViewError, BufferUnderflowError, writeFromJsArray, readToJsArray,
} from '../../src/index.mjs';
import { CHECKED, ViewType, makeView, canaryMemory, snapshot, hex, bytesAt } from '../support.mjs';

const COUNTER = 8;  // where the stand-in keeps its release counter

// A first-fit allocator that reuses released blocks at once (so a stale view's
// block soon has a new owner), with a new generation per allocation.
class StandInAllocator {
  constructor(pages = 1) {
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: 64 });
    this.blocks = [];  // { offset, size, generation }, sorted by offset
    this.nextGeneration = 1;
    this.generationCalls = 0;
    this.exports = {
      memory: this.memory,
      platform_buffer_block_generation: (offset) => {
        this.generationCalls++;
        const block = this.blocks.find((b) => offset >= b.offset && offset < b.offset + b.size);
        // An i32 result reaches JS signed: generations past 2^31 arrive negative.
        return block ? block.generation | 0 : 0;
      },
      platform_buffer_release_counter: () => COUNTER,
    };
  }

  allocate(size) {
    let offset = 64;
    for (const b of this.blocks) {
      if (b.offset - offset >= size) break;
      offset = b.offset + b.size;
    }
    const block = { offset, size, generation: this.nextGeneration++ };
    this.blocks.push(block);
    this.blocks.sort((a, b) => a.offset - b.offset);
    new Uint8Array(this.memory.buffer, offset, size).fill(0);
    return offset;
  }

  release(offset) {
    this.blocks = this.blocks.filter((b) => b.offset !== offset);
    const counter = new DataView(this.memory.buffer, COUNTER, 4);
    counter.setUint32(0, counter.getUint32(0, true) + 1, true);
  }

  view(offset, size, order = 'BigEndian') {
    return new CheckedLinearView(this.memory, offset, size, order, this.exports);
  }
}

// Every operation of a view, as [name, (view) => ...], each touching bytes.
const OPERATIONS = [
  ['writeByte', (v) => v.writeByte(1)], ['writeUByte', (v) => v.writeUByte(1)], ['writeShort', (v) => v.writeShort(1)],
  ['writeUShort', (v) => v.writeUShort(1)], ['writeInt', (v) => v.writeInt(1)], ['writeUInt', (v) => v.writeUInt(1)],
  ['writeLong', (v) => v.writeLong(1n)], ['writeULong', (v) => v.writeULong(1n)], ['writeFloat', (v) => v.writeFloat(1)],
  ['writeDouble', (v) => v.writeDouble(1)],
  ['readByte', (v) => v.readByte()], ['readUnsignedByte', (v) => v.readUnsignedByte()], ['readShort', (v) => v.readShort()],
  ['readUnsignedShort', (v) => v.readUnsignedShort()], ['readInt', (v) => v.readInt()],
  ['readUnsignedInt', (v) => v.readUnsignedInt()], ['readLong', (v) => v.readLong()],
  ['readUnsignedLong', (v) => v.readUnsignedLong()], ['readFloat', (v) => v.readFloat()], ['readDouble', (v) => v.readDouble()],
  ['get', (v) => v.get(0)], ['getUnsignedByte', (v) => v.getUnsignedByte(0)], ['getShort', (v) => v.getShort(0)],
  ['getUnsignedShort', (v) => v.getUnsignedShort(0)], ['getInt', (v) => v.getInt(0)],
  ['getUnsignedInt', (v) => v.getUnsignedInt(0)], ['getLong', (v) => v.getLong(0)],
  ['getUnsignedLong', (v) => v.getUnsignedLong(0)], ['getFloat', (v) => v.getFloat(0)], ['getDouble', (v) => v.getDouble(0)],
  ['setByte', (v) => v.setByte(0, 1)], ['setUByte', (v) => v.setUByte(0, 1)], ['setShort', (v) => v.setShort(0, 1)],
  ['setUShort', (v) => v.setUShort(0, 1)], ['setInt', (v) => v.setInt(0, 1)], ['setUInt', (v) => v.setUInt(0, 1)],
  ['setLong', (v) => v.setLong(0, 1n)], ['setULong', (v) => v.setULong(0, 1n)], ['setFloat', (v) => v.setFloat(0, 1)],
  ['setDouble', (v) => v.setDouble(0, 1)],
  ['writeBytes', (v) => v.writeBytes(Uint8Array.of(1, 2))], ['readBytes', (v) => v.readBytes(2)],
  ['readByteArray', (v) => v.readByteArray(2)], ['slice', (v) => v.slice()], ['remainingSpan', (v) => v.remainingSpan()],
  ['writeString', (v) => v.writeString('hi')], ['readString', (v) => v.readString(2)],
  ['writeString', (v) => v.writeString('hi', 'UTF16LittleEndian')], ['readString', (v) => v.readString(2, 'ISOLatin1')],
  ['writeFromJsArray', (v) => writeFromJsArray(v, Int32Array.of(1))], ['readToJsArray', (v) => readToJsArray(v, new Int32Array(1))],
];

test('every byte-touching method of LinearView is checked', () => {
  // A new method on LinearView must get its check in CheckedLinearView too.
  const STATE = ['constructor', 'memory', 'baseOffset', 'linearMemoryOffset', 'capacity', 'limit', 'remaining',
    'hasRemaining', 'byteOrder', 'position', 'setLimit', 'resetForRead', 'resetForWrite', 'toString'];
  const methods = Object.getOwnPropertyNames(LinearView.prototype).filter((m) => !STATE.includes(m));
  const checked = Object.getOwnPropertyNames(CheckedLinearView.prototype);
  for (const m of methods) assert.ok(checked.includes(m), `CheckedLinearView does not check ${m}`);
  for (const m of methods) assert.ok(OPERATIONS.some(([name]) => name === m), `no stale-view test for ${m}`);
});

for (const [name, operation] of OPERATIONS) {
  test(`${name} on a released view throws StaleViewError and leaves the new owner's bytes alone`, () => {
    const a = new StandInAllocator();
    const offset = a.allocate(32);
    const view = a.view(offset, 32, 'LittleEndian');
    view.setInt(0, 0x11111111);
    operation(view.position(0));  // works while the block is live
    view.position(0);
    a.release(offset);
    const reused = a.allocate(32);
    assert.equal(reused, offset, 'the stand-in hands the block out again');
    new Uint8Array(a.memory.buffer, reused, 32).fill(0x5a);  // the new owner's bytes
    const before = snapshot(a.memory);
    assert.throws(() => operation(view), (e) => e instanceof StaleViewError && e.name === 'StaleViewError' &&
      e.message.startsWith(`${name}: this view's buffer was released on the C++ side`) &&
      /had generation 1 when the view was made, and the block there now is another buffer \(generation 2\)/.test(e.message));
    assert.ok(Buffer.compare(before, snapshot(a.memory)) === 0, 'no byte touched');
    assert.equal(view.position(), 0, 'the position did not move');
    assert.throws(() => operation(view), StaleViewError, 'and again on the next access');
  });
}

test('a released block that is not reused: the error says no live block is there', () => {
  const a = new StandInAllocator();
  const offset = a.allocate(16);
  const view = a.view(offset, 16);
  a.release(offset);
  assert.throws(() => view.readInt(), /readInt: .* and no live block is there now/);
  assert.equal(view.isLive(), false);
});

test('releases of other blocks cost one generation lookup, then the view runs on the counter alone', () => {
  const a = new StandInAllocator();
  const mine = a.allocate(64), other = a.allocate(64);
  const view = a.view(mine, 64);
  const created = a.generationCalls;
  for (let i = 0; i < 100; i++) view.setInt((i % 16) * 4, i);
  assert.equal(a.generationCalls, created, 'no lookup while nothing is released');
  a.release(other);
  view.getInt(0);
  assert.equal(a.generationCalls, created + 1, 'one lookup after a release elsewhere');
  for (let i = 0; i < 100; i++) view.getInt((i % 16) * 4);
  assert.equal(a.generationCalls, created + 1, 'then none again');
  assert.equal(view.getInt(60), 95);
  assert.equal(view.isLive(), true);
});

test('views made from a checked view (readBytes, slice) are checked against the same block', () => {
  const a = new StandInAllocator();
  const offset = a.allocate(16);
  const view = a.view(offset, 16);
  view.writeInt(7).writeInt(8);
  view.position(0);
  const part = view.readBytes(4);
  const rest = view.slice();
  const end = view.position(16).slice();  // empty, at the block's end: still this block
  assert.ok(part instanceof CheckedLinearView && rest instanceof CheckedLinearView && end instanceof CheckedLinearView);
  assert.equal(part.readInt(), 7);
  assert.equal(rest.getInt(0), 8);
  assert.equal(end.capacity(), 0);
  a.release(offset);
  a.allocate(16);
  assert.throws(() => part.getInt(0), StaleViewError);
  assert.throws(() => rest.getInt(0), StaleViewError);
  assert.throws(() => end.remainingSpan(), StaleViewError);
});

test('a checked view is made over a live block only, and within it', () => {
  const a = new StandInAllocator();
  const offset = a.allocate(32);
  assert.throws(() => a.view(offset + 64, 4), /no live block of the allocator contains offset/);
  assert.throws(() => a.view(offset + 16, 32), /runs past the end of the live block/);
  assert.equal(a.view(offset + 16, 16).capacity(), 16, 'a part of a block is fine');
  assert.throws(() => a.view(offset + 32, 0), /no live block/, 'an empty view made directly must start in a live block');
  assert.equal(a.view(offset + 31, 0).capacity(), 0);
});

test('the tracking exports are checked when a view is made', () => {
  const memory = canaryMemory();
  const ok = { platform_buffer_block_generation: () => 1, platform_buffer_release_counter: () => 4 };
  assert.throws(() => new CheckedLinearView(memory, 0, 8, 'BigEndian'), /needs the module's platform_buffer_block_generation/);
  assert.throws(() => new CheckedLinearView(memory, 0, 8, 'BigEndian', { ...ok, platform_buffer_release_counter: 3 }),
    /platform_buffer_release_counter export \(a function\)/);
  assert.throws(() => new CheckedLinearView(memory, 0, 8, 'BigEndian',
    { ...ok, platform_buffer_release_counter: () => 65534 }), /outside the 65536 bytes of memory/);
  assert.throws(() => new CheckedLinearView(memory, 0, 8, 'BigEndian', { ...ok, platform_buffer_release_counter: () => 0 }),
    /release_counter\(\) returned 0: the allocator could not set up its release counter/);
  assert.throws(() => CheckedLinearView.fromExports({ ...ok }, 0, 8), /no WebAssembly.Memory named "memory"/);
  const view = CheckedLinearView.fromExports({ ...ok, memory }, 0, 8, 'LittleEndian');
  assert.equal(view.byteOrder(), 'LittleEndian');
  assert.ok(view instanceof LinearView, 'a checked view is a LinearView');
});

test('generations past 2^31 (signed i32 results) and a counter that wraps', () => {
  const a = new StandInAllocator();
  a.nextGeneration = 0xFFFFFFF0;
  const offset = a.allocate(8);
  const view = a.view(offset, 8);
  view.setInt(0, 5);
  new DataView(a.memory.buffer).setUint32(COUNTER, 0xFFFFFFFF, true);
  assert.equal(view.getInt(0), 5, 'the view sees the counter at 2^32 - 1, asks, and is live');
  a.release(offset);  // the counter wraps to 0: still a change
  a.allocate(8);
  assert.throws(() => view.getInt(0), StaleViewError);
});

test('the counter is read from the current memory after it grows', () => {
  const a = new StandInAllocator();
  const offset = a.allocate(8), other = a.allocate(8);
  const view = a.view(offset, 8);
  view.setInt(0, 1);
  a.memory.grow(2);
  assert.equal(view.getInt(0), 1, 'live after growth');
  a.release(other);
  a.memory.grow(1);
  assert.equal(view.getInt(0), 1, 'a release elsewhere, then growth: still live');
  a.release(offset);
  a.memory.grow(1);
  assert.throws(() => view.getInt(0), StaleViewError, 'released, then growth: stale');
});

test('checked views behave as plain views while live', () => {
  const a = new StandInAllocator();
  const offset = a.allocate(64);
  const checked = a.view(offset, 64, 'LittleEndian');
  const plain = new LinearView(a.memory, offset, 64, 'LittleEndian');
  checked.writeInt(-5).writeDouble(Math.PI).writeString('héllo', 'UTF16BigEndian').setShort(40, 7);
  assert.equal(plain.readInt(), -5);
  assert.equal(plain.readDouble(), Math.PI);
  assert.equal(plain.readString(10, 'UTF16BigEndian'), 'héllo');
  assert.equal(plain.getShort(40), 7);
  assert.throws(() => checked.position(0).setLimit(2).readInt(), BufferUnderflowError, 'ordinary errors stay ordinary');
  assert.equal(String(checked), 'CheckedLinearView(LittleEndian, baseOffset 64, position 0, limit 2, capacity 64)');
  assert.equal(hex(bytesAt(a.memory, offset, 4)), 'fb ff ff ff');
});

test(`the suite runs in ${CHECKED ? 'checked' : 'plain'} mode (PLATFORM_BUFFER_CHECKED=${CHECKED ? 1 : 'unset'})`, () => {
  const view = makeView(canaryMemory(), 0, 8);
  assert.equal(view.constructor, ViewType);
  assert.equal(view instanceof CheckedLinearView, CHECKED);
});

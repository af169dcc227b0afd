// Memory growth mid-session: memory.grow detaches the old ArrayBuffer; a view
// made before must keep reading and writing the same bytes, never through the
// stale buffer and never dropping a write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearView, writeFromJsArray, readToJsArray } from '../../src/index.mjs';
import { ORDERS, canaryMemory, bytesAt, hex, makeView } from '../support.mjs';

test('the premise: growing detaches the old buffer and a DataView over it throws', () => {
  const memory = canaryMemory();
  const old = memory.buffer;
  const stale = new DataView(old, 0, 8);
  memory.grow(1);
  assert.equal(old.byteLength, 0);
  assert.notEqual(memory.buffer, old);
  assert.throws(() => stale.getInt32(0), TypeError);
});

for (const order of ORDERS) {
  test(`${order}: every primitive with a grow between each write and its read`, () => {
    const memory = canaryMemory({ initial: 1, maximum: 64 });
    const view = makeView(memory, 1000, 128, order);
    const values = [
      ['writeByte', 'readByte', 'get', -7, 1], ['writeUByte', 'readUnsignedByte', 'getUnsignedByte', 250, 1],
      ['writeShort', 'readShort', 'getShort', -1234, 2], ['writeUShort', 'readUnsignedShort', 'getUnsignedShort', 65000, 2],
      ['writeInt', 'readInt', 'getInt', -123456, 4], ['writeUInt', 'readUnsignedInt', 'getUnsignedInt', 4e9, 4],
      ['writeLong', 'readLong', 'getLong', -(2n ** 40n), 8], ['writeULong', 'readUnsignedLong', 'getUnsignedLong', 2n ** 63n, 8],
      ['writeFloat', 'readFloat', 'getFloat', 0.75, 4], ['writeDouble', 'readDouble', 'getDouble', -1e300, 8],
    ];
    let at = 0;
    for (const [write, , get, value, size] of values) {
      memory.grow(1);
      view[write](value);
      memory.grow(1);
      assert.equal(view[get](at), value, `${get} after a grow`);
      // The write went to the live memory, seen through a brand-new view of it.
      const fresh = makeView(memory, 1000, 128, order);
      assert.equal(fresh[get](at), value, `${write} was not lost`);
      at += size;
    }
    view.resetForRead();
    for (const [, read, , value] of values) {
      memory.grow(1);
      assert.equal(view[read](), value, read);
    }
    assert.equal(memory.buffer.byteLength, 31 * 65536);
  });
}

test('absolute setters after a grow land in the live memory', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 64, 16, 'LittleEndian');
  view.getInt(0); // attach to the first buffer
  memory.grow(2);
  view.setInt(4, 0x01020304).setLong(8, -1n).setUByte(0, 9);
  assert.equal(hex(bytesAt(memory, 64, 16)), '09 a5 a5 a5 04 03 02 01 ff ff ff ff ff ff ff ff');
});

test('bytes, strings and arrays after a grow', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 256, 64);
  view.writeInt(1);
  memory.grow(1);
  view.writeBytes(Uint8Array.of(0xaa, 0xbb));
  memory.grow(1);
  view.writeString('héllo');
  memory.grow(1);
  writeFromJsArray(view, Int16Array.of(-2, 3));
  memory.grow(1);
  assert.equal(hex(bytesAt(memory, 256, 16)), '00 00 00 01 aa bb 68 c3 a9 6c 6c 6f ff fe 00 03');

  view.resetForRead();
  memory.grow(1);
  assert.equal(view.readInt(), 1);
  memory.grow(1);
  assert.equal(hex(view.readByteArray(2)), 'aa bb');
  memory.grow(1);
  assert.equal(view.readString(6), 'héllo');
  memory.grow(1);
  const out = new Int16Array(2);
  readToJsArray(view, out);
  assert.deepEqual(Array.from(out), [-2, 3]);
});

test('views made before a grow (slice, readBytes) keep working after it', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 16);
  view.writeInt(0x11223344).writeInt(0x55667788).resetForRead();
  const slice = view.slice();
  const next = view.readBytes(4);
  memory.grow(1);
  assert.equal(slice.getInt(4), 0x55667788);
  assert.equal(next.readInt(), 0x11223344);
  next.setShort(0, 0x0102);
  assert.equal(view.getShort(0), 0x0102);
});

test('many grows in a row, with accesses in between', () => {
  const memory = canaryMemory({ initial: 1, maximum: 200 });
  const view = makeView(memory, 8, 4096, 'LittleEndian');
  for (let i = 0; i < 150; i++) {
    view.setInt((i * 4) % 4096, i);
    memory.grow(1);
    assert.equal(view.getInt((i * 4) % 4096), i);
  }
});

test('shared memory: the old SharedArrayBuffer is not detached; the view stays correct', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
  const view = makeView(memory, 16, 16);
  view.writeInt(5);
  memory.grow(1);
  view.writeInt(6);
  assert.equal(new DataView(memory.buffer).getInt32(20), 6);
  view.resetForRead();
  assert.deepEqual([view.readInt(), view.readInt()], [5, 6]);
});

test('a TypeError that is not about growth still surfaces', () => {
  // The retry path must not swallow errors: a wrong value type is a TypeError
  // raised before any access, with nothing written.
  const memory = canaryMemory();
  const view = makeView(memory, 0, 8);
  memory.grow(1);
  assert.throws(() => view.writeLong(1), TypeError);
  assert.equal(view.position(), 0);
});

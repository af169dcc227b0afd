// Cursors, bounds and argument checks: every failure is a RangeError (or a
// TypeError for a value of the wrong type) and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LinearView, BufferOverflowError, BufferUnderflowError, writeFromJsArray, readToJsArray,
} from '../../src/index.mjs';
import { canaryMemory, snapshot, bytesAt, hex, makeView, assertNoEffect } from '../support.mjs';


test('a new view: position 0, limit = capacity = length', () => {
  const view = makeView(canaryMemory(), 16, 32);
  assert.equal(view.position(), 0);
  assert.equal(view.limit(), 32);
  assert.equal(view.capacity(), 32);
  assert.equal(view.remaining(), 32);
  assert.equal(view.hasRemaining(), true);
  assert.equal(view.baseOffset(), 16);
  assert.equal(view.linearMemoryOffset(), 16);
  view.position(5);
  assert.equal(view.linearMemoryOffset(), 21);
});

test('position(n), setLimit(n), resetForRead, resetForWrite follow java.nio', () => {
  const view = makeView(canaryMemory(), 0, 10);
  assert.equal(view.position(4), view);
  assert.throws(() => view.position(11), RangeError);
  assert.equal(view.position(), 4);
  view.setLimit(6);
  assert.throws(() => view.position(7), RangeError, 'position past the limit');
  assert.throws(() => view.setLimit(11), RangeError, 'limit past the capacity');
  assert.equal(view.limit(), 6);
  view.setLimit(2);
  assert.equal(view.position(), 2, 'a position past the new limit moves to it');
  view.resetForWrite();
  assert.deepEqual([view.position(), view.limit()], [0, 10]);
  view.writeInt(7);
  view.resetForRead();
  assert.deepEqual([view.position(), view.limit()], [0, 4]);
  for (const bad of [-1, 1.5, NaN, '1', null, 2 ** 53]) {
    assert.throws(() => view.position(bad), RangeError, `position(${bad})`);
    assert.throws(() => view.setLimit(bad), RangeError, `setLimit(${bad})`);
  }
  assert.deepEqual([view.position(), view.limit()], [0, 4]);
});

test('the constructor checks its memory, range and byte order', () => {
  const memory = canaryMemory({ initial: 1 });
  assert.throws(() => makeView({ buffer: new ArrayBuffer(8) }, 0, 8), TypeError);
  assert.throws(() => makeView(memory, 65536, 1), RangeError);
  assert.throws(() => makeView(memory, 65530, 7), RangeError);
  assert.throws(() => makeView(memory, -1, 1), RangeError);
  assert.throws(() => makeView(memory, 0.5, 1), RangeError);
  assert.throws(() => makeView(memory, 0, 4, 'big'), RangeError);
  assert.equal(makeView(memory, 65536, 0).capacity(), 0, 'an empty view at the end is fine');
  assert.equal(makeView(memory, 65528, 8).capacity(), 8);
});

test('fromExports takes the memory export', () => {
  const memory = canaryMemory();
  const view = LinearView.fromExports({ memory }, 8, 8, 'LittleEndian');
  assert.equal(view.memory(), memory);
  assert.equal(view.byteOrder(), 'LittleEndian');
});

const WRITES = [
  ['writeByte', 1, 1], ['writeUByte', 1, 1], ['writeShort', 1, 2], ['writeUShort', 1, 2],
  ['writeInt', 1, 4], ['writeUInt', 1, 4], ['writeLong', 1n, 8], ['writeULong', 1n, 8],
  ['writeFloat', 1, 4], ['writeDouble', 1, 8],
];
const READS = [
  ['readByte', 1], ['readUnsignedByte', 1], ['readShort', 2], ['readUnsignedShort', 2], ['readInt', 4],
  ['readUnsignedInt', 4], ['readLong', 8], ['readUnsignedLong', 8], ['readFloat', 4], ['readDouble', 8],
];
const SETS = WRITES.map(([name, v, size]) => [name.replace('write', 'set'), v, size]);
const GETS = [
  ['get', 1], ['getUnsignedByte', 1], ['getShort', 2], ['getUnsignedShort', 2], ['getInt', 4],
  ['getUnsignedInt', 4], ['getLong', 8], ['getUnsignedLong', 8], ['getFloat', 4], ['getDouble', 8],
];

test('a relative write that does not fit is a BufferOverflowError and writes nothing', () => {
  for (const [name, value, size] of WRITES) {
    const memory = canaryMemory();
    const view = makeView(memory, 8, 16);
    view.setLimit(12);
    view.position(12 - size + 1);
    assertNoEffect(memory, view, () => view[name](value), BufferOverflowError);
    view.position(12 - size);
    view[name](value); // exactly fits
    assert.equal(view.position(), 12);
  }
});

test('a relative read past the limit is a BufferUnderflowError and consumes nothing', () => {
  for (const [name, size] of READS) {
    const memory = canaryMemory();
    const view = makeView(memory, 8, 16);
    view.setLimit(10);
    view.position(10 - size + 1);
    assertNoEffect(memory, view, () => view[name](), BufferUnderflowError);
    view.position(10 - size);
    view[name]();
    assert.equal(view.position(), 10);
  }
});

test('absolute writes are checked against the limit, not the capacity', () => {
  for (const [name, value, size] of SETS) {
    const memory = canaryMemory();
    const view = makeView(memory, 8, 16);
    view.setLimit(8);
    assertNoEffect(memory, view, () => view[name](8 - size + 1, value), BufferOverflowError);
    assertNoEffect(memory, view, () => view[name](100, value), BufferOverflowError);
    for (const bad of [-1, 0.5, NaN, '0', undefined]) {
      assertNoEffect(memory, view, () => view[name](bad, value), RangeError);
    }
    view[name](8 - size, value);
  }
});

test('absolute reads are checked against the limit', () => {
  for (const [name, size] of GETS) {
    const memory = canaryMemory();
    const view = makeView(memory, 8, 16);
    view.setLimit(8);
    assertNoEffect(memory, view, () => view[name](8 - size + 1), BufferUnderflowError);
    assertNoEffect(memory, view, () => view[name](-1), RangeError);
    assertNoEffect(memory, view, () => view[name](2.5), RangeError);
    view[name](8 - size);
  }
});

test('bounds errors are RangeErrors that say what happened', () => {
  const view = makeView(canaryMemory(), 0, 6);
  view.position(3);
  assert.throws(() => view.readLong(), (e) => e instanceof RangeError && e.name === 'BufferUnderflowError' &&
    e.message === 'readLong needs 8 bytes but 3 remain (position 3, limit 6)');
  assert.throws(() => view.setInt(4, 1), (e) => e instanceof RangeError &&
    e.message === 'setInt at index 4 needs 4 bytes but the limit is 6');
});

test('values outside the type are refused, nothing written', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 16);
  const bad = [
    ['writeByte', 128, RangeError], ['writeByte', -129, RangeError], ['writeByte', 1.5, RangeError],
    ['writeByte', '1', TypeError], ['writeUByte', -1, RangeError], ['writeUByte', 256, RangeError],
    ['writeShort', 32768, RangeError], ['writeUShort', 65536, RangeError], ['writeInt', 2 ** 31, RangeError],
    ['writeInt', NaN, RangeError], ['writeUInt', -1, RangeError], ['writeUInt', 2 ** 32, RangeError],
    ['writeLong', 1, TypeError], ['writeLong', 2n ** 63n, RangeError], ['writeLong', -(2n ** 63n) - 1n, RangeError],
    ['writeULong', -1n, RangeError], ['writeULong', 2n ** 64n, RangeError], ['writeFloat', '1', TypeError],
    ['writeDouble', 1n, TypeError],
  ];
  for (const [name, value, type] of bad) {
    assertNoEffect(memory, view, () => view[name](value), type);
    const setter = name.replace('write', 'set');
    assertNoEffect(memory, view, () => view[setter](0, value), type);
  }
});

test('writeBytes: copies, or overflows with nothing written', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 4, 8);
  view.writeBytes(Uint8Array.of(1, 2, 3));
  view.writeBytes(new Uint16Array([0x0504]).buffer); // an ArrayBuffer: its bytes as they are
  assert.equal(hex(bytesAt(memory, 4, 5)), '01 02 03 04 05');
  assertNoEffect(memory, view, () => view.writeBytes(new Uint8Array(4)), BufferOverflowError);
  assertNoEffect(memory, view, () => view.writeBytes([1, 2]), TypeError);
  view.writeBytes(new Uint8Array(3));
  assert.equal(view.remaining(), 0);
});

test('readBytes is a zero-copy view; readByteArray is a copy', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 4, 8, 'LittleEndian');
  view.writeInt(0x04030201).writeInt(0x08070605).resetForRead();
  view.position(1);
  const part = view.readBytes(4);
  assert.equal(view.position(), 5);
  assert.deepEqual([part.baseOffset(), part.position(), part.limit(), part.capacity(), part.byteOrder()],
    [5, 0, 4, 4, 'LittleEndian']);
  part.setByte(0, 42);
  assert.equal(view.get(1), 42, 'the same bytes');
  const copy = view.readByteArray(3);
  assert.equal(hex(copy), '06 07 08');
  copy[0] = 0;
  assert.equal(view.get(5), 6, 'a copy');
  assertNoEffect(memory, view, () => view.readBytes(1), BufferUnderflowError);
  assertNoEffect(memory, view, () => view.readByteArray(1), BufferUnderflowError);
  assertNoEffect(memory, view, () => view.readBytes(-1), RangeError);
});

test('slice covers [position, limit) with its own cursors', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 10, 10);
  view.position(2).setLimit(8);
  const s = view.slice();
  assert.deepEqual([s.baseOffset(), s.position(), s.limit(), s.capacity(), s.byteOrder()], [12, 0, 6, 6, 'BigEndian']);
  s.writeShort(0x0102);
  assert.equal(view.getShort(2), 0x0102);
  assert.equal(view.slice('LittleEndian').getShort(0), 0x0201);
  assert.equal(view.position(), 2);
  assert.equal(hex(view.remainingSpan()), `01 02 ${'a5 '.repeat(4).trim()}`);
});

test('writeFromJsArray / readToJsArray: range errors write nothing', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 8);
  const ints = Int32Array.of(1, 2, 3);
  assertNoEffect(memory, view, () => writeFromJsArray(view, ints, 4, 0), RangeError);
  assertNoEffect(memory, view, () => writeFromJsArray(view, ints, 1, 3), RangeError);
  assertNoEffect(memory, view, () => writeFromJsArray(view, ints, -1, 1), RangeError);
  assertNoEffect(memory, view, () => writeFromJsArray(view, ints, 0, 1.5), RangeError);
  assertNoEffect(memory, view, () => writeFromJsArray(view, ints, 0, 3), BufferOverflowError);
  assertNoEffect(memory, view, () => writeFromJsArray(view, ints), BufferOverflowError);
  assertNoEffect(memory, view, () => writeFromJsArray(view, [1, 2], 0, 2), TypeError);
  assertNoEffect(memory, view, () => writeFromJsArray({}, ints, 0, 1), TypeError);
  writeFromJsArray(view, ints, 1, 2);
  assert.equal(view.position(), 8);
  view.resetForRead();

  const out = new Int32Array(4).fill(-9);
  const untouched = () => assert.deepEqual(Array.from(out), [-9, -9, -9, -9]);
  assertNoEffect(memory, view, () => readToJsArray(view, out, 5, 0), RangeError);
  untouched();
  assertNoEffect(memory, view, () => readToJsArray(view, out, 2, 3), RangeError);
  untouched();
  assertNoEffect(memory, view, () => readToJsArray(view, out, 0, 3), BufferUnderflowError);
  untouched();
  assertNoEffect(memory, view, () => readToJsArray(view, out), BufferUnderflowError);
  untouched();
  readToJsArray(view, out, 1, 2);
  assert.deepEqual(Array.from(out), [-9, 2, 3, -9]);
  assert.equal(view.position(), 8);
});

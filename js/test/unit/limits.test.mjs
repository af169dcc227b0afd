// The limit is enforced by a DataView sized to it, and bad arguments are
// routed into that DataView's own bounds check: these tests pin the cases that
// design must get right (the limit moving both ways, growth in between,
// several faults at once, overlapping bulk copies that swap bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BufferOverflowError, BufferUnderflowError, writeFromJsArray, readToJsArray,
} from '../../src/index.mjs';
import { ORDERS, canaryMemory, snapshot, bytesAt, hex, makeView, assertNoEffect } from '../support.mjs';


// Every access kind at the edge of the current limit: the last that fits, and one byte past.
function checkLimit(memory, view) {
  const limit = view.limit();
  for (const [get, set, size] of [['get', 'setByte', 1], ['getShort', 'setShort', 2], ['getInt', 'setInt', 4],
    ['getLong', 'setLong', 8], ['getDouble', 'setDouble', 8]]) {
    const value = size === 8 && set === 'setLong' ? 1n : 1;
    if (limit >= size) {
      view[set](limit - size, value);
      assert.equal(view[get](limit - size), value, `${get} at limit - ${size} (limit ${limit})`);
    }
    const past = limit - size + 1;  // negative when the limit is below the size: then an index error
    assertNoEffect(memory, view, () => view[get](past), past < 0 ? RangeError : BufferUnderflowError);
    assertNoEffect(memory, view, () => view[set](past, value), past < 0 ? RangeError : BufferOverflowError);
  }
  const p = view.position();
  view.position(limit);
  assertNoEffect(memory, view, () => view.readByte(), BufferUnderflowError);
  assertNoEffect(memory, view, () => view.writeByte(1), BufferOverflowError);
  if (limit >= 4) {
    view.position(limit - 4).writeInt(5);
    assert.equal(view.position(), limit);
    view.position(limit - 4);
    assert.equal(view.readInt(), 5);
  }
  view.position(p);
}

test('the limit moving down and up again (setLimit, resetForRead, resetForWrite) is enforced exactly', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 100, 16);
  for (const limit of [8, 4, 8, 16, 4, 0, 16, 12, 12, 9]) {
    view.setLimit(limit);
    checkLimit(memory, view);
  }
  for (const written of [6, 10, 6, 16, 0, 6]) {
    view.resetForWrite();
    assert.equal(view.limit(), 16);
    checkLimit(memory, view);
    view.position(written).resetForRead();
    assert.equal(view.limit(), written);
    checkLimit(memory, view);
  }
});

test('growth between setting the limit and the next access', () => {
  const memory = canaryMemory({ initial: 1, maximum: 32 });
  const view = makeView(memory, 64, 32, 'LittleEndian');
  view.setLimit(10);
  memory.grow(1);
  checkLimit(memory, view);
  memory.grow(1);
  view.setLimit(20);  // set while the view's buffer is detached
  checkLimit(memory, view);
  memory.grow(1);
  view.resetForWrite();
  checkLimit(memory, view);
  view.writeInt(7).resetForRead();
  memory.grow(1);
  checkLimit(memory, view);
  assert.equal(view.readInt(), 5, 'the last value checkLimit wrote at limit - 4');
});

test('several faults at once: the value is checked first, then the index, then the bounds', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 8);
  view.position(8);
  assertNoEffect(memory, view, () => view.writeInt('1'), TypeError);
  assertNoEffect(memory, view, () => view.writeShort(1 << 20), (e) => e instanceof RangeError && /not an integer in/.test(e.message));
  assertNoEffect(memory, view, () => view.setInt(100, 2 ** 40), (e) => /not an integer in/.test(e.message));
  assertNoEffect(memory, view, () => view.setInt(-1, 1.5), (e) => /not an integer in/.test(e.message));
  assertNoEffect(memory, view, () => view.setInt(-1, 1), (e) => /the index must be a non-negative integer/.test(e.message));
  assertNoEffect(memory, view, () => view.setInt(100, 1), BufferOverflowError);
  assertNoEffect(memory, view, () => view.setLong(0.5, 1), TypeError);
  memory.grow(1);  // detached as well: still the argument's error first, nothing written
  assertNoEffect(memory, view, () => view.setFloat(0, '2'), TypeError);
  assertNoEffect(memory, view, () => view.writeByte(1), BufferOverflowError);
  view.setFloat(0, 2);
  assert.equal(view.getFloat(0), 2);
});

test('indices: -0 is 0; past 2^32, strings, NaN and fractions are refused', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 8);
  view.setInt(-0, 9);
  assert.equal(view.getInt(-0), 9);
  assertNoEffect(memory, view, () => view.getInt(2 ** 32), /getInt at index 4294967296 needs 4 bytes but the limit is 8/);
  assertNoEffect(memory, view, () => view.getInt(2 ** 32 + 1), BufferUnderflowError);
  for (const bad of ['0', NaN, 1.5, Infinity, -1, null, undefined, 0n, Symbol('index'), { valueOf: () => 0 }]) {
    assertNoEffect(memory, view, () => view.getInt(bad), RangeError);
    assertNoEffect(memory, view, () => view.setInt(bad, 1), RangeError);
  }
});

test('values: -0, NaN and infinities where they are valid; integers are not wrapped', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 16);
  view.writeInt(-0).writeUInt(-0);
  assert.equal(hex(bytesAt(memory, 0, 8)), '00 00 00 00 00 00 00 00');
  view.writeDouble(-Infinity);
  assert.equal(view.getDouble(8), -Infinity);
  for (const [write, bad] of [['writeUByte', 256], ['writeByte', -129], ['writeUShort', -1], ['writeInt', 2 ** 31],
    ['writeUInt', 2 ** 32], ['writeInt', Infinity], ['writeByte', NaN]]) {
    view.position(0);
    assertNoEffect(memory, view, () => view[write](bad), RangeError);
  }
  const tricky = { valueOf() { throw new Error('valueOf must not be called'); } };
  for (const write of ['writeByte', 'writeUByte', 'writeShort', 'writeUShort', 'writeInt', 'writeUInt', 'writeFloat', 'writeDouble']) {
    view.position(0);
    assertNoEffect(memory, view, () => view[write](tricky), TypeError);
  }
});

for (const order of ORDERS) {
  test(`${order}: bulk copies keep every bit, NaN payloads included`, () => {
    const memory = canaryMemory();
    const view = makeView(memory, 1, 64, order);  // odd base: unaligned elements
    const f64 = new Float64Array(2), f32 = new Float32Array(2);
    new Uint32Array(f64.buffer).set([0x00000001, 0x7ff00000, 0xdeadbeef, 0xfff7ffff]);  // a signalling NaN, a quiet one with a payload
    new Uint32Array(f32.buffer).set([0x7f800001, 0xffc12345]);
    writeFromJsArray(view, f64);
    writeFromJsArray(view, f32);
    const big = order === 'BigEndian';
    const expected = (units, size) => Array.from(units, (u) => {
      const bytes = [];
      for (let i = size - 1; i >= 0; i--) bytes.push((u >> BigInt(8 * i)) & 0xffn);
      return (big ? bytes : bytes.reverse()).map((b) => b.toString(16).padStart(2, '0')).join(' ');
    }).join(' ');
    assert.equal(hex(bytesAt(memory, 1, 16)), expected([0x7ff0000000000001n, 0xfff7ffffdeadbeefn], 8));
    assert.equal(hex(bytesAt(memory, 17, 8)), expected([0x7f800001n, 0xffc12345n], 4));
    view.resetForRead();
    const f64out = new Float64Array(2), f32out = new Float32Array(2);
    readToJsArray(view, f64out);
    readToJsArray(view, f32out);
    assert.deepEqual(Array.from(new Uint32Array(f64out.buffer)), Array.from(new Uint32Array(f64.buffer)));
    assert.deepEqual(Array.from(new Uint32Array(f32out.buffer)), Array.from(new Uint32Array(f32.buffer)));
  });

  test(`${order}: bulk copies between a view and an array over the same memory, overlapping`, () => {
    for (const [Type, shift] of [[Int16Array, 2], [Int32Array, 4], [BigInt64Array, 8], [Int32Array, -4], [Float64Array, -8]]) {
      const memory = canaryMemory();
      const bytes = new Uint8Array(memory.buffer, 256, 64);
      for (let i = 0; i < 64; i++) bytes[i] = i;
      const original = bytes.slice();
      const size = Type.BYTES_PER_ELEMENT;
      // The source: 4 elements at 256 + 16; the view: at 256 + 16 + shift.
      const array = new Type(memory.buffer, 256 + 16, 4);
      const view = makeView(memory, 256 + 16 + shift, 4 * size, order);
      writeFromJsArray(view, array);
      // As if copied first: the 4 elements, in the view's order, at the view.
      const expected = original.slice();
      for (let e = 0; e < 4; e++) {
        const element = original.slice(16 + e * size, 16 + (e + 1) * size);
        const stored = order === 'LittleEndian' ? element : element.reverse();
        expected.set(stored, 16 + shift + e * size);
      }
      assert.equal(hex(bytesAt(memory, 256, 64)), hex(expected), `writeFromJsArray ${Type.name} shifted by ${shift}`);

      // And back: read the view's elements into an array that overlaps them.
      const target = new Type(memory.buffer, 256 + 16, 4);
      view.position(0);
      const before = bytesAt(memory, 256 + 16 + shift, 4 * size);
      readToJsArray(view, target);
      const back = new Uint8Array(4 * size);
      for (let e = 0; e < 4; e++) {
        const element = before.slice(e * size, (e + 1) * size);
        back.set(order === 'LittleEndian' ? element : element.reverse(), e * size);
      }
      assert.equal(hex(bytesAt(memory, 256 + 16, 4 * size)), hex(back), `readToJsArray ${Type.name} shifted by ${shift}`);
    }
  });
}

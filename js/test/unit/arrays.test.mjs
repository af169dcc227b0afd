// writeFromJsArray / readToJsArray: elements in the view's byte order, like
// the C++ bulk writeInts/readInts, relative, advancing the position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearView, writeFromJsArray, readToJsArray } from '../../src/index.mjs';
import { ORDERS, CANARY, canaryMemory, bytesAt, hex, inOrder, makeView } from '../support.mjs';

// [typed array, elements, big-endian bytes of each element, same-typed reader]
const CASES = [
  [Uint8Array, [1, 254], ['01', 'fe'], 'readUnsignedByte'],
  [Int8Array, [-2, 3], ['fe', '03'], 'readByte'],
  [Int16Array, [0x0102, -2], ['01 02', 'ff fe'], 'readShort'],
  [Uint16Array, [0xfedc, 1], ['fe dc', '00 01'], 'readUnsignedShort'],
  [Int32Array, [0x01020304, -2], ['01 02 03 04', 'ff ff ff fe'], 'readInt'],
  [Uint32Array, [0xdeadbeef, 7], ['de ad be ef', '00 00 00 07'], 'readUnsignedInt'],
  [BigInt64Array, [0x0102030405060708n, -2n], ['01 02 03 04 05 06 07 08', 'ff ff ff ff ff ff ff fe'], 'readLong'],
  [BigUint64Array, [2n ** 64n - 1n, 5n], ['ff ff ff ff ff ff ff ff', '00 00 00 00 00 00 00 05'], 'readUnsignedLong'],
  [Float32Array, [1, -2.5], ['3f 80 00 00', 'c0 20 00 00'], 'readFloat'],
  [Float64Array, [1, -2.5], ['3f f0 00 00 00 00 00 00', 'c0 04 00 00 00 00 00 00'], 'readDouble'],
];

for (const order of ORDERS) {
  for (const [Type, elements, bigEndianHex, reader] of CASES) {
    test(`${order} ${Type.name}: write, read back, same bytes as the single-value API`, () => {
      const memory = canaryMemory();
      const view = makeView(memory, 20, 64, order);
      view.writeByte(0); // start at an odd position
      const source = Type.from([elements[0], elements[0], ...elements]);
      assert.equal(writeFromJsArray(view, source, 2, 2), view);
      const size = Type.BYTES_PER_ELEMENT;
      assert.equal(view.position(), 1 + 2 * size);
      const expected = bigEndianHex.map((h) => hex(inOrder(h, order))).join(' ');
      assert.equal(hex(bytesAt(memory, 21, 2 * size)), expected);
      assert.equal(bytesAt(memory, 21 + 2 * size, 1)[0], CANARY);

      view.resetForRead();
      view.position(1);
      assert.deepEqual([view[reader](), view[reader]()], elements);

      view.position(1);
      const out = new Type(4);
      assert.equal(readToJsArray(view, out, 1, 2), out);
      assert.deepEqual(Array.from(out), [out[0], ...elements, out[3]]);
      assert.equal(view.position(), 1 + 2 * size);
    });
  }
}

test('defaults: the whole array from srcOffset / dstOffset', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 16);
  writeFromJsArray(view, Uint16Array.of(1, 2, 3));
  assert.equal(view.position(), 6);
  writeFromJsArray(view, Uint16Array.of(4, 5, 6), 1);
  assert.equal(view.position(), 10);
  view.resetForRead();
  const out = new Uint16Array(5);
  readToJsArray(view, out);
  assert.deepEqual(Array.from(out), [1, 2, 3, 5, 6]);
});

test('zero elements is a no-op', () => {
  const view = makeView(canaryMemory(), 0, 0);
  writeFromJsArray(view, new Int32Array(2), 2, 0);
  readToJsArray(view, new Int32Array(2), 0, 0);
  assert.equal(view.position(), 0);
});

test('an array that views part of a larger buffer copies only its own elements', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 8, 'LittleEndian');
  const backing = Uint32Array.of(0x11111111, 0x22222222, 0x33333333);
  writeFromJsArray(view, new Uint32Array(backing.buffer, 4, 2));
  view.resetForRead();
  assert.deepEqual([view.readUnsignedInt(), view.readUnsignedInt()], [0x22222222, 0x33333333]);
  const target = new Uint32Array(4);
  view.position(0);
  readToJsArray(view, new Uint32Array(target.buffer, 4, 2));
  assert.deepEqual(Array.from(target), [0, 0x22222222, 0x33333333, 0]);
});

test('an array over the same memory, overlapping the view', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 8, 16);
  new Uint8Array(memory.buffer, 8, 4).set([1, 2, 3, 4]);
  view.position(2);
  writeFromJsArray(view, new Uint8Array(memory.buffer, 8, 4));
  assert.equal(hex(bytesAt(memory, 8, 6)), '01 02 01 02 03 04');
});

// Every primitive, both byte orders, against bytes worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearView, ByteOrder } from '../../src/index.mjs';
import { ORDERS, CANARY, canaryMemory, bytesAt, hex, inOrder, makeView } from '../support.mjs';

// [write, read, set, get, value, big-endian bytes, value read back]
const P = (write, read, set, get) => ({ write, read, set, get });
const BYTE = P('writeByte', 'readByte', 'setByte', 'get');
const UBYTE = P('writeUByte', 'readUnsignedByte', 'setUByte', 'getUnsignedByte');
const SHORT = P('writeShort', 'readShort', 'setShort', 'getShort');
const USHORT = P('writeUShort', 'readUnsignedShort', 'setUShort', 'getUnsignedShort');
const INT = P('writeInt', 'readInt', 'setInt', 'getInt');
const UINT = P('writeUInt', 'readUnsignedInt', 'setUInt', 'getUnsignedInt');
const LONG = P('writeLong', 'readLong', 'setLong', 'getLong');
const ULONG = P('writeULong', 'readUnsignedLong', 'setULong', 'getUnsignedLong');
const FLOAT = P('writeFloat', 'readFloat', 'setFloat', 'getFloat');
const DOUBLE = P('writeDouble', 'readDouble', 'setDouble', 'getDouble');

const CASES = [
  [BYTE, -2, 'fe'],
  [BYTE, 127, '7f'],
  [BYTE, -128, '80'],
  [UBYTE, 255, 'ff'],
  [UBYTE, 0x80, '80'],
  [SHORT, 0x1234, '12 34'],
  [SHORT, -2, 'ff fe'],
  [SHORT, -32768, '80 00'],
  [USHORT, 0xfedc, 'fe dc'],
  [USHORT, 65535, 'ff ff'],
  [INT, 0x12345678, '12 34 56 78'],
  [INT, -2, 'ff ff ff fe'],
  [INT, -0x80000000, '80 00 00 00'],
  [UINT, 0xdeadbeef, 'de ad be ef'],
  [UINT, 0xffffffff, 'ff ff ff ff'],
  [LONG, 0x0102030405060708n, '01 02 03 04 05 06 07 08'],
  [LONG, -2n, 'ff ff ff ff ff ff ff fe'],
  [LONG, -(2n ** 63n), '80 00 00 00 00 00 00 00'],
  [LONG, 2n ** 63n - 1n, '7f ff ff ff ff ff ff ff'],
  [ULONG, 0xfedcba9876543210n, 'fe dc ba 98 76 54 32 10'],
  [ULONG, 2n ** 64n - 1n, 'ff ff ff ff ff ff ff ff'],
  [FLOAT, 1, '3f 80 00 00'],
  [FLOAT, -2.5, 'c0 20 00 00'],
  [FLOAT, 0.1, '3d cc cc cd', Math.fround(0.1)],
  [FLOAT, -0, '80 00 00 00'],
  [FLOAT, Infinity, '7f 80 00 00'],
  [DOUBLE, 1, '3f f0 00 00 00 00 00 00'],
  [DOUBLE, -2.5, 'c0 04 00 00 00 00 00 00'],
  [DOUBLE, 0.1, '3f b9 99 99 99 99 99 9a'],
  [DOUBLE, -0, '80 00 00 00 00 00 00 00'],
  [DOUBLE, -Infinity, 'ff f0 00 00 00 00 00 00'],
];

const BASE = 40; // not 0, and not 8-aligned plus the unaligned index below: offsets must be honoured

for (const order of ORDERS) {
  for (const [op, value, bigEndianHex, readBack = value] of CASES) {
    const expected = inOrder(bigEndianHex, order);
    const size = expected.length;
    const name = `${order} ${op.write}(${typeof value === 'bigint' ? value + 'n' : Object.is(value, -0) ? '-0' : value})`;

    test(`${name}: relative write then read`, () => {
      const memory = canaryMemory();
      const view = makeView(memory, BASE, 16, order);
      assert.equal(view[op.write](value), view, 'writes chain');
      assert.equal(view.position(), size);
      assert.equal(hex(bytesAt(memory, BASE, size)), hex(expected));
      // Nothing around the value moved.
      assert.equal(bytesAt(memory, BASE - 1, 1)[0], CANARY);
      assert.equal(bytesAt(memory, BASE + size, 1)[0], CANARY);
      view.resetForRead();
      assert.equal(view.limit(), size);
      assert.ok(Object.is(view[op.read](), readBack));
      assert.equal(view.position(), size);
      assert.equal(view.hasRemaining(), false);
    });

    test(`${name}: absolute set then get at an unaligned index`, () => {
      const memory = canaryMemory();
      const view = makeView(memory, BASE, 16, order);
      view.position(2);
      assert.equal(view[op.set](3, value), view);
      assert.equal(view.position(), 2, 'absolute writes do not move the position');
      assert.equal(hex(bytesAt(memory, BASE + 3, size)), hex(expected));
      assert.equal(bytesAt(memory, BASE + 2, 1)[0], CANARY);
      assert.equal(bytesAt(memory, BASE + 3 + size, 1)[0], CANARY);
      assert.ok(Object.is(view[op.get](3), readBack));
      assert.equal(view.position(), 2, 'absolute reads do not move the position');
    });

    test(`${name}: reads bytes another writer put there`, () => {
      const memory = canaryMemory();
      new Uint8Array(memory.buffer, BASE + 5, size).set(expected);
      const view = makeView(memory, BASE, 16, order);
      assert.ok(Object.is(view[op.get](5), readBack));
      view.position(5);
      assert.ok(Object.is(view[op.read](), readBack));
    });
  }
}

test('the default byte order is BigEndian', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 8);
  assert.equal(view.byteOrder(), ByteOrder.BigEndian);
  view.writeInt(1);
  assert.equal(hex(bytesAt(memory, 0, 4)), '00 00 00 01');
});

test('a sequence of mixed writes reads back in order', () => {
  for (const order of ORDERS) {
    const memory = canaryMemory();
    const view = makeView(memory, 100, 64, order);
    view.writeByte(-1).writeShort(-300).writeInt(70000).writeLong(-5n).writeFloat(1.5).writeDouble(Math.PI)
      .writeUByte(200).writeUShort(60000).writeUInt(4e9).writeULong(2n ** 64n - 2n);
    assert.equal(view.position(), 1 + 2 + 4 + 8 + 4 + 8 + 1 + 2 + 4 + 8);
    view.resetForRead();
    assert.equal(view.readByte(), -1);
    assert.equal(view.readShort(), -300);
    assert.equal(view.readInt(), 70000);
    assert.equal(view.readLong(), -5n);
    assert.equal(view.readFloat(), 1.5);
    assert.equal(view.readDouble(), Math.PI);
    assert.equal(view.readUnsignedByte(), 200);
    assert.equal(view.readUnsignedShort(), 60000);
    assert.equal(view.readUnsignedInt(), 4e9);
    assert.equal(view.readUnsignedLong(), 2n ** 64n - 2n);
    assert.equal(view.remaining(), 0);
  }
});

test('signed and unsigned reads of the same bytes', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 8);
  view.setULong(0, 2n ** 64n - 1n);
  assert.equal(view.get(0), -1);
  assert.equal(view.getUnsignedByte(0), 255);
  assert.equal(view.getShort(0), -1);
  assert.equal(view.getUnsignedShort(0), 65535);
  assert.equal(view.getInt(0), -1);
  assert.equal(view.getUnsignedInt(0), 0xffffffff);
  assert.equal(view.getLong(0), -1n);
  assert.equal(view.getUnsignedLong(0), 2n ** 64n - 1n);
  assert.ok(Number.isNaN(view.getFloat(0)));
  assert.ok(Number.isNaN(view.getDouble(0)));
});

test('NaN is written as a NaN', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 12);
  view.writeFloat(NaN).writeDouble(NaN);
  view.resetForRead();
  assert.ok(Number.isNaN(view.readFloat()));
  assert.ok(Number.isNaN(view.readDouble()));
  assert.equal(bytesAt(memory, 0, 1)[0] & 0x7f, 0x7f);
});

test('writeFloat rounds to the nearest float, like a C++ double-to-float conversion', () => {
  const view = makeView(canaryMemory(), 0, 4);
  view.setFloat(0, 1 / 3);
  assert.equal(view.getFloat(0), Math.fround(1 / 3));
});

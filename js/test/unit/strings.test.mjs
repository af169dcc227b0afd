// writeString / readString: UTF-8, validated both ways, nothing consumed or written on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearView, BufferOverflowError, BufferUnderflowError, MalformedTextError } from '../../src/index.mjs';
import { canaryMemory, snapshot, bytesAt, hex, fromHex, makeView } from '../support.mjs';

function viewOver(hexBytes) {
  const memory = canaryMemory();
  const bytes = fromHex(hexBytes);
  new Uint8Array(memory.buffer, 32, bytes.length).set(bytes);
  return { memory, view: makeView(memory, 32, bytes.length) };
}

const TEXTS = [
  ['', ''],
  ['A', '41'],
  ['é', 'c3 a9'],
  ['€', 'e2 82 ac'],
  ['😀', 'f0 9f 98 80'],
  ['h\u00e9llo \u20ac\u{1F600}', '68 c3 a9 6c 6c 6f 20 e2 82 ac f0 9f 98 80'],
  ['a\0b', '61 00 62'],
  ['\uFEFFx', 'ef bb bf 78'], // a leading BOM is text, kept both ways
  ['\u{10FFFF}', 'f4 8f bf bf'],
];

for (const [text, bytesHex] of TEXTS) {
  test(`writeString/readString ${JSON.stringify(text)} <-> ${bytesHex || '(empty)'}`, () => {
    const memory = canaryMemory();
    const view = makeView(memory, 32, 32);
    assert.equal(view.writeString(text), view);
    const length = fromHex(bytesHex).length;
    assert.equal(view.position(), length);
    assert.equal(hex(bytesAt(memory, 32, length)), bytesHex);
    assert.equal(bytesAt(memory, 32 + length, 1)[0], 0xa5);
    view.resetForRead();
    assert.equal(view.readString(length), text);
    assert.equal(view.position(), length);
  });
}

test('writeString that only just fits (the measured path) writes it all', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 6);
  view.writeString('héllo'); // 6 bytes, 5 UTF-16 units: 15 > 6 so it is measured first
  assert.equal(view.position(), 6);
  assert.equal(hex(bytesAt(memory, 0, 6)), '68 c3 a9 6c 6c 6f');
});

test('writeString that does not fit is an overflow and writes nothing', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 8);
  view.position(3);
  const before = snapshot(memory);
  assert.throws(() => view.writeString('héllo'), BufferOverflowError);
  assert.throws(() => view.writeString('😀😀'), BufferOverflowError);
  assert.equal(view.position(), 3);
  assert.deepEqual(snapshot(memory), before);
});

test('writeString of a string with a lone surrogate is malformed and writes nothing', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 64);
  view.writeString('ok');
  const before = snapshot(memory);
  for (const bad of ['\uD800', 'a\uDC00b', 'x\uD83D', '\uDE00\uD83D']) {
    assert.throws(() => view.writeString(bad), (e) => e instanceof MalformedTextError && e instanceof TypeError);
  }
  assert.throws(() => view.writeString(42), TypeError);
  assert.equal(view.position(), 2);
  assert.deepEqual(snapshot(memory), before);
});

const MALFORMED = [
  ['c3 28', 'a lead byte without its continuation'],
  ['80', 'a lone continuation byte'],
  ['c0 80', 'an overlong NUL'],
  ['e0 80 af', 'an overlong slash'],
  ['ed a0 80', 'an encoded surrogate'],
  ['f4 90 80 80', 'past U+10FFFF'],
  ['e2 82', 'a truncated sequence'],
  ['ff', 'an impossible byte'],
  ['41 42 fe', 'valid text, then garbage'],
];

for (const [bytesHex, what] of MALFORMED) {
  test(`readString refuses ${what} (${bytesHex}) and consumes nothing`, () => {
    const { memory, view } = viewOver(bytesHex);
    const before = snapshot(memory);
    assert.throws(() => view.readString(view.limit()),
      (e) => e instanceof MalformedTextError && /not well-formed UTF-8/.test(e.message));
    assert.equal(view.position(), 0);
    assert.deepEqual(snapshot(memory), before);
  });
}

test('readString with too few bytes is an underflow, checked before the text', () => {
  const { view } = viewOver('c3 28 41');
  view.position(1);
  assert.throws(() => view.readString(3), BufferUnderflowError);
  assert.equal(view.position(), 1);
  assert.throws(() => view.readString(-1), RangeError);
  assert.equal(view.readString(0), '');
  view.position(2);
  assert.equal(view.readString(1), 'A');
});

test('readString stops at the byte length, not at a NUL', () => {
  const { view } = viewOver('61 00 62 63');
  assert.equal(view.readString(3), 'a\0b');
  assert.equal(view.readString(1), 'c');
});

test('strings in shared memory', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
  const view = makeView(memory, 0, 16, 'LittleEndian');
  view.writeString('héllo').resetForRead();
  assert.equal(view.readString(6), 'héllo');
});

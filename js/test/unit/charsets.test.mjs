// writeString(text, charset) / readString(byteLength, charset) in every charset
// of the C++ Charset: hand-written bytes both ways, every class of malformed
// input per charset with nothing written or consumed, the order of the
// checks, and round trips against a deliberately simple reference codec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Charset, BufferOverflowError, BufferUnderflowError, MalformedTextError,
} from '../../src/index.mjs';
import { utf16FromBytes, writeUTF16, writeLatin1, decode, wellFormedFallback } from '../../src/charsets.mjs';
import { canaryMemory, bytesAt, hex, fromHex, makeView, assertNoEffect, CANARY } from '../support.mjs';

const ALL = Object.values(Charset);

test('Charset has the C++ names, and nothing else', () => {
  assert.deepEqual(ALL, ['UTF8', 'UTF16BigEndian', 'UTF16LittleEndian', 'UTF32BigEndian', 'UTF32LittleEndian',
    'ASCII', 'ISOLatin1']);
  for (const name of ALL) assert.equal(Charset[name], name);
  assert.ok(Object.isFrozen(Charset));
});

// [text, { charset: big-endian-as-written hex }]; charsets missing from a row cannot hold the text.
const CASES = [
  ['', { UTF8: '', UTF16BigEndian: '', UTF16LittleEndian: '', UTF32BigEndian: '', UTF32LittleEndian: '', ASCII: '', ISOLatin1: '' }],
  ['A', { UTF8: '41', UTF16BigEndian: '00 41', UTF16LittleEndian: '41 00', UTF32BigEndian: '00 00 00 41',
    UTF32LittleEndian: '41 00 00 00', ASCII: '41', ISOLatin1: '41' }],
  ['\0\x7f', { UTF8: '00 7f', UTF16BigEndian: '00 00 00 7f', UTF16LittleEndian: '00 00 7f 00',
    UTF32BigEndian: '00 00 00 00 00 00 00 7f', UTF32LittleEndian: '00 00 00 00 7f 00 00 00', ASCII: '00 7f', ISOLatin1: '00 7f' }],
  ['é\xff', { UTF8: 'c3 a9 c3 bf', UTF16BigEndian: '00 e9 00 ff', UTF16LittleEndian: 'e9 00 ff 00',
    UTF32BigEndian: '00 00 00 e9 00 00 00 ff', UTF32LittleEndian: 'e9 00 00 00 ff 00 00 00', ISOLatin1: 'e9 ff' }],
  ['\x80', { UTF8: 'c2 80', UTF16BigEndian: '00 80', ISOLatin1: '80' }],
  ['€', { UTF8: 'e2 82 ac', UTF16BigEndian: '20 ac', UTF16LittleEndian: 'ac 20', UTF32BigEndian: '00 00 20 ac',
    UTF32LittleEndian: 'ac 20 00 00' }],
  ['😀', { UTF8: 'f0 9f 98 80', UTF16BigEndian: 'd8 3d de 00', UTF16LittleEndian: '3d d8 00 de',
    UTF32BigEndian: '00 01 f6 00', UTF32LittleEndian: '00 f6 01 00' }],
  ['\u{10FFFF}\uFFFF', { UTF8: 'f4 8f bf bf ef bf bf', UTF16BigEndian: 'db ff df ff ff ff',
    UTF32BigEndian: '00 10 ff ff 00 00 ff ff', UTF32LittleEndian: 'ff ff 10 00 ff ff 00 00' }],
  // A byte order mark is text: none is written, one read is U+FEFF.
  ['\uFEFFx', { UTF8: 'ef bb bf 78', UTF16BigEndian: 'fe ff 00 78', UTF16LittleEndian: 'ff fe 78 00',
    UTF32BigEndian: '00 00 fe ff 00 00 00 78', UTF32LittleEndian: 'ff fe 00 00 78 00 00 00' }],
  ['a😀b', { UTF16BigEndian: '00 61 d8 3d de 00 00 62', UTF32LittleEndian: '61 00 00 00 00 f6 01 00 62 00 00 00' }],
];

for (const [text, encodings] of CASES) {
  for (const [charset, bytesHex] of Object.entries(encodings)) {
    test(`${charset}: ${JSON.stringify(text)} <-> ${bytesHex || '(no bytes)'}`, () => {
      const memory = canaryMemory();
      const view = makeView(memory, 40, 64, 'LittleEndian');  // the charset, not the view, decides the byte order
      view.writeByte(1);
      assert.equal(view.writeString(text, charset), view);
      const n = fromHex(bytesHex).length;
      assert.equal(view.position(), 1 + n);
      assert.equal(hex(bytesAt(memory, 41, n)), bytesHex);
      assert.equal(bytesAt(memory, 41 + n, 1)[0], CANARY, 'nothing past the text');
      view.position(1);
      assert.equal(view.readString(n, charset), text);
      assert.equal(view.position(), 1 + n);
    });
  }
}

test('UTF-8 is the default charset both ways', () => {
  const view = makeView(canaryMemory(), 0, 16);
  view.writeString('é', Charset.UTF8).writeString('é');
  assert.equal(view.position(), 4);
  view.position(0);
  assert.equal(view.readString(2), 'é');
  assert.equal(view.readString(2, 'UTF8'), 'é');
});

// Expects `fn` to throw `type` (matching `message`) and to change neither memory nor the view.
function assertNothingChanged(memory, view, fn, type, message) {
  assertNoEffect(memory, view, fn, (e) => e instanceof type && (!message || message.test(e.message)));
}

// Strings no charset can encode: not well-formed UTF-16.
const LONE_SURROGATES = ['\uD800', 'a\uDC00', 'x\uD83D', '\uDE00\uD83D', '\uD83D\uD83D\uDE00', 'ok\uDBFF'];
// Characters a charset cannot hold.
const UNREPRESENTABLE = {
  ASCII: ['é', '\x80', 'abc\xff', '€', '😀'],
  ISOLatin1: ['€', '\u0100', 'abc\u0100def', '😀'],
};

for (const charset of ALL) {
  test(`${charset}: writeString of a lone surrogate is malformed and writes nothing`, () => {
    const memory = canaryMemory();
    const view = makeView(memory, 8, 64);
    view.writeString('ok', charset);
    for (const bad of LONE_SURROGATES) {
      assertNothingChanged(memory, view, () => view.writeString(bad, charset), MalformedTextError,
        charset === 'ASCII' || charset === 'ISOLatin1' ? /cannot be encoded/ : /lone surrogate/);
    }
  });
}

for (const [charset, strings] of Object.entries(UNREPRESENTABLE)) {
  test(`${charset}: characters outside the charset are malformed and nothing is written`, () => {
    const memory = canaryMemory();
    const view = makeView(memory, 8, 64);
    for (const bad of strings) {
      assertNothingChanged(memory, view, () => view.writeString(bad, charset), MalformedTextError,
        new RegExp(`U\\+${bad.codePointAt([...bad].findIndex((c) => c.codePointAt(0) > (charset === 'ASCII' ? 0x7f : 0xff)))
          .toString(16).toUpperCase().padStart(4, '0')} .* cannot be encoded in ${charset}`));
    }
  });
}

// [charset, bytes, what the message says]
const MALFORMED = [
  ['UTF8', 'c3 28', /not well-formed UTF-8/],
  ['UTF8', 'ed a0 80', /not well-formed UTF-8/],
  ['UTF8', 'f4 90 80 80', /not well-formed UTF-8/],
  ['UTF16BigEndian', '00 41 00', /odd number of bytes/],
  ['UTF16BigEndian', 'd8 00', /lone surrogate 0xD800 at byte 0/],
  ['UTF16BigEndian', '00 41 dc 00', /lone surrogate 0xDC00 at byte 2/],
  ['UTF16BigEndian', 'd8 3d 00 41', /lone surrogate 0xD83D at byte 0/],
  ['UTF16BigEndian', 'de 00 d8 3d', /lone surrogate 0xDE00 at byte 0/],
  ['UTF16LittleEndian', '41', /odd number of bytes/],
  ['UTF16LittleEndian', '41 00 00 d8', /lone surrogate 0xD800 at byte 2/],
  ['UTF16LittleEndian', '00 dc 3d d8', /lone surrogate 0xDC00 at byte 0/],
  ['UTF32BigEndian', '00 00 00 41 00', /not a multiple of 4/],
  ['UTF32BigEndian', '00 11 00 00', /0x00110000 at byte 0 is past U\+10FFFF/],
  ['UTF32BigEndian', '00 00 00 41 ff ff ff ff', /0xFFFFFFFF at byte 4 is past U\+10FFFF/],
  ['UTF32BigEndian', '00 00 d8 00', /surrogate code point 0xD800/],
  ['UTF32LittleEndian', 'ff df 00 00', /surrogate code point 0xDFFF/],
  ['UTF32LittleEndian', '41 00 00', /not a multiple of 4/],
  ['UTF32LittleEndian', '00 00 11 00', /past U\+10FFFF/],
  ['ASCII', '41 80', /byte 0x80 at index 1 is above 0x7F/],
  ['ASCII', 'ff', /byte 0xFF at index 0/],
  ['ASCII', '41 c3 a9', /byte 0xC3 at index 1/],  // well-formed UTF-8, but not ASCII
];

for (const [charset, bytesHex, message] of MALFORMED) {
  test(`${charset}: readString refuses ${bytesHex} (${message.source}) and consumes nothing`, () => {
    const memory = canaryMemory();
    const bytes = fromHex(bytesHex);
    new Uint8Array(memory.buffer, 100, bytes.length).set(bytes);
    const view = makeView(memory, 99, bytes.length + 1);
    view.position(1);
    assertNothingChanged(memory, view, () => view.readString(bytes.length, charset), MalformedTextError,
      new RegExp(`the ${bytes.length} bytes at position 1 are not well-formed ${charset === 'UTF8' ? 'UTF-8' : charset}`));
    assertNothingChanged(memory, view, () => view.readString(bytes.length, charset), MalformedTextError, message);
  });
}

test('ISOLatin1: every byte is a character (U+0000 to U+00FF), both ways', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 512);
  const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  view.writeString(all, 'ISOLatin1');
  assert.equal(view.position(), 256);
  assert.deepEqual(Array.from(bytesAt(memory, 0, 256)), Array.from({ length: 256 }, (_, i) => i));
  view.position(0);
  assert.equal(view.readString(256, 'ISOLatin1'), all);
});

test('the order of checks: arguments, then (reads) bounds before the text, (writes) the text before bounds', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 8);
  view.writeString('abcd', 'ASCII');
  // An unknown charset is a RangeError before anything else.
  for (const bad of ['utf-8', 'UTF16', 'latin1', '', null, 8]) {
    assertNothingChanged(memory, view, () => view.writeString('x', bad), RangeError, /unknown charset/);
    view.position(0);
    assertNothingChanged(memory, view, () => view.readString(2, bad), RangeError, /unknown charset/);
    view.position(4);
  }
  assertNothingChanged(memory, view, () => view.writeString(42, 'UTF8'), TypeError);
  // Reads: too few bytes is an underflow even when the bytes are malformed as well.
  view.resetForRead().position(1);  // 3 bytes remain
  assertNothingChanged(memory, view, () => view.readString(4, 'UTF16BigEndian'), BufferUnderflowError);
  assertNothingChanged(memory, view, () => view.readString(8, 'UTF32BigEndian'), BufferUnderflowError);
  assertNothingChanged(memory, view, () => view.readString(-1, 'ASCII'), RangeError, /non-negative integer/);
  assertNothingChanged(memory, view, () => view.readString(3, 'UTF16BigEndian'), MalformedTextError, /odd/);
  view.resetForWrite().position(4);
  // Writes: text that cannot be encoded is malformed even when it would not fit either.
  view.position(4);
  assertNothingChanged(memory, view, () => view.writeString('ééééé', 'ASCII'), MalformedTextError);
  assertNothingChanged(memory, view, () => view.writeString('\uD800'.repeat(10), 'UTF16LittleEndian'), MalformedTextError);
  // Text that can be encoded but does not fit is an overflow, in every charset.
  for (const charset of ALL) {
    assertNothingChanged(memory, view, () => view.writeString('abcde', charset), BufferOverflowError,
      /writeString needs \d+ bytes but 4 remain/);
  }
  view.writeString('wxyz', 'ISOLatin1');
  assert.equal(view.remaining(), 0, 'exactly fitting text is written');
});

test('an overflow in UTF-8 is measured exactly: text that only just fits is written', () => {
  const memory = canaryMemory();
  const view = makeView(memory, 0, 7);
  view.writeString('😀é', 'UTF8');  // 6 bytes, 3 UTF-16 units: not the 3-bytes-per-unit fast path
  assert.equal(view.position(), 6);
  assertNothingChanged(memory, view, () => view.writeString('é'), BufferOverflowError, /needs 2 bytes but 1 remain/);
});

// ---- round trips against a second, independent implementation --------------------------

// A deliberately simple codec: code point by code point, bytes pushed one at a time.
function referenceEncode(text, charset) {
  const out = [];
  const be = (v, n) => { for (let s = 8 * (n - 1); s >= 0; s -= 8) out.push((v >>> s) & 0xff); };
  const le = (v, n) => { for (let s = 0; s < 8 * n; s += 8) out.push((v >>> s) & 0xff); };
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    switch (charset) {
      case 'UTF8':
        if (cp < 0x80) out.push(cp);
        else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
        else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
        else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
        break;
      case 'UTF16BigEndian': case 'UTF16LittleEndian': {
        const put = charset === 'UTF16BigEndian' ? be : le;
        if (cp < 0x10000) put(cp, 2);
        else { put(0xd800 + ((cp - 0x10000) >> 10), 2); put(0xdc00 + ((cp - 0x10000) & 0x3ff), 2); }
        break;
      }
      case 'UTF32BigEndian': be(cp, 4); break;
      case 'UTF32LittleEndian': le(cp, 4); break;
      default: out.push(cp);  // ASCII, ISOLatin1: the caller keeps to their range
    }
  }
  return Uint8Array.from(out);
}

function* xorshift(seed) {
  let x = seed >>> 0;
  for (;;) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    yield x;
  }
}

// Random text a charset can hold: code points from every UTF-8 length class (no surrogates).
function randomText(random, charset, length) {
  const top = charset === 'ASCII' ? 0x80 : charset === 'ISOLatin1' ? 0x100 : 0x110000;
  let text = '';
  while (text.length < length) {
    const r = random.next().value;
    const bucket = r % 4;
    let cp = [r % 0x80, 0x80 + (r % 0x780), 0x800 + (r % 0xF800), 0x10000 + (r % 0x100000)][bucket] % top;
    if (cp >= 0xD800 && cp <= 0xDFFF) cp -= 0x800;
    text += String.fromCodePoint(cp);
  }
  return text;
}

for (const charset of ALL) {
  test(`${charset}: random text, short and past 64 KiB, matches the reference codec both ways`, () => {
    const random = xorshift(0x9E3779B9 ^ charset.length);
    const memory = new WebAssembly.Memory({ initial: 8 });
    const view = makeView(memory, 3, 8 * 65536 - 3, 'BigEndian');  // an odd base: unaligned 16/32-bit units
    for (const length of [0, 1, 2, 7, 31, 64, 1000, 70000]) {
      const text = randomText(random, charset, length);
      const expected = referenceEncode(text, charset);
      view.resetForWrite().writeString(text, charset);
      assert.equal(view.position(), expected.length, `${length} units: byte length`);
      assert.ok(Buffer.compare(bytesAt(memory, 3, expected.length), expected) === 0, `${length} units: the bytes`);
      view.position(0);
      assert.equal(view.readString(expected.length, charset), text, `${length} units: read back`);
    }
  });
}

test('the JavaScript UTF-16 decoder (for engines without TextDecoder UTF-16) agrees with TextDecoder', () => {
  const random = xorshift(12345);
  for (const little of [true, false]) {
    const native = new TextDecoder(little ? 'utf-16le' : 'utf-16be', { fatal: true, ignoreBOM: true });
    for (const length of [0, 1, 5, 100, 9000]) {
      // Random units, surrogates included: well-formed or not, both must agree.
      const bytes = new Uint8Array(2 * length);
      for (let i = 0; i < bytes.length; i++) bytes[i] = random.next().value & 0xff;
      for (let i = 0; i < length; i += 7) bytes[2 * i + (little ? 1 : 0)] = 0xd8 | (random.next().value & 7);
      let expected;
      try {
        expected = native.decode(bytes);
      } catch {
        expected = null;
      }
      const mine = utf16FromBytes(bytes, little);
      if (expected === null) assert.equal(typeof mine, 'object', `${length} units: both refuse`);
      else assert.equal(mine, expected, `${length} units`);
    }
    assert.equal(utf16FromBytes(little ? fromHex('3d d8 00 de') : fromHex('d8 3d de 00'), little), '😀');
    assert.deepEqual(utf16FromBytes(little ? fromHex('41 00 00 dc') : fromHex('00 41 dc 00'), little), { unit: 0xdc00, at: 2 });
  }
});

test('text in shared memory, every charset', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
  const view = makeView(memory, 1, 256);
  for (const charset of ALL) {
    const text = charset === 'ASCII' ? 'hello' : charset === 'ISOLatin1' ? 'héllo' : 'héllo 😀';
    view.resetForWrite().writeString(text, charset);
    const n = view.position();
    view.position(0);
    assert.equal(view.readString(n, charset), text, charset);
  }
});

test('long text: Node\'s native Buffer encoders and the portable loops write the same bytes', () => {
  const random = xorshift(777);
  for (const length of [511, 512, 5000]) {
    const text = randomText(random, 'UTF16BigEndian', length);
    const latin = randomText(random, 'ISOLatin1', length);
    for (const little of [false, true]) {
      const plain = new Uint8Array(2 * text.length + 3), native = Buffer.alloc(2 * text.length + 3);
      writeUTF16(new DataView(plain.buffer), 3, text, little, plain, 3);
      writeUTF16(new DataView(native.buffer, native.byteOffset, native.length), 3, text, little, native, 3);
      assert.ok(Buffer.compare(plain, native) === 0, `UTF-16 ${little ? 'LE' : 'BE'}, ${length} units`);
      assert.equal(hex(plain.subarray(3)), hex(referenceEncode(text, little ? 'UTF16LittleEndian' : 'UTF16BigEndian')));
    }
    const plain = new Uint8Array(latin.length + 1), native = Buffer.alloc(latin.length + 1);
    writeLatin1(plain, 1, latin);
    writeLatin1(native, 1, latin);
    assert.ok(Buffer.compare(plain, native) === 0, `Latin-1, ${length} characters`);
    assert.equal(decode('t', native.subarray(1), 'ISOLatin1', 0), latin);
    assert.equal(decode('t', plain.subarray(1), 'ISOLatin1', 0), latin);
  }
});

test('the well-formedness check for engines without String.prototype.isWellFormed agrees with a reference', () => {
  // The reference: iterating a string by code points yields a lone surrogate as a code point of its own.
  const reference = (text) => [...text].every((ch) => ch.codePointAt(0) < 0xD800 || ch.codePointAt(0) > 0xDFFF);
  const random = xorshift(4242);
  const units = [0x41, 0xe9, 0x4e2d, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xd83d, 0xde00];
  for (let round = 0; round < 2000; round++) {
    const length = random.next().value % 12;
    const text = String.fromCharCode(...Array.from({ length }, () => units[random.next().value % units.length]));
    assert.equal(wellFormedFallback(text), reference(text), JSON.stringify(text));
    if (String.prototype.isWellFormed) assert.equal(text.isWellFormed(), reference(text), 'the reference agrees with the engine');
  }
  assert.equal(wellFormedFallback('plain'), true);
  assert.equal(wellFormedFallback('😀'.repeat(40000)), true);
  assert.equal(wellFormedFallback('😀'.repeat(40000) + '\uD800'), false);
});

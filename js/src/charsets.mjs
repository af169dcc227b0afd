// Text in the charsets of platform_buffer's C++ Charset, with the C++ rules:
// ill-formed input (a JS string with a lone surrogate on the way in; the
// charset's own rules on the way out: lone surrogates, odd lengths, code
// points past U+10FFFF or in the surrogate range) and characters the charset
// cannot hold (ASCII above 0x7F, Latin-1 above U+00FF) are a
// MalformedTextError. No byte order mark is written; one that is read is
// U+FEFF like any other character.
//
// The view (view.mjs) checks bounds and moves its position; the functions here
// check text, encode it where the view says (after the view checked the room),
// and decode a Uint8Array of exactly the bytes to read.
import { MalformedTextError, describe } from './errors.mjs';

export const Charset = Object.freeze({
  UTF8: 'UTF8',
  UTF16BigEndian: 'UTF16BigEndian',
  UTF16LittleEndian: 'UTF16LittleEndian',
  UTF32BigEndian: 'UTF32BigEndian',
  UTF32LittleEndian: 'UTF32LittleEndian',
  ASCII: 'ASCII',
  ISOLatin1: 'ISOLatin1',
});
const NAMES = Object.values(Charset);

export function checkCharset(op, charset) {
  if (!NAMES.includes(charset)) {
    throw new RangeError(`${op}: unknown charset ${describe(charset)}; one of ${NAMES.join(', ')}`);
  }
}

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is text like any other, as on the C++ side.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// TextDecoder for UTF-16 where the engine has it (Node 18+ with ICU, browsers);
// the JavaScript decoder below otherwise.
function nativeDecoder(label) {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true });
  } catch {
    return null;
  }
}
const utf16LittleEndian = nativeDecoder('utf-16le');
const utf16BigEndian = nativeDecoder('utf-16be');

// String.prototype.isWellFormed where the engine has it (Node 20, Chrome 111,
// Safari 16.4, Firefox 119); on Node 18, wellFormedFallback.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const isWellFormed = String.prototype.isWellFormed
  ? (text) => text.isWellFormed()
  : (text) => wellFormedFallback(text);

// No surrogate at all (a regular expression: at once for one-byte strings, a
// quick scan otherwise), or every surrogate paired (a loop: several times
// faster than a regular expression with lookarounds on long text).
const ANY_SURROGATE = /[\uD800-\uDFFF]/;
export function wellFormedFallback(text) {
  if (!ANY_SURROGATE.test(text)) return true;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c & 0xF800) === 0xD800) {
      if (c > 0xDBFF || i + 1 === n || (text.charCodeAt(i + 1) & 0xFC00) !== 0xDC00) return false;
      i++;
    }
  }
  return true;
}

const hex = (n, digits) => n.toString(16).toUpperCase().padStart(digits, '0');

export function loneSurrogate(op, text) {
  const at = text.search(LONE_SURROGATE);
  throw new MalformedTextError(`${op}: the string has a lone surrogate (U+${hex(text.charCodeAt(at), 4)}) at index ` +
    `${at}: it is not well-formed UTF-16, so it cannot be encoded`);
}

function unrepresentable(op, text, pattern, charset, range) {
  const at = text.search(pattern);
  const cp = text.codePointAt(at);
  throw new MalformedTextError(`${op}: U+${hex(cp, 4)} (${JSON.stringify(String.fromCodePoint(cp))}) at index ${at} ` +
    `cannot be encoded in ${charset} (${range})`);
}

const NOT_ASCII = /[^\x00-\x7F]/;
const NOT_LATIN1 = /[^\x00-\xFF]/;

// ---- writing. Each charset checks the whole text before a byte reaches
// memory: UTF-8 and UTF-16 with String.prototype.isWellFormed, then encode in
// place; Latin-1 with a regular expression, then stores bytes; ASCII and UTF-32
// encode into a scratch buffer, checking on the way, and the view copies that.

export function checkWellFormed(op, text) {
  if (!isWellFormed(text)) loneSurrogate(op, text);
}

export function checkLatin1(op, text) {
  if (NOT_LATIN1.test(text)) unrepresentable(op, text, NOT_LATIN1, 'ISOLatin1', 'U+0000 to U+00FF');
}

// Node's Buffer encodes UTF-16 and Latin-1 natively; worth its call overhead
// on longer text. Views on Node keep their memory's bytes as a Buffer (see
// memoryBytes in view.mjs), so these functions can use it; elsewhere the
// JavaScript loops below do the work.
export const NodeBuffer = typeof Buffer === 'function' && typeof Buffer.prototype.swap16 === 'function' ? Buffer : null;
const NATIVE_FROM = 512;  // characters

// UTF-16 units of well-formed `text` at index `at` of `data`, which is also
// index `start` of `bytes` (all of memory); one loop per byte order.
export function writeUTF16(data, at, text, little, bytes, start) {
  const n = text.length;
  if (n >= NATIVE_FROM && NodeBuffer !== null && bytes instanceof NodeBuffer) {
    bytes.write(text, start, 2 * n, 'utf16le');
    if (!little) bytes.subarray(start, start + 2 * n).swap16();
    return;
  }
  if (little) for (let i = 0; i < n; i++, at += 2) data.setUint16(at, text.charCodeAt(i), true);
  else for (let i = 0; i < n; i++, at += 2) data.setUint16(at, text.charCodeAt(i), false);
}

// Latin-1 `text` (checked) as bytes from index `start` of `bytes`.
export function writeLatin1(bytes, start, text) {
  if (text.length >= NATIVE_FROM && NodeBuffer !== null && bytes instanceof NodeBuffer) {
    bytes.write(text, start, text.length, 'latin1');
    return;
  }
  for (let i = 0; i < text.length; i++) bytes[start + i] = text.charCodeAt(i);
}

let scratch = new Uint8Array(1024);
let scratchData = new DataView(scratch.buffer);
function scratchOf(n) {
  if (n <= scratch.length) return scratch;
  const bytes = new Uint8Array(Math.max(n, 2 * scratch.length));
  if (bytes.length <= 1 << 22) {  // kept for next time up to 4 MiB; a larger one is used once
    scratch = bytes;
    scratchData = new DataView(bytes.buffer);
  }
  return bytes;
}

// The bytes of `text` in ASCII or UTF-32 (`charset`): a Uint8Array of exactly
// their length over a scratch buffer that the next call reuses. A lone
// surrogate, or a character the charset cannot hold, is a MalformedTextError.
export function encodeToScratch(op, text, charset) {
  const n = text.length;
  if (charset === 'ASCII') {
    // TextEncoder (native) into room for exactly n bytes reads all of the text
    // only when every character took one byte: then it is ASCII.
    const bytes = scratchOf(n).subarray(0, n);
    if (encoder.encodeInto(text, bytes).read !== n) unrepresentable(op, text, NOT_ASCII, 'ASCII', '0x00 to 0x7F');
    return bytes;
  }
  const bytes = scratchOf(4 * n);  // at most 4 bytes per UTF-16 unit
  const data = bytes === scratch ? scratchData : new DataView(bytes.buffer);
  const little = charset === 'UTF32LittleEndian';
  let at = 0;
  for (let i = 0; i < n; i++, at += 4) {
    const cp = text.codePointAt(i);
    if ((cp & 0xFFFFF800) === 0xD800) loneSurrogate(op, text);  // a surrogate without its other half
    data.setUint32(at, cp, little);
    if (cp > 0xFFFF) i++;
  }
  return bytes.subarray(0, at);
}

// The bytes of `text` in any charset, in a new Uint8Array (for GuestExchange's input).
export function encodeText(op, text, charset) {
  switch (charset) {
    case 'UTF8':
      checkWellFormed(op, text);
      return encoder.encode(text);
    case 'ISOLatin1': {
      checkLatin1(op, text);
      const bytes = new Uint8Array(text.length);
      writeLatin1(bytes, 0, text);
      return bytes;
    }
    case 'UTF16BigEndian': case 'UTF16LittleEndian': {
      checkWellFormed(op, text);
      const bytes = new Uint8Array(2 * text.length);
      writeUTF16(new DataView(bytes.buffer), 0, text, charset === 'UTF16LittleEndian', bytes, 0);
      return bytes;
    }
    default:
      return encodeToScratch(op, text, charset).slice();
  }
}

// UTF-8 bytes of well-formed `text`.
export function utf8Length(text) {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) {
      if (c < 0x800) n += 1;
      else if (c >= 0xD800 && c <= 0xDBFF) i++, n += 2;  // a pair: 2 units, 4 bytes
      else n += 2;
    }
  }
  return n;
}

// ---- reading ---------------------------------------------------------------------

// TextDecoder refuses views of a SharedArrayBuffer (shared memory) in browsers.
function unshared(bytes) {
  return bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
}

function malformed(op, bytes, where, charset, why) {
  throw new MalformedTextError(`${op}: the ${bytes.length} bytes at position ${where} are not well-formed ${charset}` +
    (why ? `: ${why}` : ''));
}

// Decodes all of `bytes` (which start at the view's position `where`, for messages).
export function decode(op, bytes, charset, where) {
  switch (charset) {
    case 'UTF8': return decodeUTF8(op, bytes, where);
    case 'ASCII': return decodeASCII(op, bytes, where);
    case 'ISOLatin1':
      return bytes.length >= NATIVE_FROM && NodeBuffer !== null && bytes instanceof NodeBuffer
        ? bytes.toString('latin1') : fromCodeUnits(bytes);
    case 'UTF16BigEndian': return decodeUTF16(op, bytes, false, where, charset);
    case 'UTF16LittleEndian': return decodeUTF16(op, bytes, true, where, charset);
    case 'UTF32BigEndian': return decodeUTF32(op, bytes, false, where, charset);
    default: return decodeUTF32(op, bytes, true, where, charset);
  }
}

export function decodeUTF8(op, bytes, where) {
  try {
    return utf8Decoder.decode(unshared(bytes));
  } catch (e) {
    throw new MalformedTextError(`${op}: the ${bytes.length} bytes at position ${where} are not well-formed UTF-8`,
      { cause: e });
  }
}

// ASCII is UTF-8 whose every byte is a character: well-formed UTF-8 with as
// many UTF-16 units as bytes (any longer sequence gives fewer units than bytes).
function decodeASCII(op, bytes, where) {
  let text;
  try {
    text = utf8Decoder.decode(unshared(bytes));
  } catch {
    text = null;
  }
  if (text === null || text.length !== bytes.length) {
    const at = bytes.findIndex((b) => b > 0x7F);
    malformed(op, bytes, where, 'ASCII', `byte 0x${hex(bytes[at], 2)} at index ${at} is above 0x7F`);
  }
  return text;
}

function decodeUTF16(op, bytes, little, where, charset) {
  if (bytes.length % 2 !== 0) malformed(op, bytes, where, charset, 'an odd number of bytes');
  const decoder = little ? utf16LittleEndian : utf16BigEndian;
  if (decoder !== null) {
    try {
      return decoder.decode(unshared(bytes));
    } catch {
      // Fall through: the JavaScript decoder names the offending unit.
    }
  }
  const text = utf16FromBytes(bytes, little);
  if (typeof text === 'string') return text;
  return malformed(op, bytes, where, charset, `a lone surrogate 0x${hex(text.unit, 4)} at byte ${text.at}`);
}

// UTF-16 in JavaScript, for engines whose TextDecoder lacks it: the string,
// or { unit, at } for the first lone surrogate. Exported for the tests.
export function utf16FromBytes(bytes, little) {
  const n = bytes.length >> 1;
  const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const units = new Uint16Array(n);
  for (let i = 0; i < n; i++) units[i] = data.getUint16(2 * i, little);
  for (let i = 0; i < n; i++) {
    const c = units[i];
    if (c < 0xD800 || c > 0xDFFF) continue;
    if (c <= 0xDBFF && i + 1 < n && units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF) {
      i++;
      continue;
    }
    return { unit: c, at: 2 * i };
  }
  return fromCodeUnits(units);
}

function decodeUTF32(op, bytes, little, where, charset) {
  if (bytes.length % 4 !== 0) malformed(op, bytes, where, charset, 'a length that is not a multiple of 4');
  const units = new Uint16Array(bytes.length / 2);  // at most two units per code point
  const [b0, b1, b2, b3] = little ? [3, 2, 1, 0] : [0, 1, 2, 3];  // byte offsets, most significant first
  let n = 0;
  for (let at = 0; at < bytes.length; at += 4) {
    const cp = ((bytes[at + b0] << 24) | (bytes[at + b1] << 16) | (bytes[at + b2] << 8) | bytes[at + b3]) >>> 0;
    if (cp < 0xD800) {
      units[n++] = cp;
    } else if (cp <= 0xDFFF) {
      malformed(op, bytes, where, charset, `the surrogate code point 0x${hex(cp, 4)} at byte ${at}`);
    } else if (cp <= 0xFFFF) {
      units[n++] = cp;
    } else if (cp <= 0x10FFFF) {
      units[n++] = 0xD800 + ((cp - 0x10000) >> 10);
      units[n++] = 0xDC00 + (cp & 0x3FF);
    } else {
      malformed(op, bytes, where, charset, `0x${hex(cp, 8)} at byte ${at} is past U+10FFFF`);
    }
  }
  return fromCodeUnits(units.subarray(0, n));
}

// A string of the UTF-16 code units (or Latin-1 bytes) in `units`, which are
// well-formed: for long text a native decode where the host's order is little-endian.
function fromCodeUnits(units) {
  if (units.length >= NATIVE_FROM && units instanceof Uint16Array && hostIsLittleEndian && utf16LittleEndian !== null) {
    return utf16LittleEndian.decode(units);
  }
  const CHUNK = 8192;  // fromCharCode.apply takes its arguments on the stack
  if (units.length <= CHUNK) return String.fromCharCode.apply(null, units);
  let text = '';
  for (let i = 0; i < units.length; i += CHUNK) text += String.fromCharCode.apply(null, units.subarray(i, i + CHUNK));
  return text;
}

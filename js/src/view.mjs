// LinearView: a java.nio-style cursor over `length` bytes of wasm linear
// memory from `offset`: the same bytes a C++ LinearBuffer at baseOffset()
// holds, read and written in place, without a copy. Names and semantics follow
// the C++ API: relative operations move the position, absolute ones (get*/set*)
// take an index from byte 0 and are checked against the limit; a failed
// operation changes nothing, not the position, not a byte.
//
// Speed: every primitive access is one DataView load or store, and the
// engine's own checks do our bounds checking.
// - The view keeps a DataView over exactly [byte 0, limit): the DataView's
//   bounds check (which runs anyway) is the limit check. Changing the limit
//   swaps in the DataView over the whole capacity or makes one of the new
//   length (the last such one is kept for reuse).
// - An argument that is not valid (a fractional or negative index, a value out
//   of its type's range) turns the index into -1, which the DataView refuses
//   with a RangeError before it touches memory. No branch leaves the fast path:
//   Node's optimising compiler then keeps tight loops of calls as tight as the
//   same loop over a raw DataView (a throwing branch stops it peeling the loop).
// - Every failure lands in a catch block that works out, off the fast path,
//   which error to throw (in the contract's order: value, index, bounds), or
//   that the memory grew.
// - The state lives in symbol-keyed properties, not #private fields: Node 20
//   folds and hoists ordinary properties but not private ones (2-3x slower in
//   bench/js/view-bench.mjs). The symbols are not exported, so the state is
//   private to this package all the same.
// - Each primitive is written out, so every call site stays monomorphic.
//
// Memory growth: growing a non-shared WebAssembly.Memory detaches its old
// ArrayBuffer, and the engine refuses every access through a DataView over it
// with a TypeError before touching memory. The catch block then compares the
// cached buffer with the memory's current one, re-attaches and retries
// (otherwise the error was not ours and propagates). Bulk and text operations
// check the cached buffer's byteLength (0 once detached) before they make
// typed arrays over it.
import {
  BufferUnderflowError, BufferOverflowError, describe, isIndex, badIndex, underflow, overflow,
} from './errors.mjs';
import {
  Charset, checkCharset, checkWellFormed, checkLatin1, writeUTF16, writeLatin1, encodeToScratch, decode, decodeUTF8,
  encoder, utf8Length, NodeBuffer,
} from './charsets.mjs';
import { emscriptenMemory } from './hosts.mjs';

export const ByteOrder = Object.freeze({ BigEndian: 'BigEndian', LittleEndian: 'LittleEndian' });

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// The view's state. Module-private keys: code outside this package cannot reach it.
const SOURCE = Symbol('memory source');  // the WebAssembly.Memory, or a function returning the current buffer
const BUFFER = Symbol('buffer');         // the ArrayBuffer DATA is over
const DATA = Symbol('data');             // DataView over [BASE, BASE + LIMIT) of BUFFER: its bounds are the limit
const FULL = Symbol('full data');        // DataView over [BASE, BASE + CAPACITY) of BUFFER
const SPARE = Symbol('spare data');      // the last DataView made for a limit below the capacity, or null
const BYTES = Symbol('memory bytes');    // a Uint8Array over all of BUFFER, made when first needed, or null
const BASE = Symbol('base offset');
const CAPACITY = Symbol('capacity');
const LIMIT = Symbol('limit');
const POSITION = Symbol('position');
const LITTLE = Symbol('little-endian');
// Hooks a checked view (checked.mjs) overrides: a view of part of this one, and the liveness check.
export const DERIVE = Symbol('derive');
export const ACCESS = Symbol('access');

const SharedArrayBufferType = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : null;
const isBuffer = (b) => b instanceof ArrayBuffer || (SharedArrayBufferType !== null && b instanceof SharedArrayBufferType);

function checkSource(op, memory) {
  if (!(memory instanceof WebAssembly.Memory) && typeof memory !== 'function') {
    throw new TypeError(`${op} needs a WebAssembly.Memory or a function returning the memory's current ArrayBuffer, ` +
      `got ${describe(memory)}`);
  }
}

// The current buffer of a memory source.
export function bufferOf(memory) {
  if (memory instanceof WebAssembly.Memory) return memory.buffer;
  const buffer = memory();
  if (!isBuffer(buffer)) {
    throw new TypeError(`the memory function returned ${describe(buffer)}, not an ArrayBuffer or SharedArrayBuffer`);
  }
  return buffer;
}

function checkOrder(op, byteOrder) {
  if (byteOrder !== 'BigEndian' && byteOrder !== 'LittleEndian') {
    throw new RangeError(`${op}: byteOrder must be 'BigEndian' or 'LittleEndian', got ${describe(byteOrder)}`);
  }
}

function attach(view, buffer) {
  const base = view[BASE], capacity = view[CAPACITY];
  if (buffer.byteLength === 0 && capacity !== 0) detachedSource();
  if (base + capacity > buffer.byteLength) {
    throw new RangeError(`the view's bytes [${base}, ${base + capacity}) are outside the ${buffer.byteLength} bytes ` +
      'of the buffer its memory source now returns');
  }
  view[BUFFER] = buffer;
  view[FULL] = new DataView(buffer, base, capacity);
  view[SPARE] = null;
  view[BYTES] = null;
  limitData(view);
}

// Points DATA at a DataView over [0, LIMIT): the full one, or one of that length.
function limitData(view) {
  const limit = view[LIMIT];
  if (limit === view[CAPACITY]) {
    view[DATA] = view[FULL];
    return;
  }
  const spare = view[SPARE];
  if (spare !== null && spare.byteLength === limit) {
    view[DATA] = spare;
    return;
  }
  view[DATA] = view[SPARE] = new DataView(view[BUFFER], view[BASE], limit);
}

// Sets the limit (0 <= n <= capacity, checked by the caller).
function setLimitTo(view, n) {
  view[LIMIT] = n;
  if (view[BUFFER].byteLength === 0 && view[CAPACITY] !== 0) {
    liveBuffer(view);  // detached by growth: re-attach, which also sizes DATA
  } else {
    limitData(view);
  }
}

// Called when an access through the cached DataView threw: re-attach if the
// memory has a new buffer, else the error is someone else's.
function refresh(view, error) {
  const buffer = replacementBuffer(view[SOURCE], view[BUFFER]);
  if (buffer === null) throw error;
  attach(view, buffer);
  return view[DATA];
}

// For other caches of a memory's buffer (checked.mjs): the memory's current
// buffer when it is not `cached`; null when it is (and `cached` is not detached).
export function replacementBuffer(memory, cached) {
  const buffer = bufferOf(memory);
  if (buffer !== cached) return buffer;
  if (cached.byteLength === 0) detachedSource();
  return null;
}

function detachedSource() {
  throw new TypeError('the memory function returned a detached ArrayBuffer: the memory grew and the function still ' +
    'returns the old buffer (an Emscripten HEAPU8 is only refreshed when Emscripten itself grows memory)');
}

// The view's buffer, re-attached first if memory growth detached it.
function liveBuffer(view) {
  const buffer = view[BUFFER];
  if (buffer.byteLength !== 0) return buffer;
  const current = bufferOf(view[SOURCE]);
  if (current !== buffer) attach(view, current);
  else if (view[CAPACITY] !== 0) detachedSource();
  return current;
}

// A Uint8Array over n bytes of the view from index `at`, in the current memory.
function bytesAt(view, at, n) {
  return new Uint8Array(liveBuffer(view), view[BASE] + at, n);
}

// A Uint8Array over all of the current memory (indices are linear-memory
// offsets), kept by the view: on Node a Buffer, whose native text encoders
// charsets.mjs uses for long text.
function memoryBytes(view) {
  const buffer = liveBuffer(view);  // re-attaching resets BYTES
  const bytes = view[BYTES];
  if (bytes !== null) return bytes;
  return (view[BYTES] = NodeBuffer !== null ? NodeBuffer.from(buffer) : new Uint8Array(buffer));
}

// ---- cold paths: they work out which error to throw --------------------------------
const INT8 = [-0x80, 0x7f], UINT8 = [0, 0xff], INT16 = [-0x8000, 0x7fff], UINT16 = [0, 0xffff];
const INT32 = [-0x80000000, 0x7fffffff], UINT32 = [0, 0xffffffff];
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n], UINT64 = [0n, 2n ** 64n - 1n];
const NUMBER = null;  // any number: float and double

function checkValue(op, v, range) {
  if (range === NUMBER) {
    if (typeof v !== 'number') throw new TypeError(`${op} takes a number, got ${typeof v} ${describe(v)}`);
    return;
  }
  const kind = typeof range[0];
  if (typeof v !== kind) throw new TypeError(`${op} takes a ${kind}, got ${typeof v} ${describe(v)}`);
  if (!((kind === 'bigint' || Number.isInteger(v)) && v >= range[0] && v <= range[1])) {
    throw new RangeError(`${op}: ${describe(v)} is not an integer in [${describe(range[0])}, ${describe(range[1])}]`);
  }
}

function outside(view, ErrorType, op, index, need) {
  if (!isIndex(index)) badIndex(op, 'the index', index);
  throw new ErrorType(`${op} at index ${index} needs ${need} bytes but the limit is ${view[LIMIT]}`);
}

// The catch blocks of the primitives: an access threw, so either an argument
// was bad (its index became -1), the bounds were exceeded, or the memory grew.
// Each throws the contract's error, or re-attaches and returns the DataView to
// retry on.
function failedRead(view, error, op, need, position) {
  view[POSITION] = position;  // the fast path had advanced it
  if (position > view[LIMIT] - need) underflow(op, need, position, view[LIMIT]);
  const data = refresh(view, error);
  view[POSITION] = position + need;
  return data;
}

function failedWrite(view, error, op, need, v, range, position) {
  view[POSITION] = position;  // the fast path had advanced it
  checkValue(op, v, range);
  if (position > view[LIMIT] - need) overflow(op, need, position, view[LIMIT]);
  const data = refresh(view, error);
  view[POSITION] = position + need;
  return data;
}

function failedGet(view, error, op, index, need) {
  if (!(isIndex(index) && index <= view[LIMIT] - need)) outside(view, BufferUnderflowError, op, index, need);
  return refresh(view, error);
}

function failedSet(view, error, op, index, need, v, range) {
  checkValue(op, v, range);
  if (!(isIndex(index) && index <= view[LIMIT] - need)) outside(view, BufferOverflowError, op, index, need);
  return refresh(view, error);
}

// The bytes of an ArrayBuffer, SharedArrayBuffer or any ArrayBufferView, as a Uint8Array.
export function bytesOf(op, source) {
  if (source instanceof Uint8Array) return source;
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (isBuffer(source)) return new Uint8Array(source);
  throw new TypeError(`${op} takes a Uint8Array, an ArrayBufferView or an ArrayBuffer, got ${describe(source)}`);
}

export class LinearView {
  // A view of `length` bytes of `memory` from `offset`: position 0, limit =
  // capacity = length. `memory` is a WebAssembly.Memory, or a function that
  // returns the memory's current ArrayBuffer (asked again whenever the one the
  // view holds has been detached by growth).
  constructor(memory, offset, length, byteOrder = ByteOrder.BigEndian) {
    checkSource('LinearView', memory);
    checkOrder('LinearView', byteOrder);
    if (!isIndex(offset)) badIndex('LinearView', 'offset', offset);
    if (!isIndex(length)) badIndex('LinearView', 'length', length);
    const buffer = bufferOf(memory);
    const size = buffer.byteLength;
    if (offset > size || length > size - offset) {
      throw new RangeError(`LinearView: [${offset}, ${offset + length}) is outside the ${size} bytes of memory`);
    }
    const data = new DataView(buffer, offset, length);
    this[SOURCE] = memory;
    this[BUFFER] = buffer;
    this[DATA] = data;
    this[FULL] = data;
    this[SPARE] = null;
    this[BYTES] = null;
    this[BASE] = offset;
    this[CAPACITY] = length;
    this[LIMIT] = length;
    this[POSITION] = 0;
    this[LITTLE] = byteOrder === ByteOrder.LittleEndian;
  }

  // A view over the `memory` export of a wasm instance's exports.
  static fromExports(exports, offset, length, byteOrder = ByteOrder.BigEndian) {
    if (!(exports?.memory instanceof WebAssembly.Memory)) {
      throw new TypeError(`fromExports: the exports have no WebAssembly.Memory named "memory", got ${describe(exports?.memory)}`);
    }
    return new LinearView(exports.memory, offset, length, byteOrder);
  }

  // A view over the memory of an instantiated Emscripten Module (see emscriptenMemory in hosts.mjs).
  static fromEmscriptenModule(Module, offset, length, byteOrder = ByteOrder.BigEndian) {
    return new LinearView(emscriptenMemory(Module), offset, length, byteOrder);
  }

  // ---- where the bytes are ---------------------------------------------------
  // The memory source the view was made with.
  memory() { return this[SOURCE]; }
  // Linear-memory offset of byte 0 of this view (LinearBuffer::baseOffset()).
  baseOffset() { return this[BASE]; }
  // baseOffset() + position() (LinearBuffer::linearMemoryOffset()).
  linearMemoryOffset() { return this[BASE] + this[POSITION]; }

  // ---- state -----------------------------------------------------------------
  capacity() { return this[CAPACITY]; }
  limit() { return this[LIMIT]; }
  remaining() { return this[LIMIT] - this[POSITION]; }
  hasRemaining() { return this[POSITION] < this[LIMIT]; }
  byteOrder() { return this[LITTLE] ? ByteOrder.LittleEndian : ByteOrder.BigEndian; }

  // position() reads it; position(n) moves it (n > limit is a RangeError) and returns the view.
  position(n) {
    if (n === undefined) return this[POSITION];
    if (!isIndex(n)) badIndex('position', 'the position', n);
    if (n > this[LIMIT]) throw new RangeError(`position(${n}) is past the limit ${this[LIMIT]}`);
    this[POSITION] = n;
    return this;
  }

  // n > capacity is a RangeError; a position past n moves to n.
  setLimit(n) {
    if (!isIndex(n)) badIndex('setLimit', 'the limit', n);
    if (n > this[CAPACITY]) throw new RangeError(`setLimit(${n}) is past the capacity ${this[CAPACITY]}`);
    setLimitTo(this, n);
    if (this[POSITION] > n) this[POSITION] = n;
    return this;
  }

  // limit = position, position = 0: read back what was written.
  resetForRead() {
    setLimitTo(this, this[POSITION]);
    this[POSITION] = 0;
    return this;
  }

  // position = 0, limit = capacity: write from the start again.
  resetForWrite() {
    this[POSITION] = 0;
    this[LIMIT] = this[CAPACITY];
    this[DATA] = this[FULL];
    return this;
  }

  // ---- relative writes (return the view, so calls chain) -----------------------
  // The position moves first (so the next access need not wait for this store);
  // a bad value turns the index into -1, which the DataView refuses; the catch
  // block moves the position back and words the error.
  writeByte(v) {
    const p = this[POSITION];
    this[POSITION] = p + 1;
    const at = typeof v === 'number' && (v << 24 >> 24) === v ? p : -1;
    try { this[DATA].setInt8(at, v); } catch (e) { failedWrite(this, e, 'writeByte', 1, v, INT8, p).setInt8(p, v); }
    return this;
  }

  writeUByte(v) {
    const p = this[POSITION];
    this[POSITION] = p + 1;
    const at = typeof v === 'number' && (v & 0xff) === v ? p : -1;
    try { this[DATA].setUint8(at, v); } catch (e) { failedWrite(this, e, 'writeUByte', 1, v, UINT8, p).setUint8(p, v); }
    return this;
  }

  writeShort(v) {
    const p = this[POSITION];
    this[POSITION] = p + 2;
    const at = typeof v === 'number' && (v << 16 >> 16) === v ? p : -1;
    try { this[DATA].setInt16(at, v, this[LITTLE]); } catch (e) { failedWrite(this, e, 'writeShort', 2, v, INT16, p).setInt16(p, v, this[LITTLE]); }
    return this;
  }

  writeUShort(v) {
    const p = this[POSITION];
    this[POSITION] = p + 2;
    const at = typeof v === 'number' && (v & 0xffff) === v ? p : -1;
    try { this[DATA].setUint16(at, v, this[LITTLE]); } catch (e) { failedWrite(this, e, 'writeUShort', 2, v, UINT16, p).setUint16(p, v, this[LITTLE]); }
    return this;
  }

  writeInt(v) {
    const p = this[POSITION];
    this[POSITION] = p + 4;
    const at = typeof v === 'number' && (v | 0) === v ? p : -1;
    try { this[DATA].setInt32(at, v, this[LITTLE]); } catch (e) { failedWrite(this, e, 'writeInt', 4, v, INT32, p).setInt32(p, v, this[LITTLE]); }
    return this;
  }

  writeUInt(v) {
    const p = this[POSITION];
    this[POSITION] = p + 4;
    const at = typeof v === 'number' && (v >>> 0) === v ? p : -1;
    try { this[DATA].setUint32(at, v, this[LITTLE]); } catch (e) { failedWrite(this, e, 'writeUInt', 4, v, UINT32, p).setUint32(p, v, this[LITTLE]); }
    return this;
  }

  writeLong(v) {
    const p = this[POSITION];
    this[POSITION] = p + 8;
    const at = typeof v === 'bigint' && BigInt.asIntN(64, v) === v ? p : -1;
    try { this[DATA].setBigInt64(at, v, this[LITTLE]); } catch (e) { failedWrite(this, e, 'writeLong', 8, v, INT64, p).setBigInt64(p, v, this[LITTLE]); }
    return this;
  }

  writeULong(v) {
    const p = this[POSITION];
    this[POSITION] = p + 8;
    const at = typeof v === 'bigint' && BigInt.asUintN(64, v) === v ? p : -1;
    try { this[DATA].setBigUint64(at, v, this[LITTLE]); } catch (e) { failedWrite(this, e, 'writeULong', 8, v, UINT64, p).setBigUint64(p, v, this[LITTLE]); }
    return this;
  }

  writeFloat(v) {
    const p = this[POSITION];
    this[POSITION] = p + 4;
    const at = typeof v === 'number' ? p : -1;
    try { this[DATA].setFloat32(at, v, this[LITTLE]); } catch (e) { failedWrite(this, e, 'writeFloat', 4, v, NUMBER, p).setFloat32(p, v, this[LITTLE]); }
    return this;
  }

  writeDouble(v) {
    const p = this[POSITION];
    this[POSITION] = p + 8;
    const at = typeof v === 'number' ? p : -1;
    try { this[DATA].setFloat64(at, v, this[LITTLE]); } catch (e) { failedWrite(this, e, 'writeDouble', 8, v, NUMBER, p).setFloat64(p, v, this[LITTLE]); }
    return this;
  }

  // ---- relative reads (64-bit values are BigInts) ---------------------------------
  // As the writes: the position moves first, the catch block moves it back.
  readByte() {
    const p = this[POSITION];
    this[POSITION] = p + 1;
    try { return this[DATA].getInt8(p); } catch (e) { return failedRead(this, e, 'readByte', 1, p).getInt8(p); }
  }

  readUnsignedByte() {
    const p = this[POSITION];
    this[POSITION] = p + 1;
    try { return this[DATA].getUint8(p); } catch (e) { return failedRead(this, e, 'readUnsignedByte', 1, p).getUint8(p); }
  }

  readShort() {
    const p = this[POSITION];
    this[POSITION] = p + 2;
    try { return this[DATA].getInt16(p, this[LITTLE]); } catch (e) { return failedRead(this, e, 'readShort', 2, p).getInt16(p, this[LITTLE]); }
  }

  readUnsignedShort() {
    const p = this[POSITION];
    this[POSITION] = p + 2;
    try { return this[DATA].getUint16(p, this[LITTLE]); } catch (e) { return failedRead(this, e, 'readUnsignedShort', 2, p).getUint16(p, this[LITTLE]); }
  }

  readInt() {
    const p = this[POSITION];
    this[POSITION] = p + 4;
    try { return this[DATA].getInt32(p, this[LITTLE]); } catch (e) { return failedRead(this, e, 'readInt', 4, p).getInt32(p, this[LITTLE]); }
  }

  readUnsignedInt() {
    const p = this[POSITION];
    this[POSITION] = p + 4;
    try { return this[DATA].getUint32(p, this[LITTLE]); } catch (e) { return failedRead(this, e, 'readUnsignedInt', 4, p).getUint32(p, this[LITTLE]); }
  }

  readLong() {
    const p = this[POSITION];
    this[POSITION] = p + 8;
    try { return this[DATA].getBigInt64(p, this[LITTLE]); } catch (e) { return failedRead(this, e, 'readLong', 8, p).getBigInt64(p, this[LITTLE]); }
  }

  readUnsignedLong() {
    const p = this[POSITION];
    this[POSITION] = p + 8;
    try { return this[DATA].getBigUint64(p, this[LITTLE]); } catch (e) { return failedRead(this, e, 'readUnsignedLong', 8, p).getBigUint64(p, this[LITTLE]); }
  }

  readFloat() {
    const p = this[POSITION];
    this[POSITION] = p + 4;
    try { return this[DATA].getFloat32(p, this[LITTLE]); } catch (e) { return failedRead(this, e, 'readFloat', 4, p).getFloat32(p, this[LITTLE]); }
  }

  readDouble() {
    const p = this[POSITION];
    this[POSITION] = p + 8;
    try { return this[DATA].getFloat64(p, this[LITTLE]); } catch (e) { return failedRead(this, e, 'readDouble', 8, p).getFloat64(p, this[LITTLE]); }
  }

  // ---- absolute reads: index from byte 0, checked against the limit ------------
  // A number that is a non-negative integer below 2^32 is used as it is; anything else becomes -1.
  get(i) {
    const at = typeof i === 'number' && (i >>> 0) === i ? i : -1;
    try { return this[DATA].getInt8(at); } catch (e) { return failedGet(this, e, 'get', i, 1).getInt8(i); }
  }

  getUnsignedByte(i) {
    const at = typeof i === 'number' && (i >>> 0) === i ? i : -1;
    try { return this[DATA].getUint8(at); } catch (e) { return failedGet(this, e, 'getUnsignedByte', i, 1).getUint8(i); }
  }

  getShort(i) {
    const at = typeof i === 'number' && (i >>> 0) === i ? i : -1;
    try { return this[DATA].getInt16(at, this[LITTLE]); } catch (e) { return failedGet(this, e, 'getShort', i, 2).getInt16(i, this[LITTLE]); }
  }

  getUnsignedShort(i) {
    const at = typeof i === 'number' && (i >>> 0) === i ? i : -1;
    try { return this[DATA].getUint16(at, this[LITTLE]); } catch (e) { return failedGet(this, e, 'getUnsignedShort', i, 2).getUint16(i, this[LITTLE]); }
  }

  getInt(i) {
    const at = typeof i === 'number' && (i >>> 0) === i ? i : -1;
    try { return this[DATA].getInt32(at, this[LITTLE]); } catch (e) { return failedGet(this, e, 'getInt', i, 4).getInt32(i, this[LITTLE]); }
  }

  getUnsignedInt(i) {
    const at = typeof i === 'number' && (i >>> 0) === i ? i : -1;
    try { return this[DATA].getUint32(at, this[LITTLE]); } catch (e) { return failedGet(this, e, 'getUnsignedInt', i, 4).getUint32(i, this[LITTLE]); }
  }

  getLong(i) {
    const at = typeof i === 'number' && (i >>> 0) === i ? i : -1;
    try { return this[DATA].getBigInt64(at, this[LITTLE]); } catch (e) { return failedGet(this, e, 'getLong', i, 8).getBigInt64(i, this[LITTLE]); }
  }

  getUnsignedLong(i) {
    const at = typeof i === 'number' && (i >>> 0) === i ? i : -1;
    try { return this[DATA].getBigUint64(at, this[LITTLE]); } catch (e) { return failedGet(this, e, 'getUnsignedLong', i, 8).getBigUint64(i, this[LITTLE]); }
  }

  getFloat(i) {
    const at = typeof i === 'number' && (i >>> 0) === i ? i : -1;
    try { return this[DATA].getFloat32(at, this[LITTLE]); } catch (e) { return failedGet(this, e, 'getFloat', i, 4).getFloat32(i, this[LITTLE]); }
  }

  getDouble(i) {
    const at = typeof i === 'number' && (i >>> 0) === i ? i : -1;
    try { return this[DATA].getFloat64(at, this[LITTLE]); } catch (e) { return failedGet(this, e, 'getDouble', i, 8).getFloat64(i, this[LITTLE]); }
  }

  // ---- absolute writes ---------------------------------------------------------
  setByte(i, v) {
    const at = typeof i === 'number' && (i >>> 0) === i && typeof v === 'number' && (v << 24 >> 24) === v ? i : -1;
    try { this[DATA].setInt8(at, v); } catch (e) { failedSet(this, e, 'setByte', i, 1, v, INT8).setInt8(i, v); }
    return this;
  }

  setUByte(i, v) {
    const at = typeof i === 'number' && (i >>> 0) === i && typeof v === 'number' && (v & 0xff) === v ? i : -1;
    try { this[DATA].setUint8(at, v); } catch (e) { failedSet(this, e, 'setUByte', i, 1, v, UINT8).setUint8(i, v); }
    return this;
  }

  setShort(i, v) {
    const at = typeof i === 'number' && (i >>> 0) === i && typeof v === 'number' && (v << 16 >> 16) === v ? i : -1;
    try { this[DATA].setInt16(at, v, this[LITTLE]); } catch (e) { failedSet(this, e, 'setShort', i, 2, v, INT16).setInt16(i, v, this[LITTLE]); }
    return this;
  }

  setUShort(i, v) {
    const at = typeof i === 'number' && (i >>> 0) === i && typeof v === 'number' && (v & 0xffff) === v ? i : -1;
    try { this[DATA].setUint16(at, v, this[LITTLE]); } catch (e) { failedSet(this, e, 'setUShort', i, 2, v, UINT16).setUint16(i, v, this[LITTLE]); }
    return this;
  }

  setInt(i, v) {
    const at = typeof i === 'number' && (i >>> 0) === i && typeof v === 'number' && (v | 0) === v ? i : -1;
    try { this[DATA].setInt32(at, v, this[LITTLE]); } catch (e) { failedSet(this, e, 'setInt', i, 4, v, INT32).setInt32(i, v, this[LITTLE]); }
    return this;
  }

  setUInt(i, v) {
    const at = typeof i === 'number' && (i >>> 0) === i && typeof v === 'number' && (v >>> 0) === v ? i : -1;
    try { this[DATA].setUint32(at, v, this[LITTLE]); } catch (e) { failedSet(this, e, 'setUInt', i, 4, v, UINT32).setUint32(i, v, this[LITTLE]); }
    return this;
  }

  setLong(i, v) {
    const at = typeof i === 'number' && (i >>> 0) === i && typeof v === 'bigint' && BigInt.asIntN(64, v) === v ? i : -1;
    try { this[DATA].setBigInt64(at, v, this[LITTLE]); } catch (e) { failedSet(this, e, 'setLong', i, 8, v, INT64).setBigInt64(i, v, this[LITTLE]); }
    return this;
  }

  setULong(i, v) {
    const at = typeof i === 'number' && (i >>> 0) === i && typeof v === 'bigint' && BigInt.asUintN(64, v) === v ? i : -1;
    try { this[DATA].setBigUint64(at, v, this[LITTLE]); } catch (e) { failedSet(this, e, 'setULong', i, 8, v, UINT64).setBigUint64(i, v, this[LITTLE]); }
    return this;
  }

  setFloat(i, v) {
    const at = typeof i === 'number' && (i >>> 0) === i && typeof v === 'number' ? i : -1;
    try { this[DATA].setFloat32(at, v, this[LITTLE]); } catch (e) { failedSet(this, e, 'setFloat', i, 4, v, NUMBER).setFloat32(i, v, this[LITTLE]); }
    return this;
  }

  setDouble(i, v) {
    const at = typeof i === 'number' && (i >>> 0) === i && typeof v === 'number' ? i : -1;
    try { this[DATA].setFloat64(at, v, this[LITTLE]); } catch (e) { failedSet(this, e, 'setDouble', i, 8, v, NUMBER).setFloat64(i, v, this[LITTLE]); }
    return this;
  }

  // ---- bytes -------------------------------------------------------------------
  // Copies every byte of `source` (a Uint8Array, any ArrayBufferView, or an ArrayBuffer).
  writeBytes(source) {
    const bytes = bytesOf('writeBytes', source);
    const p = this[POSITION], n = bytes.length;
    if (n > this[LIMIT] - p) overflow('writeBytes', n, p, this[LIMIT]);
    // set() copies correctly even when `source` views this same memory.
    bytesAt(this, p, n).set(bytes);
    this[POSITION] = p + n;
    return this;
  }

  // A zero-copy view of the next n bytes: position 0, limit = capacity = n, this byte order.
  readBytes(n) {
    if (!isIndex(n)) badIndex('readBytes', 'the length', n);
    const p = this[POSITION];
    if (n > this[LIMIT] - p) underflow('readBytes', n, p, this[LIMIT]);
    const part = this[DERIVE](this[BASE] + p, n, this.byteOrder());
    this[POSITION] = p + n;
    return part;
  }

  // A copy of the next n bytes, in a new Uint8Array.
  readByteArray(n) {
    if (!isIndex(n)) badIndex('readByteArray', 'the length', n);
    const p = this[POSITION];
    if (n > this[LIMIT] - p) underflow('readByteArray', n, p, this[LIMIT]);
    const copy = bytesAt(this, p, n).slice();
    this[POSITION] = p + n;
    return copy;
  }

  // A zero-copy view of [position, limit) with its own cursors (position 0,
  // limit = capacity = remaining()), in this byte order unless given one.
  slice(byteOrder = this.byteOrder()) {
    checkOrder('slice', byteOrder);
    return this[DERIVE](this[BASE] + this[POSITION], this.remaining(), byteOrder);
  }

  // A Uint8Array over [position, limit) of the current memory, for APIs that
  // take bytes. A plain typed array: it goes stale when memory grows.
  remainingSpan() {
    return bytesAt(this, this[POSITION], this.remaining());
  }

  // ---- text --------------------------------------------------------------------
  // Writes `text` encoded in `charset` (UTF-8 by default; no byte order mark).
  // A string with a lone surrogate, or a character the charset cannot hold, is
  // a MalformedTextError; text that does not fit is a BufferOverflowError.
  // Either way nothing is written.
  writeString(text, charset = Charset.UTF8) {
    if (typeof text !== 'string') throw new TypeError(`writeString takes a string, got ${typeof text} ${describe(text)}`);
    const p = this[POSITION], room = this[LIMIT] - p;
    if (charset === Charset.UTF8) {
      checkWellFormed('writeString', text);
      // Room for the worst case (3 bytes per UTF-16 unit): encode in place.
      if (text.length * 3 <= room) {
        this[POSITION] = p + encoder.encodeInto(text, bytesAt(this, p, room)).written;
        return this;
      }
      // Measured first, so that an overflow writes nothing.
      const n = utf8Length(text);
      if (n > room) overflow('writeString', n, p, this[LIMIT]);
      encoder.encodeInto(text, bytesAt(this, p, n));
      this[POSITION] = p + n;
      return this;
    }
    checkCharset('writeString', charset);
    const memory = memoryBytes(this);  // first: asking a memory function for its buffer runs user code
    let n;
    if (charset === Charset.UTF16BigEndian || charset === Charset.UTF16LittleEndian) {
      checkWellFormed('writeString', text);
      n = 2 * text.length;
      if (n > room) overflow('writeString', n, p, this[LIMIT]);
      writeUTF16(this[DATA], p, text, charset === Charset.UTF16LittleEndian, memory, this[BASE] + p);
    } else if (charset === Charset.ISOLatin1) {
      checkLatin1('writeString', text);
      n = text.length;
      if (n > room) overflow('writeString', n, p, this[LIMIT]);
      writeLatin1(memory, this[BASE] + p, text);
    } else {
      const bytes = encodeToScratch('writeString', text, charset);  // ASCII, UTF-32
      n = bytes.length;
      if (n > room) overflow('writeString', n, p, this[LIMIT]);
      memory.set(bytes, this[BASE] + p);
    }
    this[POSITION] = p + n;
    return this;
  }

  // Reads byteLength bytes of text in `charset` (UTF-8 by default). Too few
  // bytes remaining is a BufferUnderflowError (checked first); bytes that are
  // not well-formed in the charset are a MalformedTextError. Either way
  // nothing is consumed.
  readString(byteLength, charset = Charset.UTF8) {
    if (!isIndex(byteLength)) badIndex('readString', 'the byte length', byteLength);
    if (charset !== Charset.UTF8) checkCharset('readString', charset);
    const p = this[POSITION];
    if (byteLength > this[LIMIT] - p) underflow('readString', byteLength, p, this[LIMIT]);
    let text;
    if (charset === Charset.UTF8) {
      text = decodeUTF8('readString', bytesAt(this, p, byteLength), p);
    } else {
      // Latin-1 decodes from the memory's Buffer on Node (a native decoder for long text).
      const start = this[BASE] + p;
      const bytes = charset === Charset.ISOLatin1 ? memoryBytes(this).subarray(start, start + byteLength) : bytesAt(this, p, byteLength);
      text = decode('readString', bytes, charset, p);
    }
    this[POSITION] = p + byteLength;
    return text;
  }

  toString() {
    return `${this.constructor.name}(${this.byteOrder()}, baseOffset ${this[BASE]}, position ${this[POSITION]}, ` +
      `limit ${this[LIMIT]}, capacity ${this[CAPACITY]})`;
  }

  // ---- hooks -------------------------------------------------------------------
  // A view of [offset, offset + length) of the same memory (readBytes, slice).
  [DERIVE](offset, length, byteOrder) {
    return new LinearView(this[SOURCE], offset, length, byteOrder);
  }

  // Called by the bulk functions before they touch memory; a checked view checks it is still live.
  [ACCESS](op) {}
}

// ---- bulk: typed arrays in the view's byte order ------------------------------------

function isTypedArray(a) {
  return ArrayBuffer.isView(a) && !(a instanceof DataView);
}

// Checks (offset, length) against an array; returns the length.
function arrayRange(op, array, offset, length) {
  if (!isTypedArray(array)) throw new TypeError(`${op} takes a typed array, got ${describe(array)}`);
  if (!isIndex(offset)) badIndex(op, 'the array offset', offset);
  if (length === undefined) length = Math.max(0, array.length - offset);
  if (!isIndex(length)) badIndex(op, 'the length', length);
  if (offset > array.length || length > array.length - offset) {
    throw new RangeError(`${op}: [${offset}, ${offset + length}) is outside the array of ${array.length} elements`);
  }
  return length;
}

// Byte-swapping copies, element by element through the view's DataView (one
// bswap and one load or store each, as a raw DataView loop does). Every bit
// survives: 16- and 32-bit integers move as themselves, Float64 too where the
// engine keeps NaN bits through a DataView (V8 does); other elements move as
// unsigned units of their bits: 8-byte ones as two 32-bit halves (no BigInt
// is made), Float32 as its bits (a float read as a Number would quieten a
// signalling NaN).
const float64KeepsNaNBits = (() => {
  const bits = new Uint32Array([0x00000001, 0x7ff00000]);  // a signalling NaN with a payload
  const data = new DataView(new ArrayBuffer(8));
  data.setFloat64(0, new Float64Array(bits.buffer)[0], true);
  return data.getUint32(0, true) === bits[0] && data.getUint32(4, true) === bits[1];
})();

// The elements as the typed array a kernel takes: the array itself (or a
// subarray) where each element is exact as a Number, else unsigned units of
// its bits; from a copy when they overlap the view's bytes.
function unitsOf(array, first, count, size, copy) {
  const Type = array.constructor;
  if (!copy && (Type === Int32Array || Type === Uint32Array || Type === Int16Array || Type === Uint16Array ||
      (Type === Float64Array && float64KeepsNaNBits))) {
    return first === 0 && count === array.length ? array : array.subarray(first, first + count);
  }
  let buffer = array.buffer, at = array.byteOffset + first * size;
  if (copy) {
    buffer = new Uint8Array(buffer, at, count * size).slice().buffer;
    at = 0;
  }
  if (size === 2) return new Uint16Array(buffer, at, count);
  if (Type === Float64Array && float64KeepsNaNBits) return new Float64Array(buffer, at, count);
  return new Uint32Array(buffer, at, count * (size / 4));
}

function overlaps(array, first, count, size, buffer, start, end) {
  if (array.buffer !== buffer) return false;
  const from = array.byteOffset + first * size;
  return from < end && start < from + count * size;
}

// Each kernel takes one typed array type only (so its loads and stores stay
// monomorphic whatever mix of arrays the program uses) and has one loop per
// byte order (so the flag is a constant inside it).
function storeInt16(data, p, a, little) {
  const n = a.length;
  if (little) for (let i = 0; i < n; i++, p += 2) data.setInt16(p, a[i], true);
  else for (let i = 0; i < n; i++, p += 2) data.setInt16(p, a[i], false);
}

function loadInt16(data, p, a, little) {
  const n = a.length;
  if (little) for (let i = 0; i < n; i++, p += 2) a[i] = data.getInt16(p, true);
  else for (let i = 0; i < n; i++, p += 2) a[i] = data.getInt16(p, false);
}

function storeUint16(data, p, a, little) {
  const n = a.length;
  if (little) for (let i = 0; i < n; i++, p += 2) data.setUint16(p, a[i], true);
  else for (let i = 0; i < n; i++, p += 2) data.setUint16(p, a[i], false);
}

function loadUint16(data, p, a, little) {
  const n = a.length;
  if (little) for (let i = 0; i < n; i++, p += 2) a[i] = data.getUint16(p, true);
  else for (let i = 0; i < n; i++, p += 2) a[i] = data.getUint16(p, false);
}

function storeInt32(data, p, a, little) {
  const n = a.length;
  if (little) for (let i = 0; i < n; i++, p += 4) data.setInt32(p, a[i], true);
  else for (let i = 0; i < n; i++, p += 4) data.setInt32(p, a[i], false);
}

function loadInt32(data, p, a, little) {
  const n = a.length;
  if (little) for (let i = 0; i < n; i++, p += 4) a[i] = data.getInt32(p, true);
  else for (let i = 0; i < n; i++, p += 4) a[i] = data.getInt32(p, false);
}

function storeUint32(data, p, a, little) {
  const n = a.length;
  if (little) for (let i = 0; i < n; i++, p += 4) data.setUint32(p, a[i], true);
  else for (let i = 0; i < n; i++, p += 4) data.setUint32(p, a[i], false);
}

function loadUint32(data, p, a, little) {
  const n = a.length;
  if (little) for (let i = 0; i < n; i++, p += 4) a[i] = data.getUint32(p, true);
  else for (let i = 0; i < n; i++, p += 4) a[i] = data.getUint32(p, false);
}

function storeFloat64(data, p, a, little) {
  const n = a.length;
  if (little) for (let i = 0; i < n; i++, p += 8) data.setFloat64(p, a[i], true);
  else for (let i = 0; i < n; i++, p += 8) data.setFloat64(p, a[i], false);
}

function loadFloat64(data, p, a, little) {
  const n = a.length;
  if (little) for (let i = 0; i < n; i++, p += 8) a[i] = data.getFloat64(p, true);
  else for (let i = 0; i < n; i++, p += 8) a[i] = data.getFloat64(p, false);
}

// 8-byte elements as pairs of 32-bit halves: `low` is the index of the low half in each pair (by host order).
const low = hostIsLittleEndian ? 0 : 1, high = 1 - low;
function storePairs(data, p, units, little) {
  const n = units.length;
  if (little) for (let i = 0; i < n; i += 2, p += 8) { data.setUint32(p, units[i + low], true); data.setUint32(p + 4, units[i + high], true); }
  else for (let i = 0; i < n; i += 2, p += 8) { data.setUint32(p, units[i + high], false); data.setUint32(p + 4, units[i + low], false); }
}

function loadPairs(data, p, units, little) {
  const n = units.length;
  if (little) for (let i = 0; i < n; i += 2, p += 8) { units[i + low] = data.getUint32(p, true); units[i + high] = data.getUint32(p + 4, true); }
  else for (let i = 0; i < n; i += 2, p += 8) { units[i + high] = data.getUint32(p, false); units[i + low] = data.getUint32(p + 4, false); }
}

// `elements` as unitsOf made them; `size` is the original element size (8 with a Uint32Array: pairs).
function storeElements(data, p, elements, size, little) {
  switch (elements.constructor) {
    case Int16Array: storeInt16(data, p, elements, little); break;
    case Uint16Array: storeUint16(data, p, elements, little); break;
    case Int32Array: storeInt32(data, p, elements, little); break;
    case Float64Array: storeFloat64(data, p, elements, little); break;
    default: if (size === 8) storePairs(data, p, elements, little); else storeUint32(data, p, elements, little);
  }
}

function loadElements(data, p, elements, size, little) {
  switch (elements.constructor) {
    case Int16Array: loadInt16(data, p, elements, little); break;
    case Uint16Array: loadUint16(data, p, elements, little); break;
    case Int32Array: loadInt32(data, p, elements, little); break;
    case Float64Array: loadFloat64(data, p, elements, little); break;
    default: if (size === 8) loadPairs(data, p, elements, little); else loadUint32(data, p, elements, little);
  }
}

// The bytes of elements first .. first + count of `array` (the array itself when it is all of a Uint8Array).
function elementBytes(array, first, count, size) {
  if (array instanceof Uint8Array && first === 0 && count === array.length) return array;
  return new Uint8Array(array.buffer, array.byteOffset + first * size, count * size);
}

// Writes `length` elements of `array` from index `srcOffset` at the view's
// position, each in the view's byte order (like writeInts/writeLongs/...; a
// Uint8Array or Int8Array is plain bytes), and advances the position. Any
// out-of-range offset or length is a RangeError and nothing is written. An
// array over the view's own bytes behaves as if copied first.
export function writeFromJsArray(view, array, srcOffset = 0, length = undefined) {
  if (!(view instanceof LinearView)) throw new TypeError(`writeFromJsArray takes a LinearView first, got ${describe(view)}`);
  view[ACCESS]('writeFromJsArray');
  length = arrayRange('writeFromJsArray', array, srcOffset, length);
  const size = array.BYTES_PER_ELEMENT, n = length * size, p = view[POSITION];
  if (n > view[LIMIT] - p) overflow('writeFromJsArray', n, p, view[LIMIT]);
  const memory = memoryBytes(view), start = view[BASE] + p;
  if (size === 1 || view[LITTLE] === hostIsLittleEndian) {
    // The host's order is the view's: a plain copy (set() copies overlapping bytes correctly).
    memory.set(elementBytes(array, srcOffset, length, size), start);
  } else {
    const copy = overlaps(array, srcOffset, length, size, memory.buffer, start, start + n);
    storeElements(view[DATA], p, unitsOf(array, srcOffset, length, size, copy), size, view[LITTLE]);
  }
  view[POSITION] = p + n;
  return view;
}

// Reads `length` elements (each in the view's byte order) from the view's
// position into `array` from index `dstOffset`, and advances the position.
// Any out-of-range offset or length is a RangeError and nothing changes.
export function readToJsArray(view, array, dstOffset = 0, length = undefined) {
  if (!(view instanceof LinearView)) throw new TypeError(`readToJsArray takes a LinearView first, got ${describe(view)}`);
  view[ACCESS]('readToJsArray');
  length = arrayRange('readToJsArray', array, dstOffset, length);
  const size = array.BYTES_PER_ELEMENT, n = length * size, p = view[POSITION];
  if (n > view[LIMIT] - p) underflow('readToJsArray', n, p, view[LIMIT]);
  const buffer = liveBuffer(view), start = view[BASE] + p;
  if (size === 1 || view[LITTLE] === hostIsLittleEndian) {
    elementBytes(array, dstOffset, length, size).set(new Uint8Array(buffer, start, n));
  } else if (overlaps(array, dstOffset, length, size, buffer, start, start + n)) {
    // Into a scratch array first, then over the overlapping elements.
    const scratch = new array.constructor(length);
    loadElements(view[DATA], p, unitsOf(scratch, 0, length, size, false), size, view[LITTLE]);
    elementBytes(array, dstOffset, length, size).set(new Uint8Array(scratch.buffer));
  } else {
    loadElements(view[DATA], p, unitsOf(array, dstOffset, length, size, false), size, view[LITTLE]);
  }
  view[POSITION] = p + n;
  return array;
}

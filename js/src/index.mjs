// platform-buffer: the JavaScript side of platform_buffer's LinearBuffer.
//
// A LinearView is a java.nio-style cursor over `length` bytes of a
// WebAssembly.Memory starting at `offset`: the same bytes a C++ LinearBuffer
// at baseOffset() holds, read and written in place, without a copy. Names and
// semantics follow the C++ API: relative operations move the position,
// absolute ones (get*/set*) take an index from byte 0 and are checked against
// the limit; a failed operation changes nothing, not the position, not a byte.
//
// Memory growth: a non-shared WebAssembly.Memory detaches its old ArrayBuffer
// whenever it grows. The engine then refuses every access through a DataView
// over it with a TypeError before touching memory, so the fast path just uses
// the cached DataView; on a TypeError it compares the cached buffer with
// memory.buffer, re-attaches if they differ and retries (otherwise the error
// was not ours and propagates). Reading memory.buffer on every access would
// cost about 3x on small reads and writes. Bulk operations build their typed
// arrays from memory.buffer directly.

export const ByteOrder = Object.freeze({ BigEndian: 'BigEndian', LittleEndian: 'LittleEndian' });

// A relative read with too few bytes remaining, or an absolute read past the limit.
export class BufferUnderflowError extends RangeError {
  get name() { return 'BufferUnderflowError'; }
}

// A write that does not fit, or an absolute write past the limit.
export class BufferOverflowError extends RangeError {
  get name() { return 'BufferOverflowError'; }
}

// Text that is not well-formed: bytes that are not UTF-8, or a JS string with
// a lone surrogate. A TypeError, like the one TextDecoder({fatal: true}) throws.
export class MalformedTextError extends TypeError {
  get name() { return 'MalformedTextError'; }
}

const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is text like any other, as on the C++ side.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// String.prototype.isWellFormed where the engine has it (Node 20, Chrome 111,
// Safari 16.4, Firefox 119); otherwise a search for a lone surrogate.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed = String.prototype.isWellFormed
  ? (text) => text.isWellFormed()
  : (text) => !LONE_SURROGATE.test(text);

const INT8 = [-0x80, 0x7f], UINT8 = [0, 0xff], INT16 = [-0x8000, 0x7fff], UINT16 = [0, 0xffff];
const INT32 = [-0x80000000, 0x7fffffff], UINT32 = [0, 0xffffffff];
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n], UINT64 = [0n, 2n ** 64n - 1n];

// ---- argument checks (failures are out of the fast paths) -------------------

function isIndex(n) {
  return Number.isSafeInteger(n) && n >= 0;
}

function describe(v) {
  return typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function badIndex(op, what, n) {
  throw new RangeError(`${op}: ${what} must be a non-negative integer, got ${describe(n)}`);
}

function badValue(op, v, range) {
  const kind = typeof range[0];
  if (typeof v !== kind) throw new TypeError(`${op} takes a ${kind}, got ${typeof v} ${describe(v)}`);
  throw new RangeError(`${op}: ${describe(v)} is not an integer in [${describe(range[0])}, ${describe(range[1])}]`);
}

function checkInt(op, v, range) {
  if (!(Number.isInteger(v) && v >= range[0] && v <= range[1])) badValue(op, v, range);
}

function checkBigInt(op, v, range) {
  if (!(typeof v === 'bigint' && v >= range[0] && v <= range[1])) badValue(op, v, range);
}

function checkNumber(op, v) {
  if (typeof v !== 'number') throw new TypeError(`${op} takes a number, got ${typeof v} ${describe(v)}`);
}

function underflow(op, need, position, limit) {
  throw new BufferUnderflowError(
    `${op} needs ${need} bytes but ${limit - position} remain (position ${position}, limit ${limit})`);
}

function overflow(op, need, position, limit) {
  throw new BufferOverflowError(
    `${op} needs ${need} bytes but ${limit - position} remain (position ${position}, limit ${limit})`);
}

function outsideLimit(ErrorType, op, index, need, limit) {
  if (!isIndex(index)) badIndex(op, 'the index', index);
  throw new ErrorType(`${op} at index ${index} needs ${need} bytes but the limit is ${limit}`);
}

function isTypedArray(a) {
  return ArrayBuffer.isView(a) && !(a instanceof DataView);
}

// The bytes of an ArrayBuffer, SharedArrayBuffer or any ArrayBufferView, as a Uint8Array.
function bytesOf(op, source) {
  if (source instanceof Uint8Array) return source;
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (source instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && source instanceof SharedArrayBuffer)) {
    return new Uint8Array(source);
  }
  throw new TypeError(`${op} takes a Uint8Array, an ArrayBufferView or an ArrayBuffer, got ${describe(source)}`);
}

// Reverses the bytes of each `size`-byte element in place: byte order conversion for bulk copies.
function swapElements(bytes, size) {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

// Converts `size`-byte elements in place between the host's order and the
// view's (the same swap both ways); nothing to do when they agree.
function toViewOrder(view, bytes, size) {
  if (size > 1 && (view.byteOrder() === ByteOrder.LittleEndian) !== hostIsLittleEndian) swapElements(bytes, size);
}

let bulkRange, advance; // set by LinearView's static block

export class LinearView {
  #memory;
  #base;
  #capacity;
  #limit;
  #position = 0;
  #order;
  #little;
  #buffer; // the ArrayBuffer #data was made over
  #data; // DataView over [base, base + capacity) of #buffer

  // A view of `length` bytes of `memory` from `offset`: position 0, limit = capacity = length.
  constructor(memory, offset, length, byteOrder = ByteOrder.BigEndian) {
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new TypeError(`LinearView needs a WebAssembly.Memory, got ${describe(memory)}`);
    }
    if (byteOrder !== ByteOrder.BigEndian && byteOrder !== ByteOrder.LittleEndian) {
      throw new RangeError(`LinearView: byteOrder must be 'BigEndian' or 'LittleEndian', got ${describe(byteOrder)}`);
    }
    if (!isIndex(offset)) badIndex('LinearView', 'offset', offset);
    if (!isIndex(length)) badIndex('LinearView', 'length', length);
    const size = memory.buffer.byteLength;
    if (offset > size || length > size - offset) {
      throw new RangeError(`LinearView: [${offset}, ${offset + length}) is outside the ${size} bytes of memory`);
    }
    this.#memory = memory;
    this.#base = offset;
    this.#capacity = length;
    this.#limit = length;
    this.#order = byteOrder;
    this.#little = byteOrder === ByteOrder.LittleEndian;
    this.#attach(memory.buffer);
  }

  // A view over the `memory` export of a wasm instance's exports.
  static fromExports(exports, offset, length, byteOrder = ByteOrder.BigEndian) {
    return new LinearView(exports.memory, offset, length, byteOrder);
  }

  // A view over the memory of an instantiated Emscripten Module (see emscriptenMemory).
  static fromEmscriptenModule(module, offset, length, byteOrder = ByteOrder.BigEndian) {
    return new LinearView(emscriptenMemory(module), offset, length, byteOrder);
  }

  // ---- where the bytes are ---------------------------------------------------
  memory() { return this.#memory; }
  // Linear-memory offset of byte 0 of this view (LinearBuffer::baseOffset()).
  baseOffset() { return this.#base; }
  // baseOffset() + position() (LinearBuffer::linearMemoryOffset()).
  linearMemoryOffset() { return this.#base + this.#position; }

  // ---- state -----------------------------------------------------------------
  capacity() { return this.#capacity; }
  limit() { return this.#limit; }
  remaining() { return this.#limit - this.#position; }
  hasRemaining() { return this.#position < this.#limit; }
  byteOrder() { return this.#order; }

  // position() reads it; position(n) moves it (n > limit is a RangeError) and returns the view.
  position(n) {
    if (n === undefined) return this.#position;
    if (!isIndex(n)) badIndex('position', 'the position', n);
    if (n > this.#limit) throw new RangeError(`position(${n}) is past the limit ${this.#limit}`);
    this.#position = n;
    return this;
  }

  // n > capacity is a RangeError; a position past n moves to n.
  setLimit(n) {
    if (!isIndex(n)) badIndex('setLimit', 'the limit', n);
    if (n > this.#capacity) throw new RangeError(`setLimit(${n}) is past the capacity ${this.#capacity}`);
    this.#limit = n;
    if (this.#position > n) this.#position = n;
    return this;
  }

  // limit = position, position = 0: read back what was written.
  resetForRead() {
    this.#limit = this.#position;
    this.#position = 0;
    return this;
  }

  // position = 0, limit = capacity: write from the start again.
  resetForWrite() {
    this.#position = 0;
    this.#limit = this.#capacity;
    return this;
  }

  // ---- relative writes (return the view, so calls chain) -----------------------
  writeByte(v) { checkInt('writeByte', v, INT8); this.#setI8(this.#claim('writeByte', 1), v); return this; }
  writeUByte(v) { checkInt('writeUByte', v, UINT8); this.#setU8(this.#claim('writeUByte', 1), v); return this; }
  writeShort(v) { checkInt('writeShort', v, INT16); this.#setI16(this.#claim('writeShort', 2), v); return this; }
  writeUShort(v) { checkInt('writeUShort', v, UINT16); this.#setU16(this.#claim('writeUShort', 2), v); return this; }
  writeInt(v) { checkInt('writeInt', v, INT32); this.#setI32(this.#claim('writeInt', 4), v); return this; }
  writeUInt(v) { checkInt('writeUInt', v, UINT32); this.#setU32(this.#claim('writeUInt', 4), v); return this; }
  writeLong(v) { checkBigInt('writeLong', v, INT64); this.#setI64(this.#claim('writeLong', 8), v); return this; }
  writeULong(v) { checkBigInt('writeULong', v, UINT64); this.#setU64(this.#claim('writeULong', 8), v); return this; }
  writeFloat(v) { checkNumber('writeFloat', v); this.#setF32(this.#claim('writeFloat', 4), v); return this; }
  writeDouble(v) { checkNumber('writeDouble', v); this.#setF64(this.#claim('writeDouble', 8), v); return this; }

  // ---- relative reads (64-bit values are BigInts) ---------------------------------
  readByte() { return this.#getI8(this.#consume('readByte', 1)); }
  readUnsignedByte() { return this.#getU8(this.#consume('readUnsignedByte', 1)); }
  readShort() { return this.#getI16(this.#consume('readShort', 2)); }
  readUnsignedShort() { return this.#getU16(this.#consume('readUnsignedShort', 2)); }
  readInt() { return this.#getI32(this.#consume('readInt', 4)); }
  readUnsignedInt() { return this.#getU32(this.#consume('readUnsignedInt', 4)); }
  readLong() { return this.#getI64(this.#consume('readLong', 8)); }
  readUnsignedLong() { return this.#getU64(this.#consume('readUnsignedLong', 8)); }
  readFloat() { return this.#getF32(this.#consume('readFloat', 4)); }
  readDouble() { return this.#getF64(this.#consume('readDouble', 8)); }

  // ---- absolute reads: index from byte 0, checked against the limit ------------
  get(i) { return this.#getI8(this.#readAt('get', i, 1)); }
  getUnsignedByte(i) { return this.#getU8(this.#readAt('getUnsignedByte', i, 1)); }
  getShort(i) { return this.#getI16(this.#readAt('getShort', i, 2)); }
  getUnsignedShort(i) { return this.#getU16(this.#readAt('getUnsignedShort', i, 2)); }
  getInt(i) { return this.#getI32(this.#readAt('getInt', i, 4)); }
  getUnsignedInt(i) { return this.#getU32(this.#readAt('getUnsignedInt', i, 4)); }
  getLong(i) { return this.#getI64(this.#readAt('getLong', i, 8)); }
  getUnsignedLong(i) { return this.#getU64(this.#readAt('getUnsignedLong', i, 8)); }
  getFloat(i) { return this.#getF32(this.#readAt('getFloat', i, 4)); }
  getDouble(i) { return this.#getF64(this.#readAt('getDouble', i, 8)); }

  // ---- absolute writes ---------------------------------------------------------
  setByte(i, v) { checkInt('setByte', v, INT8); this.#setI8(this.#writeAt('setByte', i, 1), v); return this; }
  setUByte(i, v) { checkInt('setUByte', v, UINT8); this.#setU8(this.#writeAt('setUByte', i, 1), v); return this; }
  setShort(i, v) { checkInt('setShort', v, INT16); this.#setI16(this.#writeAt('setShort', i, 2), v); return this; }
  setUShort(i, v) { checkInt('setUShort', v, UINT16); this.#setU16(this.#writeAt('setUShort', i, 2), v); return this; }
  setInt(i, v) { checkInt('setInt', v, INT32); this.#setI32(this.#writeAt('setInt', i, 4), v); return this; }
  setUInt(i, v) { checkInt('setUInt', v, UINT32); this.#setU32(this.#writeAt('setUInt', i, 4), v); return this; }
  setLong(i, v) { checkBigInt('setLong', v, INT64); this.#setI64(this.#writeAt('setLong', i, 8), v); return this; }
  setULong(i, v) { checkBigInt('setULong', v, UINT64); this.#setU64(this.#writeAt('setULong', i, 8), v); return this; }
  setFloat(i, v) { checkNumber('setFloat', v); this.#setF32(this.#writeAt('setFloat', i, 4), v); return this; }
  setDouble(i, v) { checkNumber('setDouble', v); this.#setF64(this.#writeAt('setDouble', i, 8), v); return this; }

  // ---- bytes -------------------------------------------------------------------
  // Copies every byte of `source` (a Uint8Array, any ArrayBufferView, or an ArrayBuffer).
  writeBytes(source) {
    const bytes = bytesOf('writeBytes', source);
    const at = this.#claim('writeBytes', bytes.length);
    // set() copies correctly even when `source` views this same memory.
    this.#bytes(at, bytes.length).set(bytes);
    return this;
  }

  // A zero-copy view of the next n bytes: position 0, limit = capacity = n, this byte order.
  readBytes(n) {
    if (!isIndex(n)) badIndex('readBytes', 'the length', n);
    const at = this.#consume('readBytes', n);
    return new LinearView(this.#memory, this.#base + at, n, this.#order);
  }

  // A copy of the next n bytes, in a new Uint8Array.
  readByteArray(n) {
    if (!isIndex(n)) badIndex('readByteArray', 'the length', n);
    const at = this.#consume('readByteArray', n);
    return this.#bytes(at, n).slice();
  }

  // A zero-copy view of [position, limit) with its own cursors (position 0,
  // limit = capacity = remaining()), in this byte order unless given one.
  slice(byteOrder = this.#order) {
    return new LinearView(this.#memory, this.#base + this.#position, this.remaining(), byteOrder);
  }

  // A Uint8Array over [position, limit) of the current memory.buffer, for APIs
  // that take bytes. A plain typed array: it goes stale when memory grows.
  remainingSpan() {
    return this.#bytes(this.#position, this.remaining());
  }

  // ---- text --------------------------------------------------------------------
  // Writes `text` as UTF-8. A string with a lone surrogate (not well-formed
  // UTF-16, so not encodable) is a MalformedTextError; nothing is written.
  writeString(text) {
    if (typeof text !== 'string') throw new TypeError(`writeString takes a string, got ${typeof text}`);
    if (!isWellFormed(text)) {
      throw new MalformedTextError('writeString: the string has a lone surrogate and is not well-formed UTF-16');
    }
    const p = this.#position, room = this.#limit - p;
    // A UTF-16 code unit needs at most 3 UTF-8 bytes: when that surely fits,
    // encode straight into memory; otherwise measure first so an overflow writes nothing.
    if (text.length * 3 <= room) {
      this.#position = p + encoder.encodeInto(text, this.#bytes(p, room)).written;
      return this;
    }
    const bytes = encoder.encode(text);
    if (bytes.length > room) overflow('writeString', bytes.length, p, this.#limit);
    this.#bytes(p, bytes.length).set(bytes);
    this.#position = p + bytes.length;
    return this;
  }

  // Reads byteLength bytes of UTF-8. Too few bytes remaining is an underflow;
  // bytes that are not well-formed UTF-8 are a MalformedTextError. Either way nothing is consumed.
  readString(byteLength) {
    if (!isIndex(byteLength)) badIndex('readString', 'the byte length', byteLength);
    const p = this.#position;
    if (byteLength > this.#limit - p) underflow('readString', byteLength, p, this.#limit);
    let bytes = this.#bytes(p, byteLength);
    // TextDecoder does not accept views of a SharedArrayBuffer (shared memory) everywhere.
    if (!(bytes.buffer instanceof ArrayBuffer)) bytes = bytes.slice();
    let text;
    try {
      text = decoder.decode(bytes);
    } catch (e) {
      throw new MalformedTextError(`readString: the ${byteLength} bytes at position ${p} are not well-formed UTF-8`,
        { cause: e });
    }
    this.#position = p + byteLength;
    return text;
  }

  toString() {
    return `LinearView(${this.#order}, baseOffset ${this.#base}, position ${this.#position}, ` +
      `limit ${this.#limit}, capacity ${this.#capacity})`;
  }

  // ---- internals -------------------------------------------------------------------
  #attach(buffer) {
    this.#buffer = buffer;
    this.#data = new DataView(buffer, this.#base, this.#capacity);
  }

  // Called when an access through the cached DataView threw: re-attach if the
  // memory has grown since, else the error is someone else's.
  #fresh(error) {
    const buffer = this.#memory.buffer;
    if (buffer === this.#buffer) throw error;
    this.#attach(buffer);
    return this.#data;
  }

  // A Uint8Array over n bytes from index `at` of this view, in the current memory.
  #bytes(at, n) {
    const buffer = this.#memory.buffer;
    if (buffer !== this.#buffer) this.#attach(buffer);
    return new Uint8Array(buffer, this.#base + at, n);
  }

  // Relative write of n bytes: returns the index to write at and advances.
  // Writes validate their value before claiming, so a claim is always followed by its store.
  #claim(op, n) {
    const p = this.#position;
    if (this.#limit - p < n) overflow(op, n, p, this.#limit);
    this.#position = p + n;
    return p;
  }

  // Relative read of n bytes: returns the index to read at and advances.
  #consume(op, n) {
    const p = this.#position;
    if (this.#limit - p < n) underflow(op, n, p, this.#limit);
    this.#position = p + n;
    return p;
  }

  #readAt(op, i, n) {
    if (!(i >= 0 && i <= this.#limit - n && Number.isInteger(i))) outsideLimit(BufferUnderflowError, op, i, n, this.#limit);
    return i;
  }

  #writeAt(op, i, n) {
    if (!(i >= 0 && i <= this.#limit - n && Number.isInteger(i))) outsideLimit(BufferOverflowError, op, i, n, this.#limit);
    return i;
  }

  // One load or store each. Bounds were checked by the caller; a TypeError here
  // means the memory grew (the buffer was detached) and nothing was accessed.
  #getI8(i) { try { return this.#data.getInt8(i); } catch (e) { return this.#fresh(e).getInt8(i); } }
  #getU8(i) { try { return this.#data.getUint8(i); } catch (e) { return this.#fresh(e).getUint8(i); } }
  #getI16(i) { const l = this.#little; try { return this.#data.getInt16(i, l); } catch (e) { return this.#fresh(e).getInt16(i, l); } }
  #getU16(i) { const l = this.#little; try { return this.#data.getUint16(i, l); } catch (e) { return this.#fresh(e).getUint16(i, l); } }
  #getI32(i) { const l = this.#little; try { return this.#data.getInt32(i, l); } catch (e) { return this.#fresh(e).getInt32(i, l); } }
  #getU32(i) { const l = this.#little; try { return this.#data.getUint32(i, l); } catch (e) { return this.#fresh(e).getUint32(i, l); } }
  #getI64(i) { const l = this.#little; try { return this.#data.getBigInt64(i, l); } catch (e) { return this.#fresh(e).getBigInt64(i, l); } }
  #getU64(i) { const l = this.#little; try { return this.#data.getBigUint64(i, l); } catch (e) { return this.#fresh(e).getBigUint64(i, l); } }
  #getF32(i) { const l = this.#little; try { return this.#data.getFloat32(i, l); } catch (e) { return this.#fresh(e).getFloat32(i, l); } }
  #getF64(i) { const l = this.#little; try { return this.#data.getFloat64(i, l); } catch (e) { return this.#fresh(e).getFloat64(i, l); } }

  #setI8(i, v) { try { this.#data.setInt8(i, v); } catch (e) { this.#fresh(e).setInt8(i, v); } }
  #setU8(i, v) { try { this.#data.setUint8(i, v); } catch (e) { this.#fresh(e).setUint8(i, v); } }
  #setI16(i, v) { const l = this.#little; try { this.#data.setInt16(i, v, l); } catch (e) { this.#fresh(e).setInt16(i, v, l); } }
  #setU16(i, v) { const l = this.#little; try { this.#data.setUint16(i, v, l); } catch (e) { this.#fresh(e).setUint16(i, v, l); } }
  #setI32(i, v) { const l = this.#little; try { this.#data.setInt32(i, v, l); } catch (e) { this.#fresh(e).setInt32(i, v, l); } }
  #setU32(i, v) { const l = this.#little; try { this.#data.setUint32(i, v, l); } catch (e) { this.#fresh(e).setUint32(i, v, l); } }
  #setI64(i, v) { const l = this.#little; try { this.#data.setBigInt64(i, v, l); } catch (e) { this.#fresh(e).setBigInt64(i, v, l); } }
  #setU64(i, v) { const l = this.#little; try { this.#data.setBigUint64(i, v, l); } catch (e) { this.#fresh(e).setBigUint64(i, v, l); } }
  #setF32(i, v) { const l = this.#little; try { this.#data.setFloat32(i, v, l); } catch (e) { this.#fresh(e).setFloat32(i, v, l); } }
  #setF64(i, v) { const l = this.#little; try { this.#data.setFloat64(i, v, l); } catch (e) { this.#fresh(e).setFloat64(i, v, l); } }

  // The bulk functions below are free functions (as in the contract) but need the cursors.
  static {
    // The view's bytes [position, position + n) once they are known to be there
    // (else `fail` throws), without moving the position.
    bulkRange = (view, n, fail, op) => {
      const p = view.#position;
      if (view.#limit - p < n) fail(op, n, p, view.#limit);
      return view.#bytes(p, n);
    };
    advance = (view, n) => {
      view.#position += n;
    };
  }
}

// Checks (offset, length) against an array of `size` elements; returns the length.
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

// Writes `length` elements of `array` from index `srcOffset` at the view's
// position, each in the view's byte order (like writeInts/writeLongs/...; a
// Uint8Array or Int8Array is plain bytes), and advances the position. Any
// out-of-range offset or length is a RangeError and nothing is written.
// The WebAssembly.Memory of an instantiated Emscripten Module (the object its
// generated JavaScript creates; with -sMODULARIZE, what the factory resolves to):
//  - Module.wasmMemory: a memory passed in with -sIMPORTED_MEMORY, or exported
//    with -sEXPORTED_RUNTIME_METHODS=wasmMemory by Emscripten releases that offer it;
//  - otherwise the memory among the module's wasm exports, Module.asm (3.1.6; at
//    -O2 and up its export name is minified, so it is found by type, not by name)
//    or Module.wasmExports (later releases, with EXPORTED_RUNTIME_METHODS=wasmExports).
// Module.HEAPU8 and friends are plain typed arrays, replaced when memory grows:
// a LinearView holds the memory itself and never goes stale.
export function emscriptenMemory(module) {
  if (module?.wasmMemory instanceof WebAssembly.Memory) return module.wasmMemory;
  for (const exports of [module?.asm, module?.wasmExports]) {
    if (exports && typeof exports === 'object') {
      for (const value of Object.values(exports)) if (value instanceof WebAssembly.Memory) return value;
    }
  }
  throw new TypeError('emscriptenMemory: no WebAssembly.Memory on this Emscripten Module (is it instantiated? '
    + 'await the factory, or wait for onRuntimeInitialized); link with -sEXPORTED_RUNTIME_METHODS=wasmMemory, '
    + 'or pass one in as Module.wasmMemory with -sIMPORTED_MEMORY');
}

export function writeFromJsArray(view, array, srcOffset = 0, length = undefined) {
  if (!(view instanceof LinearView)) throw new TypeError('writeFromJsArray takes a LinearView first');
  length = arrayRange('writeFromJsArray', array, srcOffset, length);
  const size = array.BYTES_PER_ELEMENT, n = length * size;
  const target = bulkRange(view, n, overflow, 'writeFromJsArray');
  target.set(new Uint8Array(array.buffer, array.byteOffset + srcOffset * size, n));
  toViewOrder(view, target, size);
  advance(view, n);
  return view;
}

// Reads `length` elements (each in the view's byte order) from the view's
// position into `array` from index `dstOffset`, and advances the position.
// Any out-of-range offset or length is a RangeError and nothing changes.
export function readToJsArray(view, array, dstOffset = 0, length = undefined) {
  if (!(view instanceof LinearView)) throw new TypeError('readToJsArray takes a LinearView first');
  length = arrayRange('readToJsArray', array, dstOffset, length);
  const size = array.BYTES_PER_ELEMENT, n = length * size;
  const source = bulkRange(view, n, underflow, 'readToJsArray');
  const target = new Uint8Array(array.buffer, array.byteOffset + dstOffset * size, n);
  target.set(source);
  toViewOrder(view, target, size);
  advance(view, n);
  return array;
}

// Checked mode: a CheckedLinearView throws a StaleViewError, before touching
// memory, on the first access after the C++ side released the buffer it views,
// even when the allocator has handed the block to a new owner.
//
// It relies on two exports of the module's allocator:
//   platform_buffer_block_generation(offset) -> u32: a nonzero id of the live
//     block containing byte `offset`, 0 when none; a block handed out again
//     gets a new id;
//   platform_buffer_release_counter() -> u32: the linear-memory offset of a
//     u32 the allocator increments on every block release.
// A view records its block's id when it is made. On each access it reads the
// counter (one load); only when the counter moved does it ask for the id again.
//
// LinearView itself has none of this: the plain mode costs nothing extra.
import { LinearView, ByteOrder, DERIVE, ACCESS, bufferOf, replacementBuffer } from './view.mjs';
import { StaleViewError, describe } from './errors.mjs';

const WATCH = Symbol('release watch');
const ANCHOR = Symbol('anchor');          // an offset inside the view's block
const GENERATION = Symbol('generation');  // the block's id when the view was made
const SEEN = Symbol('seen');              // the release counter when the id was last confirmed

// Reads one allocator's release counter and asks its block ids; shared by the views of one memory.
class ReleaseWatch {
  constructor(memory, tracking) {
    const generation = tracking?.platform_buffer_block_generation;
    const counter = tracking?.platform_buffer_release_counter;
    for (const [name, f] of [['platform_buffer_block_generation', generation], ['platform_buffer_release_counter', counter]]) {
      if (typeof f !== 'function') {
        throw new TypeError(`CheckedLinearView needs the module's ${name} export (a function), got ${describe(f)}`);
      }
    }
    this.memory = memory;
    this.generationOf = (offset) => generation(offset) >>> 0;  // i32 results arrive signed
    this.at = counter() >>> 0;
    if (this.at === 0) {
      throw new Error('CheckedLinearView: platform_buffer_release_counter() returned 0: the allocator could not set up ' +
        'its release counter (its region could not be reserved)');
    }
    this.buffer = null;
    this.data = null;
    this.attach(bufferOf(memory));
  }

  attach(buffer) {
    if (this.at + 4 > buffer.byteLength) {
      throw new RangeError(`platform_buffer_release_counter() is at offset ${this.at}, outside the ${buffer.byteLength} bytes of memory`);
    }
    this.buffer = buffer;
    this.data = new DataView(buffer, this.at, 4);
  }

  // The counter's current value (wasm memory is little-endian); re-attaches after growth.
  count() {
    try {
      return this.data.getUint32(0, true);
    } catch (e) {
      const buffer = replacementBuffer(this.memory, this.buffer);
      if (buffer === null) throw e;
      this.attach(buffer);
      return this.data.getUint32(0, true);
    }
  }
}

// One watch per (tracking exports, memory): every view of a module reads the same counter.
const watches = new WeakMap();
function watchFor(memory, tracking) {
  const known = tracking !== null && typeof tracking === 'object' ? watches.get(tracking) : undefined;
  if (known !== undefined && known.memory === memory) return known;
  const watch = new ReleaseWatch(memory, tracking);
  if (tracking !== null && typeof tracking === 'object') watches.set(tracking, watch);
  return watch;
}

function stale(view, op, now) {
  const what = now === 0 ? 'no live block is there now' : `the block there now is another buffer (generation ${now})`;
  throw new StaleViewError(`${op}: this view's buffer was released on the C++ side: the block at linear-memory offset ` +
    `${view[ANCHOR]} had generation ${view[GENERATION]} when the view was made, and ${what}. ` +
    'Keep the LinearBuffer alive while JavaScript uses its bytes.');
}

// The check before each access: one load of the counter, the block's id only when it moved.
function live(view, op) {
  const count = view[WATCH].count();
  if (count !== view[SEEN]) {
    const now = view[WATCH].generationOf(view[ANCHOR]);
    if (now !== view[GENERATION]) stale(view, op, now);
    view[SEEN] = count;
  }
}

let deriving = null;  // the parent while DERIVE constructs a view of part of it

export class CheckedLinearView extends LinearView {
  // Like LinearView's constructor, plus `tracking`: an object with the two
  // exports above (a wasm instance's exports, or Emscripten's Module with them
  // under those names). [offset, offset + length) must lie in one live block.
  constructor(memory, offset, length, byteOrder = ByteOrder.BigEndian, tracking = undefined) {
    const parent = deriving;
    deriving = null;
    super(memory, offset, length, byteOrder);
    if (parent !== null) {
      // readBytes / slice: the same block as the parent, even for an empty view at its end.
      this[WATCH] = parent[WATCH];
      this[ANCHOR] = parent[ANCHOR];
      this[GENERATION] = parent[GENERATION];
      this[SEEN] = parent[SEEN];
      return;
    }
    const watch = watchFor(memory, tracking);
    const seen = watch.count();
    const generation = watch.generationOf(offset);
    if (generation === 0) {
      throw new RangeError(`CheckedLinearView: no live block of the allocator contains offset ${offset}`);
    }
    if (length > 0 && watch.generationOf(offset + length - 1) !== generation) {
      throw new RangeError(`CheckedLinearView: [${offset}, ${offset + length}) runs past the end of the live block at ${offset}`);
    }
    this[WATCH] = watch;
    this[ANCHOR] = offset;
    this[GENERATION] = generation;
    this[SEEN] = seen;
  }

  // A checked view over the `memory` export, tracked through the same exports.
  static fromExports(exports, offset, length, byteOrder = ByteOrder.BigEndian) {
    if (!(exports?.memory instanceof WebAssembly.Memory)) {
      throw new TypeError(`fromExports: the exports have no WebAssembly.Memory named "memory", got ${describe(exports?.memory)}`);
    }
    return new CheckedLinearView(exports.memory, offset, length, byteOrder, exports);
  }

  // Whether the view's buffer is still live (no throw).
  isLive() {
    return this[WATCH].generationOf(this[ANCHOR]) === this[GENERATION];
  }

  [DERIVE](offset, length, byteOrder) {
    deriving = this;
    return new CheckedLinearView(this.memory(), offset, length, byteOrder);
  }

  [ACCESS](op) { live(this, op); }

  // Every operation that reads or writes bytes, or makes a view of them, checks first.
  writeByte(v) { live(this, 'writeByte'); return super.writeByte(v); }
  writeUByte(v) { live(this, 'writeUByte'); return super.writeUByte(v); }
  writeShort(v) { live(this, 'writeShort'); return super.writeShort(v); }
  writeUShort(v) { live(this, 'writeUShort'); return super.writeUShort(v); }
  writeInt(v) { live(this, 'writeInt'); return super.writeInt(v); }
  writeUInt(v) { live(this, 'writeUInt'); return super.writeUInt(v); }
  writeLong(v) { live(this, 'writeLong'); return super.writeLong(v); }
  writeULong(v) { live(this, 'writeULong'); return super.writeULong(v); }
  writeFloat(v) { live(this, 'writeFloat'); return super.writeFloat(v); }
  writeDouble(v) { live(this, 'writeDouble'); return super.writeDouble(v); }

  readByte() { live(this, 'readByte'); return super.readByte(); }
  readUnsignedByte() { live(this, 'readUnsignedByte'); return super.readUnsignedByte(); }
  readShort() { live(this, 'readShort'); return super.readShort(); }
  readUnsignedShort() { live(this, 'readUnsignedShort'); return super.readUnsignedShort(); }
  readInt() { live(this, 'readInt'); return super.readInt(); }
  readUnsignedInt() { live(this, 'readUnsignedInt'); return super.readUnsignedInt(); }
  readLong() { live(this, 'readLong'); return super.readLong(); }
  readUnsignedLong() { live(this, 'readUnsignedLong'); return super.readUnsignedLong(); }
  readFloat() { live(this, 'readFloat'); return super.readFloat(); }
  readDouble() { live(this, 'readDouble'); return super.readDouble(); }

  get(i) { live(this, 'get'); return super.get(i); }
  getUnsignedByte(i) { live(this, 'getUnsignedByte'); return super.getUnsignedByte(i); }
  getShort(i) { live(this, 'getShort'); return super.getShort(i); }
  getUnsignedShort(i) { live(this, 'getUnsignedShort'); return super.getUnsignedShort(i); }
  getInt(i) { live(this, 'getInt'); return super.getInt(i); }
  getUnsignedInt(i) { live(this, 'getUnsignedInt'); return super.getUnsignedInt(i); }
  getLong(i) { live(this, 'getLong'); return super.getLong(i); }
  getUnsignedLong(i) { live(this, 'getUnsignedLong'); return super.getUnsignedLong(i); }
  getFloat(i) { live(this, 'getFloat'); return super.getFloat(i); }
  getDouble(i) { live(this, 'getDouble'); return super.getDouble(i); }

  setByte(i, v) { live(this, 'setByte'); return super.setByte(i, v); }
  setUByte(i, v) { live(this, 'setUByte'); return super.setUByte(i, v); }
  setShort(i, v) { live(this, 'setShort'); return super.setShort(i, v); }
  setUShort(i, v) { live(this, 'setUShort'); return super.setUShort(i, v); }
  setInt(i, v) { live(this, 'setInt'); return super.setInt(i, v); }
  setUInt(i, v) { live(this, 'setUInt'); return super.setUInt(i, v); }
  setLong(i, v) { live(this, 'setLong'); return super.setLong(i, v); }
  setULong(i, v) { live(this, 'setULong'); return super.setULong(i, v); }
  setFloat(i, v) { live(this, 'setFloat'); return super.setFloat(i, v); }
  setDouble(i, v) { live(this, 'setDouble'); return super.setDouble(i, v); }

  writeBytes(source) { live(this, 'writeBytes'); return super.writeBytes(source); }
  readBytes(n) { live(this, 'readBytes'); return super.readBytes(n); }
  readByteArray(n) { live(this, 'readByteArray'); return super.readByteArray(n); }
  slice(byteOrder) { live(this, 'slice'); return super.slice(byteOrder); }
  remainingSpan() { live(this, 'remainingSpan'); return super.remainingSpan(); }
  writeString(text, charset) { live(this, 'writeString'); return super.writeString(text, charset); }
  readString(byteLength, charset) { live(this, 'readString'); return super.readString(byteLength, charset); }
}

// Type declarations for platform-buffer: views over WebAssembly linear memory
// with the C++ LinearBuffer's names and rules. Checked against the module by
// js/test/types/ (tsc on a typed example, and every export and method declared).

/** Byte order of multi-byte values; every view defaults to BigEndian. */
export type ByteOrder = 'BigEndian' | 'LittleEndian';
export declare const ByteOrder: { readonly BigEndian: 'BigEndian'; readonly LittleEndian: 'LittleEndian' };

/** Charsets of text, named as platform_buffer::Charset in C++. No byte order mark is written; one read is U+FEFF. */
export type Charset =
  | 'UTF8' | 'UTF16BigEndian' | 'UTF16LittleEndian' | 'UTF32BigEndian' | 'UTF32LittleEndian' | 'ASCII' | 'ISOLatin1';
export declare const Charset: {
  readonly UTF8: 'UTF8';
  readonly UTF16BigEndian: 'UTF16BigEndian';
  readonly UTF16LittleEndian: 'UTF16LittleEndian';
  readonly UTF32BigEndian: 'UTF32BigEndian';
  readonly UTF32LittleEndian: 'UTF32LittleEndian';
  readonly ASCII: 'ASCII';
  readonly ISOLatin1: 'ISOLatin1';
};

/**
 * Where a view's bytes are: a WebAssembly.Memory, or a function returning the
 * memory's current buffer (asked again whenever the one the view holds has been
 * detached by memory growth), e.g. `() => Module.HEAPU8.buffer`.
 */
export type MemorySource = WebAssembly.Memory | (() => ArrayBuffer | SharedArrayBuffer);

/** Anything with a `memory` export: a wasm instance's exports (checked at run time when typed loosely). */
export type ExportsWithMemory = { readonly memory: WebAssembly.Memory } | WebAssembly.Exports;

/**
 * The allocator's two exports that checked mode relies on (numbers arrive as
 * wasm i32 results): an object with them, or a wasm instance's exports.
 */
export type ReleaseTracking = {
  platform_buffer_block_generation(offset: number): number;
  platform_buffer_release_counter(): number;
} | WebAssembly.Exports;

/** Bytes a view copies: a Uint8Array, any ArrayBufferView, or an (Shared)ArrayBuffer. */
export type Bytes = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/** Typed arrays the bulk functions move, each element in the view's byte order. */
export type NumberArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array;
export type BigIntArray = BigInt64Array | BigUint64Array;

/** A relative read with too few bytes remaining, or an absolute read past the limit. */
export declare class BufferUnderflowError extends RangeError {}
/** A write that does not fit, or an absolute write past the limit. */
export declare class BufferOverflowError extends RangeError {}
/** Text not well-formed in its charset, or a character the charset cannot hold. */
export declare class MalformedTextError extends TypeError {}
/** Checked mode: the C++ side released the buffer this view was made over. */
export declare class StaleViewError extends Error {}

/**
 * A java.nio-style cursor over `length` bytes of wasm linear memory from
 * `offset`: the bytes of a C++ LinearBuffer at baseOffset(), read and written
 * in place. Relative operations move the position; absolute ones (get/set) take
 * an index from byte 0 and are checked against the limit. A failed operation
 * throws and changes nothing. 64-bit values are BigInts.
 */
export declare class LinearView {
  /** position 0, limit = capacity = length. */
  constructor(memory: MemorySource, offset: number, length: number, byteOrder?: ByteOrder);
  /** A view over `exports.memory`. */
  static fromExports(exports: ExportsWithMemory, offset: number, length: number, byteOrder?: ByteOrder): LinearView;
  /** A view over the memory of an instantiated Emscripten Module (see emscriptenMemory). */
  static fromEmscriptenModule(Module: object, offset: number, length: number, byteOrder?: ByteOrder): LinearView;

  /** The memory source the view was made with. */
  memory(): MemorySource;
  /** Linear-memory offset of byte 0 (LinearBuffer::baseOffset()). */
  baseOffset(): number;
  /** baseOffset() + position() (LinearBuffer::linearMemoryOffset()). */
  linearMemoryOffset(): number;

  capacity(): number;
  limit(): number;
  remaining(): number;
  hasRemaining(): boolean;
  byteOrder(): ByteOrder;
  position(): number;
  /** n > limit is a RangeError. */
  position(n: number): this;
  /** n > capacity is a RangeError; a position past n moves to n. */
  setLimit(n: number): this;
  /** limit = position, position = 0. */
  resetForRead(): this;
  /** position = 0, limit = capacity. */
  resetForWrite(): this;

  writeByte(v: number): this;
  writeUByte(v: number): this;
  writeShort(v: number): this;
  writeUShort(v: number): this;
  writeInt(v: number): this;
  writeUInt(v: number): this;
  writeLong(v: bigint): this;
  writeULong(v: bigint): this;
  writeFloat(v: number): this;
  writeDouble(v: number): this;

  readByte(): number;
  readUnsignedByte(): number;
  readShort(): number;
  readUnsignedShort(): number;
  readInt(): number;
  readUnsignedInt(): number;
  readLong(): bigint;
  readUnsignedLong(): bigint;
  readFloat(): number;
  readDouble(): number;

  get(index: number): number;
  getUnsignedByte(index: number): number;
  getShort(index: number): number;
  getUnsignedShort(index: number): number;
  getInt(index: number): number;
  getUnsignedInt(index: number): number;
  getLong(index: number): bigint;
  getUnsignedLong(index: number): bigint;
  getFloat(index: number): number;
  getDouble(index: number): number;

  setByte(index: number, v: number): this;
  setUByte(index: number, v: number): this;
  setShort(index: number, v: number): this;
  setUShort(index: number, v: number): this;
  setInt(index: number, v: number): this;
  setUInt(index: number, v: number): this;
  setLong(index: number, v: bigint): this;
  setULong(index: number, v: bigint): this;
  setFloat(index: number, v: number): this;
  setDouble(index: number, v: number): this;

  /** Copies every byte of `source` (it may view this same memory). */
  writeBytes(source: Bytes): this;
  /** A zero-copy view of the next n bytes (position 0, limit = capacity = n, this byte order). */
  readBytes(n: number): this;
  /** A copy of the next n bytes. */
  readByteArray(n: number): Uint8Array;
  /** A zero-copy view of [position, limit) with its own cursors. */
  slice(byteOrder?: ByteOrder): this;
  /** A Uint8Array over [position, limit) of the current memory buffer (stale once memory grows). */
  remainingSpan(): Uint8Array;

  /** Writes `text` in `charset` (default UTF8). */
  writeString(text: string, charset?: Charset): this;
  /** Reads byteLength bytes of text in `charset` (default UTF8). */
  readString(byteLength: number, charset?: Charset): string;

  toString(): string;
}

/**
 * A LinearView that throws StaleViewError, before touching memory, on the
 * first access after the C++ side released its buffer, even when the block has
 * a new owner. Costs one load per access (the allocator's release counter),
 * plus a call of platform_buffer_block_generation after each release.
 */
export declare class CheckedLinearView extends LinearView {
  /** [offset, offset + length) must lie in one live block of the allocator. */
  constructor(memory: MemorySource, offset: number, length: number, byteOrder: ByteOrder | undefined, tracking: ReleaseTracking);
  /** A checked view over `exports.memory`, tracked through the same exports. */
  static fromExports(exports: ExportsWithMemory, offset: number, length: number, byteOrder?: ByteOrder): CheckedLinearView;
  /** Whether the view's buffer is still live (never throws). */
  isLive(): boolean;
}

/**
 * Writes elements srcOffset .. srcOffset + length of `array` at the view's
 * position, each in the view's byte order, and advances it. Returns the view.
 */
export declare function writeFromJsArray<V extends LinearView>(view: V, array: NumberArray | BigIntArray, srcOffset?: number,
  length?: number): V;
/**
 * Reads `length` elements (in the view's byte order) from the view's position
 * into `array` from dstOffset, and advances it. Returns the array.
 */
export declare function readToJsArray<A extends NumberArray | BigIntArray>(view: LinearView, array: A, dstOffset?: number,
  length?: number): A;

/** The memory of an Emscripten Module (Module.wasmMemory, its memory export, or Module.HEAPU8's buffer). */
export declare function emscriptenMemory(Module: object): MemorySource;

/** Captures the memory of a jco-transpiled component's core instances. */
export interface CoreMemoryCapture {
  /** For jco's `--instantiation async`: pass as instantiate()'s third argument. */
  instantiateCore(module: WebAssembly.Module, imports?: WebAssembly.Imports): Promise<WebAssembly.Instance>;
  /** For `--instantiation sync` (async mode accepts it too). */
  instantiateCoreSync(module: WebAssembly.Module, imports?: WebAssembly.Imports): WebAssembly.Instance;
  /** The first core instance's memory export; an Error before instantiation. */
  memory(): WebAssembly.Memory;
}
export declare function coreMemoryCapture(options?: { exportName?: string }): CoreMemoryCapture;

/** The status codes of docs/host-abi.md. */
export declare const HostStatus: {
  readonly Ok: 0;
  readonly UnknownOffset: 1;
  readonly DoubleFree: 2;
  readonly NotHostOwned: 3;
  readonly TooLong: 4;
  readonly OutOfMemory: 5;
  readonly InvalidInput: 6;
  readonly FirstApplicationCode: 256;
};

/** A guest call that failed with a status (docs/host-abi.md's, or the guest's own from 256). */
export declare class GuestCallError extends Error {
  readonly functionName: string;
  readonly status: number;
  /** The status's name; for application codes the name given to the exchange, else null. */
  readonly statusName: string | null;
}

/** The guest's side of the host ABI that GuestExchange calls: its exports, or an object with these functions. */
export type HostAbiExports = {
  platform_buffer_alloc(size: number): number;
  platform_buffer_free(offset: number): number;
  readonly memory?: WebAssembly.Memory;
  readonly [name: string]: unknown;
} | WebAssembly.Exports;

export interface GuestExchangeOptions {
  /** Default: exports.memory. */
  memory?: MemorySource;
  /** Names of the guest's application codes, e.g. { 256: 'MalformedText' }. */
  statusNames?: Record<number, string>;
  /** Read results through CheckedLinearViews (needs the allocator's ReleaseTracking exports). */
  checked?: boolean;
}

export interface CallOptions<R> {
  /** 'bytes' (a copy, the default), 'string', or a reader given a view over the result. */
  result?: R;
  /** For string input and 'string' results. Default UTF8. */
  charset?: Charset;
  /** Of the view a reader gets. Default BigEndian. */
  byteOrder?: ByteOrder;
}

/** Guest function: (offset, length) -> i64 packed result, as docs/host-abi.md says. */
export type GuestFunction = (offset: number, length: number) => bigint;

/** The host side of docs/host-abi.md in one call: allocate, write, call, read, free. */
export declare class GuestExchange {
  constructor(exports: HostAbiExports, options?: GuestExchangeOptions);
  /** docs/host-abi.md's name of a status, or the application's; null when unknown. */
  statusName(status: number): string | null;
  call(fn: string | GuestFunction, input?: string | Bytes, options?: CallOptions<'bytes'>): Uint8Array;
  call(fn: string | GuestFunction, input: string | Bytes, options: CallOptions<'string'>): string;
  call<T>(fn: string | GuestFunction, input: string | Bytes, options: CallOptions<(view: LinearView) => T>): T;
}

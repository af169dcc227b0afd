// The host side of docs/host-abi.md in one call: allocate in the guest, write
// the input (bytes or a string), call the guest function, read the result and
// free it; a failure status becomes a GuestCallError that names it.
//
//   const guest = new GuestExchange(instance.exports, { statusNames: { 256: 'MalformedText' } });
//   guest.call('reverse_text', 'añb😀', { result: 'string' });   // '😀bña'
//   guest.call('parse_record', bytes, { result: (view) => readFields(view) });
import { LinearView, ByteOrder, bufferOf, bytesOf } from './view.mjs';
import { CheckedLinearView } from './checked.mjs';
import { Charset, checkCharset, encodeText } from './charsets.mjs';
import { describe } from './errors.mjs';

// The status codes of docs/host-abi.md.
export const HostStatus = Object.freeze({
  Ok: 0,
  UnknownOffset: 1,
  DoubleFree: 2,
  NotHostOwned: 3,
  TooLong: 4,
  OutOfMemory: 5,
  InvalidInput: 6,
  FirstApplicationCode: 256,
});
const STATUS_NAMES = ['Ok', 'UnknownOffset', 'DoubleFree', 'NotHostOwned', 'TooLong', 'OutOfMemory', 'InvalidInput'];

// A guest call that failed: `status` is the code (docs/host-abi.md), `statusName`
// its name (an application code's name when the exchange was given one, else null).
export class GuestCallError extends Error {
  constructor(message, { functionName, status, statusName }) {
    super(message);
    this.functionName = functionName;
    this.status = status;
    this.statusName = statusName;
  }

  get name() { return 'GuestCallError'; }
}

const EMPTY = new Uint8Array(0);
const MAX_LENGTH = 0xFFFFFFFF;  // lengths are u32 on the wire

export class GuestExchange {
  #exports;
  #memory;
  #statusNames;
  #checked;

  // `exports`: the guest's exports (platform_buffer_alloc, platform_buffer_free
  // and the functions to call). Options: `memory` (default exports.memory; a
  // WebAssembly.Memory or a function returning its buffer), `statusNames`
  // (names of the guest's application codes, e.g. { 256: 'MalformedText' }),
  // `checked` (results are read through CheckedLinearViews, so a reader that
  // keeps its view past the call gets a StaleViewError instead of another
  // buffer's bytes; needs the allocator's checked-mode exports).
  constructor(exports, { memory = exports?.memory, statusNames = {}, checked = false } = {}) {
    for (const name of ['platform_buffer_alloc', 'platform_buffer_free']) {
      if (typeof exports?.[name] !== 'function') {
        throw new TypeError(`GuestExchange needs the guest's ${name} export, got ${describe(exports?.[name])}`);
      }
    }
    if (!(memory instanceof WebAssembly.Memory) && typeof memory !== 'function') {
      throw new TypeError(`GuestExchange needs the guest's memory (a WebAssembly.Memory or a function returning its ` +
        `buffer), got ${describe(memory)}`);
    }
    this.#exports = exports;
    this.#memory = memory;
    this.#statusNames = { ...statusNames };
    this.#checked = checked;
    if (checked) {
      for (const name of ['platform_buffer_block_generation', 'platform_buffer_release_counter']) {
        if (typeof exports[name] !== 'function') {
          throw new TypeError(`GuestExchange({ checked: true }) needs the guest's ${name} export; this guest has none`);
        }
      }
    }
  }

  // The name of a status code: docs/host-abi.md's, or the application's; null when unknown.
  statusName(status) {
    return STATUS_NAMES[status] ?? this.#statusNames[status] ?? null;
  }

  // Calls the guest function `fn` (an export name, or the function) with
  // `input` (a string, encoded in `charset`, or bytes: a Uint8Array, any
  // ArrayBufferView or an ArrayBuffer) and returns its result as `result` says:
  // 'bytes' (a Uint8Array copy, the default), 'string' (decoded from `charset`),
  // or a function given a LinearView over the result (in `byteOrder`), whose
  // return value is returned; the view must not be kept past it. The result
  // is freed on every path. A failure status is a GuestCallError; input the
  // guest refused (codes 1-4) is freed by the host, as the ABI says.
  call(fn, input = EMPTY, { result = 'bytes', charset = Charset.UTF8, byteOrder = ByteOrder.BigEndian } = {}) {
    const { functionName, guestFunction } = this.#resolve(fn);
    if (typeof result !== 'function' && result !== 'bytes' && result !== 'string') {
      throw new TypeError(`call: result must be 'bytes', 'string' or a function taking a LinearView, got ${describe(result)}`);
    }
    checkCharset('call', charset);
    const x = this.#exports;

    // The input, checked and measured before anything is allocated.
    let bytes;
    if (typeof input === 'string') {
      bytes = encodeText(`call(${functionName})`, input, charset);
    } else {
      bytes = bytesOf(`call(${functionName})`, input);
      // Bytes of the guest's own memory are copied first: the allocation may grow (and detach) it.
      if (bytes.buffer === bufferOf(this.#memory)) bytes = bytes.slice();
    }
    const length = bytes.length;
    if (length > MAX_LENGTH) throw new RangeError(`call(${functionName}): ${length} bytes of input do not fit a u32 length`);

    // 1. Allocate and write the input (an empty input still needs a block).
    const offset = x.platform_buffer_alloc(Math.max(length, 1)) >>> 0;
    if (offset === 0) {
      throw new GuestCallError(`${functionName}: platform_buffer_alloc(${Math.max(length, 1)}) returned 0: the guest ` +
        'could not allocate the input (OutOfMemory)', { functionName, status: HostStatus.OutOfMemory, statusName: 'OutOfMemory' });
    }
    try {
      new LinearView(this.#memory, offset, length).writeBytes(bytes);
    } catch (e) {
      x.platform_buffer_free(offset);
      throw e;
    }

    // 2. Call. The guest takes the input block (a trap leaves its fate unknown: it is not freed here).
    const packed = guestFunction(offset, length);
    if (typeof packed !== 'bigint') {
      // Not a function of this ABI, so it did not take the input. (Had it freed it, this free
      // would only return DoubleFree: the ABI's free refuses, it never corrupts.)
      x.platform_buffer_free(offset);
      throw new TypeError(`${functionName} returned ${describe(packed)}, not the i64 of the host ABI's calling convention`);
    }
    const r = BigInt.asUintN(64, packed);
    const resultOffset = Number(r >> 32n), resultLength = Number(r & 0xFFFFFFFFn);

    // 3. A failure: codes 1-4 refused the input, which is still the host's.
    if (resultOffset === 0) {
      const status = resultLength;
      const refused = status >= HostStatus.UnknownOffset && status <= HostStatus.TooLong;
      if (refused) x.platform_buffer_free(offset);
      throw this.#failure(functionName, status, refused ? ': the guest refused the input (the host freed it)' : '');
    }

    // 4. Read the result, then free it whatever happened.
    let value, failed = true;
    try {
      const view = this.#checked
        ? new CheckedLinearView(this.#memory, resultOffset, resultLength, byteOrder, x)
        : new LinearView(this.#memory, resultOffset, resultLength, byteOrder);
      if (result === 'bytes') value = view.readByteArray(resultLength);
      else if (result === 'string') value = view.readString(resultLength, charset);
      else value = result(view);
      failed = false;
    } finally {
      const status = x.platform_buffer_free(resultOffset) >>> 0;
      // A read error wins; otherwise a free that failed is the guest breaking the ABI.
      if (!failed && status !== HostStatus.Ok) {
        throw this.#failure(functionName, status, `: platform_buffer_free(${resultOffset}) of its result failed`);
      }
    }
    return value;
  }

  #resolve(fn) {
    if (typeof fn === 'string') {
      const guestFunction = this.#exports[fn];
      if (typeof guestFunction !== 'function') throw new TypeError(`call: the guest has no function named ${JSON.stringify(fn)}`);
      return { functionName: fn, guestFunction };
    }
    if (typeof fn === 'function') return { functionName: fn.name || 'the guest function', guestFunction: fn };
    throw new TypeError(`call takes the name of a guest function or the function, got ${describe(fn)}`);
  }

  #failure(functionName, status, detail) {
    const statusName = this.statusName(status);
    const what = statusName === null
      ? (status >= HostStatus.FirstApplicationCode ? 'an application code' : 'an unknown code')
      : (status >= HostStatus.FirstApplicationCode ? `${statusName}, an application code` : statusName);
    return new GuestCallError(`${functionName} failed with status ${status} (${what})${detail}`,
      { functionName, status, statusName });
  }
}

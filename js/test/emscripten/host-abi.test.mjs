// The host ABI (docs/host-abi.md) over an Emscripten Module: the host-exchange
// guest (examples/host-exchange/guest/guest.cpp) built with em++, whose exports
// Emscripten's JavaScript exposes as Module._<name>. ctest passes the build:
//   PLATFORM_BUFFER_EMSCRIPTEN_GUEST=.../host_exchange_guest_emscripten.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearView, emscriptenMemory } from '../../src/index.mjs';
import { emscriptenReactor } from '../../../examples/js-interop/emscripten.mjs';

const guestPath = process.env.PLATFORM_BUFFER_EMSCRIPTEN_GUEST;
if (!guestPath) {
  throw new Error('set PLATFORM_BUFFER_EMSCRIPTEN_GUEST to the built host_exchange_guest_emscripten.js (ctest does)');
}
const guest = emscriptenReactor(guestPath);
const Status = { Ok: 0, UnknownOffset: 1, DoubleFree: 2, NotHostOwned: 3 };
const encoder = new TextEncoder();

// Places `text` in a block of the guest, calls fn(offset, length) and reads the i64 result in place.
function call(Module, fn, text) {
  const bytes = encoder.encode(text);
  const input = Module._platform_buffer_alloc(bytes.length) >>> 0;
  assert.notEqual(input, 0, 'platform_buffer_alloc');
  LinearView.fromEmscriptenModule(Module, input, bytes.length).writeBytes(bytes);
  const result = BigInt.asUintN(64, Module[`_${fn}`](input, bytes.length));  // -sWASM_BIGINT: one BigInt
  const offset = Number(result >> 32n), length = Number(result & 0xffffffffn);
  assert.notEqual(offset, 0, `${fn} failed with status ${length}`);
  const view = LinearView.fromEmscriptenModule(Module, offset, length);
  return { offset, text: view.readString(length) };
}

test('emscripten host ABI: the exports are Module functions, and a round trip reads the result in place', async () => {
  const { Module } = await guest.instantiate();
  for (const name of ['platform_buffer_alloc', 'platform_buffer_free', 'cabi_realloc', 'reverse_text']) {
    assert.equal(typeof Module[`_${name}`], 'function', `Module._${name}`);
  }
  const { offset, text } = call(Module, 'reverse_text', 'añb😀');
  assert.equal(text, '😀bña');
  assert.equal(Module._platform_buffer_free(offset), Status.Ok);
  assert.equal(Module._platform_buffer_free(offset), Status.DoubleFree);
  assert.equal(Module._platform_buffer_free(12345), Status.UnknownOffset);
  assert.equal(Module._platform_buffer_free(Module._banner_offset() >>> 0), Status.NotHostOwned);
});

test('emscripten host ABI: host blocks that grow memory leave the runtime and earlier results intact', async () => {
  const { Module } = await guest.instantiate();
  const memory = emscriptenMemory(Module);
  const kept = call(Module, 'reverse_text', 'kept across growth');
  const before = memory.buffer.byteLength;
  const big = Module._platform_buffer_alloc(2 * before) >>> 0;
  assert.notEqual(big, 0, 'platform_buffer_alloc of twice the memory');
  assert.ok(memory.buffer.byteLength > before, 'memory grew');
  assert.equal(Module.HEAPU8.buffer, memory.buffer, "the runtime's HEAPU8 follows the growth");
  assert.equal(LinearView.fromEmscriptenModule(Module, kept.offset, kept.text.length).readString(kept.text.length),
    'htworg ssorca tpek');
  assert.equal(call(Module, 'reverse_text', 'after').text, 'retfa');
  assert.equal(Module._platform_buffer_free(big), Status.Ok);
  assert.equal(Module._platform_buffer_free(kept.offset), Status.Ok);
});

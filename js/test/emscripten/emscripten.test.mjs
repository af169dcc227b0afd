// C++ <-> JS over an Emscripten Module: examples/js-interop/reactor.cpp built
// with em++ (examples/js-interop/CMakeLists.txt). First the interop checks of
// the WASI reactor, unchanged; then what only Emscripten has: reaching the
// Module's memory, views that stay valid while LinearBuffers and malloc grow it,
// the runtime's own HEAPU8 following every growth, and a memory passed in with
// -sIMPORTED_MEMORY. The builds come from the environment (ctest sets both):
//   PLATFORM_BUFFER_EMSCRIPTEN_REACTOR=.../interop_reactor_emscripten.js
//   PLATFORM_BUFFER_EMSCRIPTEN_REACTOR_IMPORTED_MEMORY=.../interop_reactor_imported_memory.js
// Without them this file fails: it must never pass by running nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearView, emscriptenMemory } from '../../src/index.mjs';
import { interopChecks } from '../../../examples/js-interop/checks.mjs';
import { emscriptenReactor } from '../../../examples/js-interop/emscripten.mjs';

const reactorPath = process.env.PLATFORM_BUFFER_EMSCRIPTEN_REACTOR;
const importedMemoryPath = process.env.PLATFORM_BUFFER_EMSCRIPTEN_REACTOR_IMPORTED_MEMORY;
if (!reactorPath || !importedMemoryPath) {
  throw new Error('set PLATFORM_BUFFER_EMSCRIPTEN_REACTOR and PLATFORM_BUFFER_EMSCRIPTEN_REACTOR_IMPORTED_MEMORY '
    + 'to the built interop_reactor_emscripten.js and interop_reactor_imported_memory.js (ctest does this)');
}
const reactor = emscriptenReactor(reactorPath);
const MB = 1024 * 1024;

for (const check of interopChecks()) {
  test(`emscripten: ${check.name}`, () => check.run(reactor));
}

// Both sides see one memory, the runtime's views included, after a growth.
function assertOneMemory(Module, memory, what) {
  assert.equal(emscriptenMemory(Module), memory, `${what}: the same WebAssembly.Memory`);
  assert.equal(Module.HEAPU8.buffer, memory.buffer, `${what}: Module.HEAPU8 is over the current buffer`);
  assert.equal(Module.HEAPU8.length, memory.buffer.byteLength, `${what}: and covers all of it`);
}

test('emscripten: a LinearView from a Module and an offset keeps working while LinearBuffers and malloc grow memory',
  async () => {
    const { Module } = await reactor.instantiate();
    const memory = emscriptenMemory(Module);
    const handle = Module._pb_allocate(64, 0);
    const offset = Module._pb_base_offset(handle) >>> 0;
    const view = LinearView.fromEmscriptenModule(Module, offset, 64);
    Module._pb_write_int(handle, 0x0a0b0c0d);
    assert.equal(view.readInt(), 0x0a0b0c0d);

    // Growth by the C++ allocator: a LinearBuffer larger than all memory so far.
    let size = memory.buffer.byteLength;
    const big = Module._pb_allocate(2 * size, 0);
    assert.ok(big >= 0, 'pb_allocate');
    assert.ok(memory.buffer.byteLength > size, 'memory grew');
    assertOneMemory(Module, memory, 'after a LinearBuffer grew memory');
    assert.equal(view.getInt(0), 0x0a0b0c0d, 'the view reads the bytes after growth');
    view.setInt(4, -2);
    assert.equal(Module._pb_get_int(handle, 4), -2, 'C++ reads a JS write made after growth');
    assert.equal(Module.HEAPU8[offset + 3], 0x0d, 'HEAPU8 sees the same bytes');

    // Growth by malloc: the runtime's sbrk, above everything the allocator holds.
    size = memory.buffer.byteLength;
    const bytes = 2 * size;
    const block = Module._malloc(bytes) >>> 0;
    assert.notEqual(block, 0, 'malloc');
    assert.ok(memory.buffer.byteLength > size, 'memory grew');
    assertOneMemory(Module, memory, 'after malloc grew memory');
    Module.HEAPU8.fill(0xee, block, block + bytes);
    for (const h of [handle, big]) {
      const start = Module._pb_base_offset(h) >>> 0, end = start + (Module._pb_capacity(h) >>> 0);
      assert.ok(block + bytes <= start || block >= end, 'malloc and the LinearBuffers do not overlap');
    }
    assert.equal(view.getInt(0), 0x0a0b0c0d, 'the view reads the bytes after malloc grew memory');
    assert.equal(view.getInt(4), -2);
    view.setInt(8, 7);
    assert.equal(Module._pb_get_int(handle, 8), 7);
    Module._free(block);
    Module._pb_release(big);
  });

test('emscripten: with -sIMPORTED_MEMORY the memory JavaScript passes in is the one LinearBuffers live in', async () => {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536 });  // 16 MB, up to 4 GB
  const { Module } = await emscriptenReactor(importedMemoryPath, () => ({ wasmMemory: memory })).instantiate();
  assert.equal(emscriptenMemory(Module), memory);
  const handle = Module._pb_allocate(32 * MB, 1);  // more than the 16 MB: grows the memory passed in
  assert.ok(handle >= 0, 'pb_allocate');
  assert.ok(memory.buffer.byteLength > 32 * MB, 'the memory passed in grew');
  assertOneMemory(Module, memory, 'after growth');
  const offset = Module._pb_base_offset(handle) >>> 0;
  const view = new LinearView(memory, offset, 32 * MB, 'LittleEndian');
  view.setLong(32 * MB - 8, -3n);
  assert.equal(Module._pb_get_long(handle, 32 * MB - 8), -3n);
});

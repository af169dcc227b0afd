// emscriptenMemory and LinearView.fromEmscriptenModule over stand-ins of the
// Module objects Emscripten's JavaScript makes (js/test/emscripten/ runs them
// over real ones).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearView, emscriptenMemory } from '../../src/index.mjs';

const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });

test('emscriptenMemory: Module.wasmMemory (-sIMPORTED_MEMORY, or exported as a runtime method)', () => {
  assert.equal(emscriptenMemory({ wasmMemory: memory, asm: {} }), memory);
});

test('emscriptenMemory: the memory among Module.asm, whatever its (minified) export name', () => {
  assert.equal(emscriptenMemory({ asm: { a: () => 0, memory: undefined, q: memory, b: 1 } }), memory);
  assert.equal(emscriptenMemory({ wasmExports: { z: memory } }), memory);
});

test('emscriptenMemory: a Module without one is a TypeError that says what to do', () => {
  for (const module of [undefined, null, 42]) {
    assert.throws(() => emscriptenMemory(module), (e) => e instanceof TypeError && /the Emscripten Module object/.test(e.message));
  }
  for (const module of [{}, { asm: {} }, { asm: null, wasmMemory: {} }]) {
    assert.throws(() => emscriptenMemory(module),
      (e) => e instanceof TypeError && /EXPORTED_RUNTIME_METHODS=wasmMemory/.test(e.message) && /IMPORTED_MEMORY/.test(e.message));
  }
});

test('emscriptenMemory: failing a memory, the buffer behind Module.HEAPU8, which Emscripten replaces as memory grows', () => {
  const growing = new WebAssembly.Memory({ initial: 1, maximum: 2 });
  const module = { HEAPU8: new Uint8Array(growing.buffer) };
  const source = emscriptenMemory(module);
  assert.equal(typeof source, 'function');
  assert.equal(source(), growing.buffer);
  growing.grow(1);
  module.HEAPU8 = new Uint8Array(growing.buffer);  // what Emscripten's resize path does
  assert.equal(source(), growing.buffer);
});

test('LinearView.fromEmscriptenModule: a view over that memory, checked like any other', () => {
  new Uint8Array(memory.buffer).set([1, 2, 3, 4], 100);
  const view = LinearView.fromEmscriptenModule({ asm: { c: memory } }, 100, 8);
  assert.equal(view.memory(), memory);
  assert.equal(view.readInt(), 0x01020304);
  assert.equal(LinearView.fromEmscriptenModule({ asm: { c: memory } }, 100, 4, 'LittleEndian').getInt(0), 0x04030201);
  assert.throws(() => LinearView.fromEmscriptenModule({ asm: { c: memory } }, 65536, 1), RangeError);
});

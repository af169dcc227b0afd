// Where a view's memory comes from: a WebAssembly.Memory, a function returning
// the current buffer, an Emscripten Module (every way its versions expose the
// memory), and the core instances of a jco-transpiled component.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearView, emscriptenMemory, coreMemoryCapture } from '../../src/index.mjs';
import { canaryMemory, makeView, bytesAt, hex, CHECKED } from '../support.mjs';

test('a function source: asked for the buffer at creation and after each detach', () => {
  const memory = canaryMemory();
  let asked = 0;
  const source = () => (asked++, memory.buffer);
  const view = makeView(source, 16, 16, 'LittleEndian');
  assert.equal(view.memory(), source);
  const afterCreation = asked;
  view.writeInt(1).setShort(8, 2);
  assert.equal(asked, afterCreation, 'not asked while the buffer is live');
  memory.grow(1);
  view.writeInt(3);
  // Once by the view; in checked mode once more, by the release counter's reader.
  assert.equal(asked, afterCreation + (CHECKED ? 2 : 1), 'asked once after growth');
  view.resetForRead();
  assert.deepEqual([view.readInt(), view.readInt()], [1, 3]);
  assert.equal(hex(bytesAt(memory, 16, 10)), '01 00 00 00 03 00 00 00 02 00');
});

test('a function source that returns something else, or a stale buffer, is a clear TypeError', () => {
  const memory = canaryMemory();
  assert.throws(() => new LinearView(() => new Uint8Array(8), 0, 8), /returned \[object Uint8Array\], not an ArrayBuffer/);
  let buffer = memory.buffer;
  const view = makeView(() => buffer, 0, 8);
  memory.grow(1);  // `buffer` is now detached, and the function still returns it
  assert.throws(() => view.getInt(0), (e) => e instanceof TypeError && /returned a detached ArrayBuffer/.test(e.message));
  assert.throws(() => view.readString(2), /returned a detached ArrayBuffer/);
  buffer = memory.buffer;
  assert.equal(view.getInt(0), -1515870811, 'works again once the function returns the live buffer (0xa5a5a5a5)');
  assert.throws(() => new LinearView(() => { throw new Error('no memory yet'); }, 0, 1), /no memory yet/);
});

test('a function source over a plain ArrayBuffer (no wasm at all)', () => {
  const bytes = new ArrayBuffer(16);
  const view = makeView(() => bytes, 4, 8);
  view.writeDouble(0.5);
  assert.equal(new DataView(bytes).getFloat64(4), 0.5);
});

// ---- Emscripten -------------------------------------------------------------------------

test('emscriptenMemory: Module.wasmMemory, a memory among Module.asm (names minified at -O3) or Module.wasmExports', () => {
  const memory = canaryMemory();
  assert.equal(emscriptenMemory({ wasmMemory: memory, HEAPU8: new Uint8Array(8) }), memory);
  assert.equal(emscriptenMemory({ asm: { memory, _malloc() {} } }), memory, 'Emscripten 3.1.6 at -O2');
  assert.equal(emscriptenMemory({ asm: { a: () => 0, b: memory, c: {} } }), memory, 'at -O3 the export is named "b"');
  assert.equal(emscriptenMemory({ wasmExports: { memory } }), memory, 'later versions');
});

test('emscriptenMemory: failing those, Module.HEAPU8.buffer, re-read after Emscripten grows memory', () => {
  const memory = canaryMemory();
  const Module = { HEAPU8: new Uint8Array(memory.buffer) };
  const source = emscriptenMemory(Module);
  assert.equal(typeof source, 'function');
  const view = makeView(source, 32, 8);
  view.setInt(0, 42);
  // Emscripten's resize path: memory.grow, then new HEAP views.
  memory.grow(1);
  Module.HEAPU8 = new Uint8Array(memory.buffer);
  assert.equal(view.getInt(0), 42);
  view.setInt(4, 43);
  assert.equal(Module.HEAPU8[39], 43);
  // Growth behind Emscripten's back leaves HEAPU8 detached: a clear error, not a stale read.
  memory.grow(1);
  assert.throws(() => view.getInt(0), /detached ArrayBuffer/);
});

test('emscriptenMemory: a Module without any of them says what to export', () => {
  assert.throws(() => emscriptenMemory({ asm: { _main() {} } }), /-sEXPORTED_RUNTIME_METHODS=wasmMemory/);
  assert.throws(() => emscriptenMemory(undefined), /takes the Emscripten Module object/);
});

// ---- jco-transpiled components ---------------------------------------------------------

// A wasm module from its sections (id, bytes), for stand-ins of a component's core modules.
function wasmModule(...sections) {
  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const [id, content] of sections) bytes.push(id, content.length, ...content);
  return new WebAssembly.Module(Uint8Array.from(bytes));
}
const name = (s) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
// The component's main module: exports its memory (1 page).
const mainModule = wasmModule([5, [1, 0x00, 1]], [7, [1, ...name('memory'), 0x02, 0]]);
// A shim with no memory, and an adapter that imports the main module's.
const shimModule = wasmModule();
const adapterModule = wasmModule([2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1]]);

// What jco's generated instantiate() does with the host's instantiateCore (async mode awaits each result).
async function instantiateLikeJco(instantiateCore) {
  const shim = await instantiateCore(shimModule, {});
  const main = await instantiateCore(mainModule, {});
  const adapter = await instantiateCore(adapterModule, { env: { memory: main.exports.memory } });
  return { shim, main, adapter };
}

test('coreMemoryCapture: instantiateCore (async mode) captures the main module\'s memory', async () => {
  const core = coreMemoryCapture();
  assert.throws(() => core.memory(), /no core instance exporting a memory named "memory" has been created yet/);
  const { main } = await instantiateLikeJco(core.instantiateCore);
  assert.ok(main instanceof WebAssembly.Instance);
  assert.equal(core.memory(), main.exports.memory);
  const view = makeView(core.memory(), 100, 8);
  view.writeLong(0x0102030405060708n);
  assert.equal(hex(bytesAt(main.exports.memory, 100, 8)), '01 02 03 04 05 06 07 08');
});

test('coreMemoryCapture: instantiateCoreSync (sync mode, and async mode too)', async () => {
  const core = coreMemoryCapture();
  const main = core.instantiateCoreSync(mainModule, {});
  assert.ok(main instanceof WebAssembly.Instance);
  assert.equal(core.memory(), main.exports.memory);
  const again = coreMemoryCapture();
  const { main: asyncMain } = await instantiateLikeJco(again.instantiateCoreSync);
  assert.equal(again.memory(), asyncMain.exports.memory);
});

test('coreMemoryCapture: the first memory wins; another export name can be asked for', async () => {
  const core = coreMemoryCapture();
  const first = await core.instantiateCore(mainModule, {});
  await core.instantiateCore(mainModule, {});
  assert.equal(core.memory(), first.exports.memory);
  const named = coreMemoryCapture({ exportName: 'mem' });
  await named.instantiateCore(mainModule, {});
  assert.throws(() => named.memory(), /named "mem"/);
});

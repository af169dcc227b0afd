// C++ <-> JS interop against the real reactor (examples/js-interop/reactor.cpp
// built for wasm32). The path of the built .wasm comes from the environment:
//   PLATFORM_BUFFER_INTEROP_WASM=build/wasm32/examples/js-interop/interop_reactor.wasm node --test test/interop/
// ctest sets it. Without it this file fails: it must never pass by running nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { LinearView } from '../../src/index.mjs';
import { interopChecks, RECORD_TEXT } from '../../../examples/js-interop/checks.mjs';
import { compileReactor, instantiateReactor, viewOf, useCheckedViews } from '../../../examples/js-interop/reactor.mjs';
import { CHECKED } from '../support.mjs';

const wasmPath = process.env.PLATFORM_BUFFER_INTEROP_WASM;
if (!wasmPath) {
  throw new Error('set PLATFORM_BUFFER_INTEROP_WASM to the built interop_reactor.wasm (ctest does this)');
}
const module = await compileReactor(await readFile(wasmPath));

// Checked mode (PLATFORM_BUFFER_CHECKED=1): every view of a C++ buffer is a
// CheckedLinearView, which needs the allocator's checked-mode exports.
const exported = WebAssembly.Module.exports(module).map((e) => e.name);
const missing = ['platform_buffer_block_generation', 'platform_buffer_release_counter'].filter((n) => !exported.includes(n));
const skip = CHECKED && missing.length > 0
  ? `checked mode: the reactor does not export ${missing.join(' or ')} (the allocator's checked-mode exports are not in this build yet)`
  : false;
if (skip) console.log(`# SKIP ${skip}`);
useCheckedViews(CHECKED);

for (const check of interopChecks()) {
  test(check.name, { skip }, () => check.run(module));
}

test('the wasi-sdk route with a function source: () => exports.memory.buffer, across growth', { skip }, async () => {
  const ex = await instantiateReactor(module);
  const handle = ex.pb_allocate(64, 1);
  const view = new LinearView(() => ex.memory.buffer, ex.pb_base_offset(handle) >>> 0, 64, 'LittleEndian');
  view.writeInt(11);
  const before = ex.memory.buffer.byteLength;
  assert.ok(ex.pb_allocate(32 << 20, 0) >= 0, 'C++ grows memory');
  assert.ok(ex.memory.buffer.byteLength > before);
  view.writeInt(12);
  assert.equal(ex.pb_read_int(handle), 11);
  assert.equal(ex.pb_read_int(handle), 12);
});

test('the reactor also runs under node:wasi, the canonical host', { skip }, async () => {
  const wasi = new WASI({ version: 'preview1', returnOnExit: true });
  // Node 18 has no getImportObject(); wasiImport is the same object.
  const imports = wasi.getImportObject?.() ?? { wasi_snapshot_preview1: wasi.wasiImport };
  const instance = await WebAssembly.instantiate(module, imports);
  wasi.initialize(instance);
  const ex = instance.exports;
  const handle = ex.pb_allocate(64, 0);
  const view = viewOf(ex, handle);
  ex.pb_write_text(handle);
  assert.equal(view.readString(ex.pb_position(handle)), RECORD_TEXT);
});

test('the checks cover every primitive in both byte orders, in each direction', () => {
  const names = interopChecks().map((c) => c.name);
  for (const order of ['BigEndian', 'LittleEndian']) {
    for (const p of ['byte', 'ubyte', 'short', 'ushort', 'int', 'uint', 'long', 'ulong', 'float', 'double']) {
      const mine = names.filter((n) => n.startsWith(`${order} ${p}:`));
      assert.equal(mine.length, 3, `${order} ${p}: C++ -> JS, JS -> C++, absolute both ways`);
    }
  }
});

// C++ <-> JS interop against the real reactor (examples/js-interop/reactor.cpp
// built for wasm32). The path of the built .wasm comes from the environment:
//   PLATFORM_BUFFER_INTEROP_WASM=build/wasm32/examples/js-interop/interop_reactor.wasm node --test test/interop/
// ctest sets it. Without it this file fails: it must never pass by running nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { interopChecks, RECORD_TEXT } from '../../../examples/js-interop/checks.mjs';
import { compileReactor, viewOf } from '../../../examples/js-interop/reactor.mjs';

const wasmPath = process.env.PLATFORM_BUFFER_INTEROP_WASM;
if (!wasmPath) {
  throw new Error('set PLATFORM_BUFFER_INTEROP_WASM to the built interop_reactor.wasm (ctest does this)');
}
const module = await compileReactor(await readFile(wasmPath));

for (const check of interopChecks()) {
  test(check.name, () => check.run(module));
}

test('the reactor also runs under node:wasi, the canonical host', async () => {
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

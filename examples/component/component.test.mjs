// The example component from Node: every check of checks.mjs against the
// transpiled component (jco's --instantiation form, so that the host keeps the
// core instance), and the default form imported as a plain ES module.
//   PLATFORM_BUFFER_COMPONENT_DIR=build/wasm32/examples/component/component node --test component.test.mjs
// (ctest sets it; the directory is what build-component.mjs wrote.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { componentChecks } from './checks.mjs';
import { instantiateGuest } from './guest-host.mjs';

const dir = process.env.PLATFORM_BUFFER_COMPONENT_DIR;
if (!dir) throw new Error('set PLATFORM_BUFFER_COMPONENT_DIR to the directory build-component.mjs wrote (ctest does this)');

const { instantiate } = await import(pathToFileURL(join(dir, 'instantiation', 'guest.js')).href);
const modules = new Map();  // compiled once, instantiated by every check
const getCoreModule = (path) => {
  if (!modules.has(path)) modules.set(path, readFile(join(dir, 'instantiation', path)).then((b) => WebAssembly.compile(b)));
  return modules.get(path);
};
const load = () => instantiateGuest(instantiate, getCoreModule);

for (const check of componentChecks()) {
  test(check.name, async () => {
    const note = await check.run(load);
    if (note) console.log(`${check.name}: ${note}`);
  });
}

test('the component imports nothing: no WASI adapter, no preview2 shim', async () => {
  const build = JSON.parse(await readFile(join(dir, 'build.json'), 'utf8'));
  assert.deepEqual(build.forms.js.imports, []);
  assert.deepEqual(build.forms.instantiation.imports, []);
  for (const form of ['js', 'instantiation']) {
    const source = await readFile(join(dir, form, 'guest.js'), 'utf8');
    // Static imports only of Node built-ins that the loader itself may use: nothing from npm.
    const imported = [...source.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    assert.deepEqual(imported.filter((name) => !name.startsWith('node:')), [], `${form}/guest.js imports ${imported}`);
    assert.doesNotMatch(source, /preview2-shim|wasi:/, `${form}/guest.js refers to WASI`);
  }
  // The core module of the component imports nothing either.
  const core = await WebAssembly.compile(await readFile(join(dir, 'js', 'guest.core.wasm')));
  assert.deepEqual(WebAssembly.Module.imports(core), []);
});

test('export_name: every WIT function is a core export, with cabi_post_ exactly where the result holds memory', async () => {
  const core = await WebAssembly.compile(await readFile(join(dir, 'js', 'guest.core.wasm')));
  const names = new Set(WebAssembly.Module.exports(core).map((e) => e.name));
  // guest.wit's functions, and whether each result is (or holds) a string or a list.
  const wit = await readFile(new URL('./guest.wit', import.meta.url), 'utf8');
  const functions = [...wit.matchAll(/^\s*export ([a-z0-9-]+): func\(.*\)(?: -> (.+))?;$/gm)];
  assert.ok(functions.length >= 10, 'the WIT world was read');
  for (const [, name, result = ''] of functions) {
    assert.ok(names.has(name), `core export ${name}`);
    assert.equal(names.has(`cabi_post_${name}`), /string|list</.test(result), `cabi_post_${name} (result: ${result || 'none'})`);
  }
  for (const name of ['memory', 'cabi_realloc', '_initialize']) assert.ok(names.has(name), name);
});

test('the default transpiled form works as a plain ES module import', async () => {
  const guest = await import(pathToFileURL(join(dir, 'js', 'guest.js')).href);
  assert.equal(guest.reverse('añb😀'), '😀bña');
  assert.equal(guest.checksum(new TextEncoder().encode('123456789')), 0xCBF43926);
  assert.deepEqual(guest.prefixSums(Int32Array.of(1, 2, 3)), BigInt64Array.of(1n, 3n, 6n));
  assert.throws(() => guest.parseU32('x'), (e) => e.payload === 'not-a-digit');
});

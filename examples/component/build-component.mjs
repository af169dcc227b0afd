// Makes the guest a WebAssembly component and transpiles it to JavaScript,
// with the jco pinned in package-lock.json (npm ci in this directory):
//   1. componentEmbed: the WIT world, given as text, goes into the core module
//      (`jco embed --wit` panics on this machine: its sandbox has no preopened directories)
//   2. componentNew (`jco new`): the component, with no WASI adapter (the guest imports nothing)
//   3. transpile (`jco transpile`): ES modules, twice: the default form, which
//      instantiates itself when imported, and the --instantiation form, where
//      the host supplies the core instantiation (and so can keep the core
//      instance: its memory and its other exports)
//
//   node build-component.mjs --core guest.wasm --wit guest.wit --out DIR
// writes DIR/guest.component.wasm, DIR/js/ and DIR/instantiation/ (each with
// a package.json saying "type": "module", so that Node 18 loads guest.js as
// an ES module), and DIR/build.json (what jco reported: imports, exports).
import { componentEmbed, componentNew, transpile } from '@bytecodealliance/jco';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { core: { type: 'string' }, wit: { type: 'string' }, out: { type: 'string' }, name: { type: 'string', default: 'guest' } },
});
if (!args.core || !args.wit || !args.out) {
  console.error('usage: node build-component.mjs --core guest.wasm --wit guest.wit --out DIR');
  process.exit(2);
}

const core = await readFile(args.core);
const witSource = await readFile(args.wit, 'utf8');

const embedded = await componentEmbed({ binary: core, witSource, stringEncoding: 'utf8' });
// No adapters: a guest that imports WASI would fail here ("module requires an
// import interface named wasi_snapshot_preview1"), which is the point.
const component = await componentNew(embedded, []);
await mkdir(args.out, { recursive: true });
await writeFile(join(args.out, `${args.name}.component.wasm`), component);

const report = { coreBytes: core.length, componentBytes: component.length, forms: {} };
for (const [form, options] of [['js', {}], ['instantiation', { instantiation: 'async' }]]) {
  const dir = join(args.out, form);
  await rm(dir, { recursive: true, force: true });
  const { files, imports, exports } = await transpile(component, { name: args.name, ...options });
  for (const [name, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  report.forms[form] = { imports, exports: exports.map(([name, kind]) => ({ name, kind })), files: Object.keys(files) };
}
await writeFile(join(args.out, 'build.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`${args.out}: component ${component.length} bytes (core ${core.length}); ` +
            `imports: ${report.forms.js.imports.length ? report.forms.js.imports.join(', ') : 'none'}`);

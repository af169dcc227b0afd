// C++ and JavaScript sharing LinearBuffers in wasm linear memory, in Node:
//   node examples/js-interop/node-demo.mjs build/wasm32/examples/js-interop/interop_reactor.wasm
// (or set PLATFORM_BUFFER_INTEROP_WASM). Build the reactor with the wasm32 preset first.
import { readFile } from 'node:fs/promises';
import { compileReactor } from './reactor.mjs';
import { demo } from './demo.mjs';
import { runInteropChecks } from './checks.mjs';

const wasmPath = process.argv[2] ?? process.env.PLATFORM_BUFFER_INTEROP_WASM;
if (!wasmPath) {
  console.error('usage: node node-demo.mjs path/to/interop_reactor.wasm');
  process.exit(2);
}
const module = await compileReactor(await readFile(wasmPath));
await demo(module, console.log);

// Every interop check, as the tests and the browser page run them.
const results = await runInteropChecks(module);
const failed = results.filter((r) => !r.ok);
for (const r of failed) console.log(`FAILED ${r.name}\n${r.error}`);
console.log(`interop checks: ${results.length - failed.length} passed, ${failed.length} failed`);
process.exitCode = failed.length ? 1 : 0;

// Runs a wasm32-wasi command module under Node, like a native executable:
//   node --no-warnings --experimental-wasi-unstable-preview1 wasm-run.mjs prog.wasm [args...]
// Arguments reach the program as argv (argv[0] is the module path), stdio is
// inherited, and the program's exit code becomes this process's exit code; a
// trap prints Node's RuntimeError and exits 1. Nothing of the host file system
// is preopened: the programs we run need only stdio.
// CMake uses this as CMAKE_CROSSCOMPILING_EMULATOR (cmake/wasi-toolchain.cmake),
// so ctest runs wasm tests as it runs native ones. The flag turns node:wasi on
// in older Node releases; Node 18.20 (Debian bookworm's) and 20 accept it unneeded.
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { WASI } from 'node:wasi';

// Node 20.20 crashes now and then (SIGSEGV in unrelated JS code: a corrupted
// heap) after a module has grown its memory by some hundred MB and called WASI
// again. Without TurboFan's fast API calls into the WASI imports the same runs
// are clean. Set before anything is compiled.
setFlagsFromString('--no-turbo-fast-api-calls');

const [modulePath, ...args] = process.argv.slice(2);
if (!modulePath) {
  console.error('usage: wasm-run.mjs module.wasm [args...]');
  process.exit(2);
}

const wasi = new WASI({
  version: 'preview1',
  args: [modulePath, ...args],
  env: process.env,
  returnOnExit: true,  // proc_exit(n) makes start() return n instead of ending Node at once
});
const imports = wasi.getImportObject ? wasi.getImportObject()
                                     : { wasi_snapshot_preview1: wasi.wasiImport };
const module = await WebAssembly.compile(await readFile(modulePath));
const instance = await WebAssembly.instantiate(module, imports);
process.exitCode = wasi.start(instance);

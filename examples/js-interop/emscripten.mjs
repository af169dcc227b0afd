// Loads the interop reactor (reactor.cpp) built with Emscripten, in Node.
//
// The build is a factory (-sMODULARIZE): each call creates a fresh Emscripten
// Module, with its own memory and allocator, whose exports are functions named
// Module._<export> (the reactor's pb_* exports, and _malloc/_free). This turns
// one into the same exports object the WASI reactor gives (reactor.mjs), so the
// interop checks (checks.mjs) run unchanged over Emscripten's runtime.
import { createRequire } from 'node:module';
import { emscriptenMemory } from '../../js/src/index.mjs';

// The factory of an Emscripten build (`path` to its .js); `moduleArg` is the
// Module object passed to each instance (e.g. { wasmMemory } with -sIMPORTED_MEMORY).
export function emscriptenReactor(path, moduleArg = () => ({})) {
  // Emscripten 3.1.6 writes CommonJS: its -sEXPORT_ES6 output does not run on Node.
  const createModule = createRequire(import.meta.url)(path);
  return {
    // A fresh instance: { memory, Module, pb_...(), malloc(), free() }.
    async instantiate() {
      // With -sWASM_ASYNC_COMPILATION=0 the factory returns the Module itself, else a promise of it.
      const Module = await createModule(moduleArg());
      const exports = { memory: emscriptenMemory(Module), Module };
      for (const key of Object.keys(Module)) {
        if (key.startsWith('_') && !key.startsWith('__') && typeof Module[key] === 'function') {
          exports[key.slice(1)] = Module[key];
        }
      }
      return exports;
    },
  };
}

// Where a view's memory comes from, for each kind of wasm host. A LinearView
// takes a WebAssembly.Memory or a function returning the memory's current
// ArrayBuffer; these find one or the other.
//   wasi-sdk / any plain instance:  LinearView.fromExports(instance.exports, offset, length)
//   Emscripten:                     new LinearView(emscriptenMemory(Module), offset, length)
//   jco-transpiled component:       const core = coreMemoryCapture();
//                                   await instantiate(getCoreModule, imports, core.instantiateCore);
//                                   new LinearView(core.memory(), offset, length)
import { describe } from './errors.mjs';

const isMemory = (m) => m instanceof WebAssembly.Memory;
const memoryAmong = (exports) => (exports ? Object.values(exports).find(isMemory) : undefined);

// The memory of an Emscripten Module. Emscripten exposes it differently by
// version and flags: Module.wasmMemory (when exported), the memory export
// among Module.asm (up to 3.1.4x; its name is minified at -O3) or
// Module.wasmExports (later). Failing those, a function returning
// Module.HEAPU8.buffer, which Emscripten replaces whenever its own resize path
// grows memory.
export function emscriptenMemory(Module) {
  if (Module === null || typeof Module !== 'object') {
    throw new TypeError(`emscriptenMemory takes the Emscripten Module object, got ${describe(Module)}`);
  }
  const memory = isMemory(Module.wasmMemory) ? Module.wasmMemory : memoryAmong(Module.asm) ?? memoryAmong(Module.wasmExports);
  if (memory !== undefined) return memory;
  if (Module.HEAPU8 instanceof Uint8Array) return () => Module.HEAPU8.buffer;
  throw new TypeError('emscriptenMemory: this Module exposes neither its WebAssembly.Memory (Module.wasmMemory, ' +
    'Module.asm, Module.wasmExports) nor HEAPU8: build with -sEXPORTED_RUNTIME_METHODS=wasmMemory (or HEAPU8), ' +
    'or pass a memory in as Module.wasmMemory with -sIMPORTED_MEMORY; and call it once the runtime is initialised ' +
    '(await the factory, or wait for onRuntimeInitialized)');
}

// Captures the memory of a jco-transpiled component. jco's `--instantiation`
// mode lets the host pass `instantiateCore(module, imports)`; this one
// instantiates as jco's default would and remembers the first core instance
// that exports a memory (the component's main module: its adapter and shims
// import that memory or have none).
//   instantiateCore      for `--instantiation async` (returns a Promise)
//   instantiateCoreSync  for `--instantiation sync` (also accepted by async mode)
//   memory()             the captured WebAssembly.Memory; an error before instantiation
export function coreMemoryCapture({ exportName = 'memory' } = {}) {
  let captured = null;
  const remember = (instance) => {
    const candidate = instance.exports[exportName];
    if (captured === null && isMemory(candidate)) captured = candidate;
    return instance;
  };
  return {
    instantiateCore: async (module, imports) => remember(await WebAssembly.instantiate(module, imports)),
    instantiateCoreSync: (module, imports) => remember(new WebAssembly.Instance(module, imports)),
    memory() {
      if (captured === null) {
        throw new Error(`coreMemoryCapture: no core instance exporting a memory named "${exportName}" has been ` +
          'created yet: pass instantiateCore to the component\'s instantiate() first');
      }
      return captured;
    },
  };
}

// Instantiates the transpiled component (jco's --instantiation form) and keeps
// its core instance, whose memory a host can then read and write in place
// (for example through platform-buffer's LinearView) and whose other core
// exports (the allocator's statistics, say) it can call:
//   const g = await instantiateGuest(instantiate, (path) => WebAssembly.compile(bytesOf(path)));
//   g.exports.reverse('abc');                                     // the component's functions
//   new LinearView(g.memory, g.exports.sharedOffset(), 256);     // the guest's memory, no copy
// `instantiate` is what instantiation/guest.js exports; `getCoreModule(path)`
// compiles the core modules next to it (guest.core.wasm, guest.core2.wasm).
export async function instantiateGuest(instantiate, getCoreModule) {
  let core;
  const exports = await instantiate(getCoreModule, {}, async (module, imports) => {
    const instance = await WebAssembly.instantiate(module, imports);
    // jco instantiates its own small modules too; the guest is the one with cabi_realloc.
    if (instance.exports.cabi_realloc) core = instance;
    return instance;
  });
  if (!core) throw new Error('the component has no core instance with cabi_realloc and memory');
  return { exports, core, memory: core.exports.memory };
}

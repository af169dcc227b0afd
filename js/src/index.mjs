// platform-buffer: the JavaScript side of platform_buffer's LinearBuffer.
// Views over wasm linear memory with the C++ API's names and rules, text in
// every charset of the C++ Charset, a checked mode that catches views of
// released buffers, ways to reach the memory of every kind of wasm host, and
// the one-call exchange of docs/host-abi.md.
export { ByteOrder, LinearView, writeFromJsArray, readToJsArray } from './view.mjs';
export { Charset } from './charsets.mjs';
export { BufferUnderflowError, BufferOverflowError, MalformedTextError, StaleViewError } from './errors.mjs';
export { CheckedLinearView } from './checked.mjs';
export { emscriptenMemory, coreMemoryCapture } from './hosts.mjs';
export { GuestExchange, GuestCallError, HostStatus } from './exchange.mjs';

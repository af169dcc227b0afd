// Loads the interop reactor (reactor.cpp) in Node or a browser.
//
// The reactor imports a few WASI functions only because libc's stdio is linked
// in (its error handler never prints, see reactor.cpp). A browser has no WASI,
// so instead of node:wasi both environments get the same tiny stand-in:
// fd_write goes to the console, everything else reports ENOSYS.
import { LinearView, CheckedLinearView } from '../../js/src/index.mjs';

const ENOSYS = 52;

function wasiStandIn(getMemory) {
  const pending = { 1: '', 2: '' };
  const decoder = new TextDecoder();
  return {
    fd_write(fd, iovs, iovsLength, writtenOut) {
      const view = new DataView(getMemory().buffer);
      let written = 0;
      for (let i = 0; i < iovsLength; i++) {
        const base = view.getUint32(iovs + i * 8, true), length = view.getUint32(iovs + i * 8 + 4, true);
        pending[fd] = (pending[fd] ?? '') + decoder.decode(new Uint8Array(view.buffer, base, length));
        written += length;
      }
      // Print whole lines: the console adds its own line breaks.
      const lines = pending[fd].split('\n');
      pending[fd] = lines.pop();
      for (const line of lines) (fd === 2 ? console.error : console.log)(line);
      view.setUint32(writtenOut, written, true);
      return 0;
    },
    proc_exit(code) {
      throw new Error(`the module called proc_exit(${code})`);
    },
  };
}

// Compiles `source` (bytes, or a fetch Response) once; instantiate() may then be called many times.
export async function compileReactor(source) {
  if (typeof Response !== 'undefined' && source instanceof Response) {
    return WebAssembly.compile(await source.arrayBuffer());
  }
  return WebAssembly.compile(source);
}

// A fresh, initialised instance of the reactor: its own memory and allocator.
export async function instantiateReactor(module) {
  let memory;
  const standIn = wasiStandIn(() => memory);
  const wasi = {};
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    if (from === 'wasi_snapshot_preview1') wasi[name] = standIn[name] ?? (() => ENOSYS);
  }
  const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi });
  memory = instance.exports.memory;
  instance.exports._initialize();  // a reactor: runs the static constructors, no main
  return instance.exports;
}

// Checked mode (the JS suite with PLATFORM_BUFFER_CHECKED=1): viewOf makes
// CheckedLinearViews, which need the allocator's checked-mode exports.
let checkedViews = false;
export function useCheckedViews(on) {
  checkedViews = on;
}

// A LinearView over the C++ buffer `handle`: same offset, capacity and byte order.
export function viewOf(exports, handle) {
  const offset = exports.pb_base_offset(handle) >>> 0;
  const capacity = exports.pb_capacity(handle) >>> 0;
  const order = exports.pb_little_endian(handle) ? 'LittleEndian' : 'BigEndian';
  const View = checkedViews ? CheckedLinearView : LinearView;
  return View.fromExports(exports, offset, capacity, order);
}

// The C++ side's last error (ErrorKind + 1, 0 for none) and its message, read
// in place from linear memory through a LinearView.
export function lastError(exports) {
  const kind = exports.pb_last_error();
  if (kind === 0) return null;
  const message = LinearView.fromExports(exports, exports.pb_last_error_message() >>> 0,
    exports.pb_last_error_length() >>> 0);
  return { kind: ERROR_KINDS[kind - 1], message: message.readString(message.capacity()) };
}

// The order of platform_buffer::ErrorKind.
export const ERROR_KINDS = ['BufferUnderflow', 'BufferOverflow', 'InvalidArgument', 'MalformedText', 'OutOfMemory',
  'InvalidState'];

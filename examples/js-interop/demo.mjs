// The demonstration shared by node-demo.mjs and the browser page (main.mjs):
// C++ and JavaScript reading and writing the same LinearBuffers in place.
import { writeFromJsArray } from '../../js/src/index.mjs';
import { instantiateReactor, viewOf } from './reactor.mjs';

const MB = 1024 * 1024;

// Runs the demo on a fresh instance of the compiled reactor; `print` takes one line.
export async function demo(module, print) {
  const ex = await instantiateReactor(module);

  // 1. C++ fills a LinearBuffer; JS reads it where it is.
  const fromCpp = ex.pb_allocate(128, 0);
  const length = ex.pb_write_record(fromCpp);
  const view = viewOf(ex, fromCpp);
  print(`C++ wrote ${length} bytes (big-endian) at linear-memory offset ${view.baseOffset()}; JS reads them in place:`);
  view.setLimit(length);
  const values = [view.readByte(), view.readUnsignedByte(), view.readShort(), view.readUnsignedShort(),
    view.readInt(), view.readUnsignedInt(), view.readLong(), view.readUnsignedLong(), view.readFloat(),
    view.readDouble(), JSON.stringify(view.readString(view.readUnsignedShort()))];
  print(`  ${values.map((v) => (typeof v === 'bigint' ? `${v}n` : v)).join(' ')}`);

  // 2. JS fills a LinearBuffer; C++ reads it where it is.
  const fromJs = ex.pb_allocate(64, 1);
  const jsView = viewOf(ex, fromJs);
  jsView.writeInt(-42).writeDouble(Math.PI);
  writeFromJsArray(jsView, Uint16Array.of(1, 2, 3));
  print(`JS wrote ${jsView.position()} bytes (little-endian) at offset ${jsView.baseOffset()}; C++ reads:`);
  print(`  ${ex.pb_read_int(fromJs)} ${ex.pb_read_double(fromJs)} ` +
    `${ex.pb_read_ushort(fromJs)} ${ex.pb_read_ushort(fromJs)} ${ex.pb_read_ushort(fromJs)}`);

  // 3. C++ grows memory between two JS accesses: the same view keeps working.
  const oldBuffer = ex.memory.buffer;
  const before = oldBuffer.byteLength;
  const big = ex.pb_allocate(32 * MB, 0);
  print(`C++ allocated 32 MB: memory ${(before / MB).toFixed(2)} MB -> ${(ex.memory.buffer.byteLength / MB).toFixed(2)} MB, ` +
    `old ArrayBuffer detached: ${oldBuffer.byteLength === 0}`);
  jsView.setInt(0, 7);
  print(`  the same JS view still works: C++ reads ${ex.pb_get_int(fromJs, 0)} after JS setInt(0, 7); ` +
    `allocator: ${ex.pb_reserved_bytes() / MB} MB reserved, ${ex.pb_live_buffers()} live buffers`);
  ex.pb_release(big);
}

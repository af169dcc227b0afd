// A typed program over every export of platform-buffer, compiled by tsc in the
// test run (ctest js_types): the declarations must accept every right use and,
// on each line marked @ts-expect-error, refuse the wrong one (tsc fails when
// such a line compiles).
import {
  LinearView, CheckedLinearView, ByteOrder, Charset, writeFromJsArray, readToJsArray,
  BufferOverflowError, BufferUnderflowError, MalformedTextError, StaleViewError,
  emscriptenMemory, coreMemoryCapture, GuestExchange, GuestCallError, HostStatus,
  type MemorySource, type ReleaseTracking, type CoreMemoryCapture,
} from 'platform-buffer';

const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 });

// ---- views, state and every primitive -----------------------------------------------------
const view = new LinearView(memory, 64, 256, ByteOrder.LittleEndian);
const chained: LinearView = view.writeByte(-1).writeUByte(255).writeShort(-2).writeUShort(65535).writeInt(-3)
  .writeUInt(4e9).writeLong(-5n).writeULong(2n ** 64n - 1n).writeFloat(1.5).writeDouble(Math.PI);
view.resetForRead();
const small: number = view.readByte() + view.readUnsignedByte() + view.readShort() + view.readUnsignedShort();
const wide: number = view.readInt() + view.readUnsignedInt();
const longs: bigint = view.readLong() + view.readUnsignedLong();
const reals: number = view.readFloat() + view.readDouble();
const absolute: number = view.get(0) + view.getUnsignedByte(0) + view.getShort(0) + view.getUnsignedShort(0) +
  view.getInt(0) + view.getUnsignedInt(0) + view.getFloat(0) + view.getDouble(0);
const absoluteLongs: bigint = view.getLong(0) + view.getUnsignedLong(0);
view.setByte(0, 1).setUByte(1, 2).setShort(2, 3).setUShort(4, 4).setInt(6, 5).setUInt(10, 6).setLong(14, 7n)
  .setULong(22, 8n).setFloat(30, 9).setDouble(34, 10);
const where: number = view.baseOffset() + view.linearMemoryOffset() + view.capacity() + view.limit() + view.remaining();
const more: boolean = view.hasRemaining();
const order: ByteOrder = view.byteOrder();
const moved: LinearView = view.position(8).setLimit(200).resetForWrite().resetForRead();
const position: number = view.position();
const source: MemorySource = view.memory();
const text: string = view.toString();

// @ts-expect-error 64-bit values are BigInts
view.writeLong(1);
// @ts-expect-error and 32-bit ones are numbers
view.writeInt(1n);
// @ts-expect-error a 64-bit read is a bigint
const notANumber: number = view.readLong();
// @ts-expect-error absolute writes take an index and a value
view.setInt(4);
// @ts-expect-error byte orders are 'BigEndian' and 'LittleEndian'
new LinearView(memory, 0, 8, 'big');

// ---- memory sources: functions, Emscripten, jco ----------------------------------------------
const fromFunction = new LinearView(() => memory.buffer, 0, 16);
const fromExports = LinearView.fromExports({ memory }, 0, 16, 'BigEndian');
declare const instance: WebAssembly.Instance;
const fromInstance = LinearView.fromExports(instance.exports, 0, 16);
// @ts-expect-error a typed array is not a memory source
new LinearView(new Uint8Array(16), 0, 16);
declare const Module: { HEAPU8: Uint8Array };
const fromEmscripten = new LinearView(emscriptenMemory(Module), 1024, 64);

const core: CoreMemoryCapture = coreMemoryCapture();
declare function instantiate(getCoreModule: (path: string) => Promise<WebAssembly.Module>, imports: object,
  instantiateCore: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => Promise<WebAssembly.Instance>): Promise<object>;
declare function getCoreModule(path: string): Promise<WebAssembly.Module>;
async function component(): Promise<LinearView> {
  await instantiate(getCoreModule, {}, core.instantiateCore);
  const sync: WebAssembly.Instance = coreMemoryCapture({ exportName: 'memory' }).instantiateCoreSync(await getCoreModule('x'), {});
  void sync;
  return new LinearView(core.memory(), 0, 16);
}

// ---- bytes, slices, text ------------------------------------------------------------------
const part: LinearView = view.resetForWrite().writeBytes(new Uint8Array(4)).writeBytes(new ArrayBuffer(2))
  .writeBytes(new Float64Array(1)).resetForRead().readBytes(4);
const copy: Uint8Array = view.readByteArray(2);
const rest: LinearView = view.slice('BigEndian');
const span: Uint8Array = rest.remainingSpan();
view.resetForWrite().writeString('héllo').writeString('wörld', Charset.UTF16BigEndian).writeString('x', 'ISOLatin1');
const decoded: string = view.resetForRead().readString(6) + view.readString(10, Charset.UTF16BigEndian);
// @ts-expect-error charsets are the C++ Charset names
view.readString(4, 'UTF-16');

// ---- bulk -----------------------------------------------------------------------------------
const ints: Int32Array = readToJsArray(view.resetForWrite(), new Int32Array(4), 1, 2);
const sameView: LinearView = writeFromJsArray(view, new BigInt64Array(2));
writeFromJsArray(view, new Float32Array(3), 1);
// @ts-expect-error plain arrays are not typed arrays
writeFromJsArray(view, [1, 2]);
// @ts-expect-error a DataView is not an array of elements
readToJsArray(view, new DataView(new ArrayBuffer(8)));

// ---- checked mode ---------------------------------------------------------------------------
const tracking: ReleaseTracking = { platform_buffer_block_generation: () => 1, platform_buffer_release_counter: () => 4 };
const checked = new CheckedLinearView(memory, 0, 64, 'BigEndian', tracking);
const checkedPart: CheckedLinearView = checked.readBytes(8);  // views made from a checked view are checked
const checkedSlice: CheckedLinearView = checked.slice();
const live: boolean = checked.isLive();
const checkedFromInstance: CheckedLinearView = CheckedLinearView.fromExports(instance.exports, 0, 8);
const asPlain: LinearView = checked;
// @ts-expect-error checked mode needs the allocator's exports
new CheckedLinearView(memory, 0, 64);

// ---- errors ---------------------------------------------------------------------------------
function classify(e: unknown): string {
  if (e instanceof BufferUnderflowError || e instanceof BufferOverflowError) return `bounds: ${e.message}`;
  if (e instanceof MalformedTextError) return 'text';
  if (e instanceof StaleViewError) return 'stale';
  if (e instanceof GuestCallError) return `${e.functionName}: ${e.status} ${e.statusName ?? 'unnamed'}`;
  return 'other';
}

// ---- the one-call exchange ------------------------------------------------------------------
const guest = new GuestExchange(instance.exports, { statusNames: { 256: 'MalformedText' } });
const bytesOut: Uint8Array = guest.call('reverse_text', 'añb');
const stringOut: string = guest.call('reverse_text', new Uint8Array(3), { result: 'string', charset: Charset.UTF8 });
const parsed: number[] = guest.call('parse_record', new Uint8Array(8), { result: (v) => [v.readInt(), v.readShort()], byteOrder: 'BigEndian' });
const viaFunction: Uint8Array = guest.call((offset: number, length: number) => BigInt(offset + length), 'x');
const name: string | null = guest.statusName(HostStatus.TooLong);
const firstApplicationCode: 256 = HostStatus.FirstApplicationCode;
const checkedGuest = new GuestExchange({ platform_buffer_alloc: () => 16, platform_buffer_free: () => 0, memory },
  { checked: true, memory: () => memory.buffer });
// @ts-expect-error a 'string' result is a string
const notBytes: Uint8Array = guest.call('reverse_text', 'abc', { result: 'string' });
// @ts-expect-error the result is 'bytes', 'string' or a reader
guest.call('reverse_text', 'abc', { result: 'json' });

export {
  chained, small, wide, longs, reals, absolute, absoluteLongs, where, more, order, moved, position, source, text,
  fromFunction, fromExports, fromInstance, fromEmscripten, component, part, copy, span, decoded, ints, sameView,
  checkedPart, checkedSlice, live, checkedFromInstance, asPlain, classify, bytesOut, stringOut, parsed, viaFunction,
  name, firstApplicationCode, checkedGuest, notANumber, notBytes,
};

// Helpers shared by the tests: hex dumps, canary-filled memories, and the view
// factory that runs the whole suite in checked mode when
// PLATFORM_BUFFER_CHECKED=1 (ctest's js_unit_checked and js_interop_checked).
import assert from 'node:assert/strict';
import { LinearView, CheckedLinearView } from '../src/index.mjs';

export const ORDERS = ['BigEndian', 'LittleEndian'];
export const CANARY = 0xa5;

const env = typeof process === 'object' ? process.env : {};
export const CHECKED = env.PLATFORM_BUFFER_CHECKED === '1';

// Stand-ins for the allocator's checked-mode exports over `memory`: one live
// block spanning all of memory, never released, and a release counter in the
// last 4 bytes of the first page (or of a smaller buffer) that the tests never
// bump. Checked views made with it run every check, and must behave exactly
// as plain views.
export function everythingLive(memory) {
  const size = (memory instanceof WebAssembly.Memory ? memory.buffer : memory()).byteLength;
  return {
    platform_buffer_block_generation: () => 1,
    platform_buffer_release_counter: () => Math.min(65536, size) - 4,
  };
}

// A view as the suite's mode says: a LinearView, or a CheckedLinearView over everythingLive().
export function makeView(memory, offset, length, order = 'BigEndian') {
  return CHECKED
    ? new CheckedLinearView(memory, offset, length, order, everythingLive(memory))
    : new LinearView(memory, offset, length, order);
}

export const ViewType = CHECKED ? CheckedLinearView : LinearView;

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export function fromHex(text) {
  return Uint8Array.from(text.split(' ').filter(Boolean), (h) => parseInt(h, 16));
}

// The bytes of a big-endian hex string in `order`.
export function inOrder(bigEndianHex, order) {
  const bytes = fromHex(bigEndianHex);
  return order === 'BigEndian' ? bytes : bytes.reverse();
}

// A one-page memory whose every byte is CANARY, so stray writes show.
export function canaryMemory(options = { initial: 1, maximum: 16 }) {
  const memory = new WebAssembly.Memory(options);
  new Uint8Array(memory.buffer).fill(CANARY);
  return memory;
}

// A copy of `length` bytes of memory at `offset`, read through the current buffer.
export function bytesAt(memory, offset, length) {
  return new Uint8Array(memory.buffer, offset, length).slice();
}

// The whole memory, to check a failed operation changed nothing.
export function snapshot(memory) {
  return new Uint8Array(memory.buffer).slice();
}

// Runs `fn`, which must throw as `expected` says (a class, a RegExp or a
// validation function, as assert.throws takes), and checks that neither the
// memory nor the view's cursors changed.
export function assertNoEffect(memory, view, fn, expected) {
  const before = snapshot(memory);
  const cursors = [view.position(), view.limit(), view.capacity()];
  assert.throws(fn, expected);
  assert.deepEqual([view.position(), view.limit(), view.capacity()], cursors, 'cursors unchanged');
  assert.ok(Buffer.compare(before, snapshot(memory)) === 0, 'memory unchanged');
}

// Helpers shared by the tests: hex dumps and canary-filled memories.

export const ORDERS = ['BigEndian', 'LittleEndian'];
export const CANARY = 0xa5;

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

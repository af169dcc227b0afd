// The errors platform-buffer throws, and the helpers that word them. Every
// thrower is a plain function so the hot paths that call it stay small.

// A relative read with too few bytes remaining, or an absolute read past the limit.
export class BufferUnderflowError extends RangeError {
  get name() { return 'BufferUnderflowError'; }
}

// A write that does not fit, or an absolute write past the limit.
export class BufferOverflowError extends RangeError {
  get name() { return 'BufferOverflowError'; }
}

// Text that is not well-formed in its charset, or a character the charset
// cannot hold: bytes that are not UTF-8, a JS string with a lone surrogate,
// 'é' in ASCII. A TypeError, like the one TextDecoder({fatal: true}) throws.
export class MalformedTextError extends TypeError {
  get name() { return 'MalformedTextError'; }
}

// Checked mode: the C++ side released the buffer this view was made over.
export class StaleViewError extends Error {
  get name() { return 'StaleViewError'; }
}

export function describe(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (v !== null && typeof v === 'object') return Object.prototype.toString.call(v);
  return String(v);
}

// A length, offset or index: a non-negative safe integer.
export function isIndex(n) {
  return Number.isSafeInteger(n) && n >= 0;
}

export function badIndex(op, what, n) {
  throw new RangeError(`${op}: ${what} must be a non-negative integer, got ${describe(n)}`);
}

export function underflow(op, need, position, limit) {
  throw new BufferUnderflowError(
    `${op} needs ${need} bytes but ${limit - position} remain (position ${position}, limit ${limit})`);
}

export function overflow(op, need, position, limit) {
  throw new BufferOverflowError(
    `${op} needs ${need} bytes but ${limit - position} remain (position ${position}, limit ${limit})`);
}

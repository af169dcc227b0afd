// The data formats of the host-exchange guest (guest/guest.cpp), for the
// JavaScript hosts that test it (node-host.test.mjs, js/test/interop/).

// The guest's own failure codes (docs/host-abi.md: application codes from 256).
export const App = { MalformedText: 256, Truncated: 257, BadMagic: 258, UnknownType: 259, TooLarge: 260 };

// Unsigned LEB128 (expand_runs' run lengths).
export function leb128(n) {
  const out = [];
  do {
    let b = n & 0x7F;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

const utf8 = new TextEncoder();

// The record format of parse_record, big-endian: fields of { tag, type, value }
// (type 1: i32, 2: i64 as a BigInt, 3: f64, 4: text).
export function record(fields) {
  const parts = [];
  const header = new DataView(new ArrayBuffer(6));
  header.setUint32(0, 0x50425231);
  header.setUint16(4, fields.length);
  parts.push(new Uint8Array(header.buffer));
  for (const f of fields) {
    const body = f.type === 4 ? utf8.encode(f.value) : null;
    const d = new DataView(new ArrayBuffer(2 + (f.type === 1 ? 4 : f.type === 4 ? 2 + body.length : 8)));
    d.setUint8(0, f.tag);
    d.setUint8(1, f.type);
    if (f.type === 1) d.setInt32(2, f.value);
    else if (f.type === 2) d.setBigInt64(2, f.value);
    else if (f.type === 3) d.setFloat64(2, f.value);
    else { d.setUint16(2, body.length); new Uint8Array(d.buffer).set(body, 4); }
    parts.push(new Uint8Array(d.buffer));
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  return all;
}

// Reads parse_record's result list through a LinearView, as the C++ side wrote
// it (integers widened to i64, so as BigInts); all of the view must be used.
export function readFields(view) {
  const count = view.readUnsignedInt();
  const fields = [];
  for (let i = 0; i < count; i++) {
    const tag = view.readUnsignedByte(), type = view.readUnsignedByte();
    const value = type === 3 ? view.readDouble() : type === 4 ? view.readString(view.readUnsignedInt()) : view.readLong();
    fields.push({ tag, type, value });
  }
  if (view.remaining() !== 0) throw new Error(`${view.remaining()} bytes left after the fields`);
  return fields;
}

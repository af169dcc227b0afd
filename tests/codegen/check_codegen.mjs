// Checks the wasm32 code of the probes in probe.cpp (run by ctest, label codegen):
//   node check_codegen.mjs <wasm-objdump> <probe.wasm> <function>...
// For each probe_<zone>_<read|write>_<int|long> function named:
//  - exactly one data access: an i32 (int) or i64 (long) load (read) or store
//    (write). Data is reached through memcpy from a byte pointer, so clang
//    emits it with alignment hint 0 ("i32.load 0 0"); the buffer's own fields
//    (cursors, data pointer, byte order) are naturally aligned ("i32.load 2 8").
//    So an access whose alignment is below the natural one is a data access.
//  - no narrow access at all (load8/load16/load32_*, store8/16/32): the mark
//    of a byte-at-a-time implementation; and no memory.copy/memory.fill.
// Each negative_<...> function named must FAIL these rules (a self-test of
// this checker); a negative that passes fails the test.
// Functions are found by their export names, not by the name section: wasm-opt
// merges functions with identical code (the heap and linear probes compile to the
// same code) and drops the name section, but every export still names the code
// that runs when it is called.
import { execFileSync } from 'node:child_process';

const [objdump, module, ...functions] = process.argv.slice(2);
if (!module || functions.length === 0) {
  console.error('usage: check_codegen.mjs <wasm-objdump> <module.wasm> <function>...');
  process.exit(2);
}

// { export name: [instruction text] } for the module's exported functions.
function disassemble() {
  const run = (...args) => execFileSync(objdump, [...args, module], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const bodies = new Map();  // function index -> instructions
  let current = null;
  for (const line of run('-d').split('\n')) {
    const header = line.match(/^[0-9a-f]+ func\[(\d+)\](?: <.*>)?:$/);
    if (header) {
      current = [];
      bodies.set(Number(header[1]), current);
    } else if (current) {
      const bar = line.indexOf('|');
      if (bar >= 0) current.push(line.slice(bar + 1).trim());
    }
  }
  const exported = new Map();
  for (const line of run('-x', '-j', 'Export').split('\n')) {
    const entry = line.match(/^ - func\[(\d+)\](?: <.*>)? -> "(.+)"$/);
    if (entry && bodies.has(Number(entry[1]))) exported.set(entry[2], bodies.get(Number(entry[1])));
  }
  return exported;
}

const naturalAlign = { i32: 2, f32: 2, i64: 3, f64: 3, v128: 4 };  // log2 of the size

// Returns the list of rule violations for one function (empty: it passes).
function problems(name, body) {
  const shape = name.match(/_(read|write)_(int|long)$/);
  if (!shape) return [`cannot tell the expected access from the name ${name}`];
  const expected = `${shape[2] === 'int' ? 'i32' : 'i64'}.${shape[1] === 'read' ? 'load' : 'store'}`;
  const found = [];
  const data = [];
  for (const insn of body) {
    if (/^memory\.(copy|fill)\b/.test(insn)) found.push(`bulk memory operation: ${insn}`);
    const m = insn.match(/^(i32|i64|f32|f64|v128)\.(load|store)(\d+)?(_\w+)?\s+(\d+)\s+(\d+)$/);
    if (!m) continue;
    const [, type, kind, width, , align] = m;
    if (width) found.push(`narrow access: ${insn}`);
    else if (Number(align) < naturalAlign[type]) data.push(`${type}.${kind}`);
  }
  if (data.length !== 1 || data[0] !== expected) {
    found.push(`expected exactly one data access ${expected}, found ${data.length ? data.join(', ') : 'none'}`);
  }
  return found;
}

const bodies = disassemble();
let failures = 0;
for (const name of functions) {
  const body = bodies.get(name);
  const negative = name.startsWith('negative_');
  if (!body) {
    console.log(`FAIL ${name}: no exported function of that name in ${module}`);
    ++failures;
    continue;
  }
  const found = problems(name, body);
  if (negative) {
    if (found.length) {
      console.log(`ok   ${name}: flagged as it must be (${found[0]})`);
    } else {
      console.log(`FAIL ${name}: a byte-at-a-time or split access passed the checks`);
      ++failures;
    }
  } else if (found.length) {
    console.log(`FAIL ${name}:\n  ${found.join('\n  ')}\n  code:\n    ${body.join('\n    ')}`);
    ++failures;
  } else {
    console.log(`ok   ${name}: one unaligned ${name.endsWith('int') ? 'i32' : 'i64'} access, no byte accesses`);
  }
}
console.log(failures ? `${failures} of ${functions.length} checks failed` : `all ${functions.length} checks passed`);
process.exit(failures ? 1 : 0);

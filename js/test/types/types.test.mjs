// The TypeScript declarations (src/index.d.mts): tsc compiles the typed
// example against them (through the package's own "types"/"exports"), and
// they declare exactly what the module exports, every method included.
// Needs js/node_modules (npm ci, or bash scripts/js-deps.sh): typescript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as runtime from '../../src/index.mjs';

const js = fileURLToPath(new URL('../../', import.meta.url));
const tsc = `${js}node_modules/typescript/bin/tsc`;
if (!existsSync(tsc)) throw new Error(`${tsc} is missing: run npm ci in js/ (bash scripts/js-deps.sh does)`);
const ts = createRequire(import.meta.url)(`${js}node_modules/typescript/lib/typescript.js`);

test('the package points TypeScript at the declarations', () => {
  const pkg = JSON.parse(readFileSync(`${js}package.json`, 'utf8'));
  assert.equal(pkg.types, './src/index.d.mts');
  assert.deepEqual(pkg.exports['.'], { types: './src/index.d.mts', default: './src/index.mjs' });
  assert.ok(pkg.files.some((f) => './src/index.d.mts'.startsWith(`./${f}`)), 'the declarations are published');
});

test(`tsc ${ts.version} compiles the typed example (every @ts-expect-error line must fail)`, () => {
  const run = spawnSync(process.execPath, [tsc, '-p', 'test/types', '--pretty', 'false'], { cwd: js, encoding: 'utf8' });
  assert.equal(run.status, 0, `tsc failed:\n${run.stdout}${run.stderr}`);
});

// The declared names: exported values (classes, functions, consts), and each class's members.
function declarations() {
  const file = ts.createSourceFile('index.d.mts', readFileSync(`${js}src/index.d.mts`, 'utf8'), ts.ScriptTarget.Latest, true);
  const values = new Set(), classes = new Map();
  const exported = (node) => node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const node of file.statements) {
    if (!exported(node)) continue;
    if (ts.isClassDeclaration(node)) {
      values.add(node.name.text);
      const members = { instance: new Set(), static: new Set() };
      for (const m of node.members) {
        if (!m.name) continue;
        const isStatic = m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
        (isStatic ? members.static : members.instance).add(m.name.text);
      }
      classes.set(node.name.text, members);
    } else if (ts.isFunctionDeclaration(node)) {
      values.add(node.name.text);
    } else if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) values.add(d.name.text);
    }
  }
  return { values, classes };
}

test('every export of the module is declared, and nothing else', () => {
  const { values } = declarations();
  assert.deepEqual([...values].sort(), Object.keys(runtime).sort());
});

test('every method and property of every exported class is declared, and nothing else', () => {
  const { classes } = declarations();
  for (const [name, members] of classes) {
    const type = runtime[name];
    const inherited = Object.getPrototypeOf(type.prototype);
    // Methods a class defines itself; an Error's own fields (set in its constructor) are read from an instance.
    const own = new Set(Object.getOwnPropertyNames(type.prototype).filter((m) => m !== 'constructor' && m !== 'name'));
    if (type.prototype instanceof Error && name === 'GuestCallError') {
      for (const field of Object.keys(new type('', { functionName: 'f', status: 1, statusName: null }))) own.add(field);
    }
    // Overrides of an inherited declared method need no second declaration.
    const declaredAbove = inherited && classes.get(Object.getPrototypeOf(type).name)?.instance;
    const expected = [...own].filter((m) => !(declaredAbove?.has(m) && !members.instance.has(m))).sort();
    assert.deepEqual([...members.instance].filter((m) => m !== 'constructor').sort(), expected, `${name} instance members`);
    const statics = Object.getOwnPropertyNames(type).filter((m) => !['length', 'name', 'prototype'].includes(m)).sort();
    assert.deepEqual([...members.static].sort(), statics, `${name} static members`);
  }
});

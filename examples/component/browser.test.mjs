// The example component in a real browser: headless Chromium (js/test/browser's
// launcher) opens index.html, which runs every check of checks.mjs against the
// transpiled component.
//   PLATFORM_BUFFER_COMPONENT_DIR=build/wasm32/examples/component/component node --test browser.test.mjs
// The server gives the repository (read-only) and, under /component/, that directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from '../../js/test/browser/chromium.mjs';
import { componentChecks } from './checks.mjs';

const componentDir = process.env.PLATFORM_BUFFER_COMPONENT_DIR;
if (!componentDir) throw new Error('set PLATFORM_BUFFER_COMPONENT_DIR to the directory build-component.mjs wrote (ctest does this)');

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const MOUNTS = [['/component/', resolve(componentDir)], ['/', REPO]];  // URL prefix -> directory, first match wins
const TYPES = { '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json' };

function serve() {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const [prefix, root] = MOUNTS.find(([p]) => path.startsWith(p));
    const file = resolve(join(root, path.slice(prefix.length)));
    try {
      if (!file.startsWith(root + sep)) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      response.end(body);
    } catch (e) {
      response.writeHead(e.code === 'ENOENT' || e.code === 'EISDIR' ? 404 : 500);
      response.end();
    }
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

let server, browser;
before(async () => {
  server = await serve();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await new Promise((done) => (server ? server.close(done) : done()));
});

test('every component check passes in chromium', async (t) => {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`); });

  await page.goto(`http://127.0.0.1:${server.address().port}/examples/component/index.html`);
  await page.waitForFunction(() => window.componentResults?.done === true, null, { timeout: 300_000, polling: 500 });
  const { error, results, defaultForm } = await page.evaluate(() => window.componentResults);

  assert.equal(error, undefined, error);
  assert.deepEqual(problems, []);
  assert.equal(defaultForm, true, 'the default transpiled form, imported as it is');
  assert.deepEqual(results.map((r) => r.name), componentChecks().map((c) => c.name), 'every check ran, in order');
  for (const r of results) {
    await t.test(r.name, () => {
      if (r.note) t.diagnostic(`${r.name}: ${r.note}`);
      assert.ok(r.ok, r.error);
    });
  }
});

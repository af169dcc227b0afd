// The interop checks in a real browser: Debian's chromium, headless, driven by
// playwright-core, loading examples/js-interop/index.html from a local server.
//   PLATFORM_BUFFER_INTEROP_WASM=path/to/interop_reactor.wasm node --test test/browser/
// CHROMIUM overrides the browser binary (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { startServer, PAGE } from '../../../examples/js-interop/serve.mjs';
import { interopChecks } from '../../../examples/js-interop/checks.mjs';

const wasmPath = process.env.PLATFORM_BUFFER_INTEROP_WASM;
if (!wasmPath) {
  throw new Error('set PLATFORM_BUFFER_INTEROP_WASM to the built interop_reactor.wasm (ctest does this)');
}

let server, browser, context;

before(async () => {
  server = await startServer({ wasmPath });
  browser = await launchChromium();
  context = browser.context;
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the example page runs every interop check in chromium, and all pass', async (t) => {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`); });

  await page.goto(`${server.url}${PAGE}`);
  await page.waitForFunction(() => window.interopResults?.done === true, null, { timeout: 120_000 });
  const { error, results, demo } = await page.evaluate(() => window.interopResults);

  assert.equal(error, undefined, error);
  assert.deepEqual(problems, []);
  assert.deepEqual(results.map((r) => r.name), interopChecks().map((c) => c.name), 'every check ran, in order');
  for (const r of results) {
    await t.test(r.name, () => assert.ok(r.ok, r.error));
  }
  assert.match(demo.join('\n'), /old ArrayBuffer detached: true/);
  assert.match(await page.textContent('#summary'), new RegExp(`^${results.length} passed, 0 failed$`));
});

test('the page says what went wrong when the wasm module is missing', async () => {
  const page = await context.newPage();
  await page.goto(`${server.url}${PAGE}?wasm=missing.wasm`);
  await page.waitForFunction(() => window.interopResults?.done === true, null, { timeout: 30_000 });
  const { error } = await page.evaluate(() => window.interopResults);
  assert.match(error, /HTTP 404/);
});

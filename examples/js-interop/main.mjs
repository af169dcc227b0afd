// The page's script: runs the demo and every interop check in the browser and
// publishes the results as window.interopResults (the browser test reads them).
import { compileReactor } from './reactor.mjs';
import { demo } from './demo.mjs';
import { runInteropChecks } from './checks.mjs';

const demoOut = document.getElementById('demo');
const list = document.getElementById('checks');
const summary = document.getElementById('summary');

async function main() {
  const wasmUrl = new URLSearchParams(location.search).get('wasm') ?? 'interop_reactor.wasm';
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`fetching ${wasmUrl}: HTTP ${response.status}`);
  const module = await compileReactor(response);

  const lines = [];
  await demo(module, (line) => lines.push(line));
  demoOut.textContent = lines.join('\n');

  const results = await runInteropChecks(module, (r) => {
    const item = document.createElement('li');
    item.className = r.ok ? 'ok' : 'failed';
    item.textContent = r.ok ? r.name : `${r.name}: ${r.error}`;
    list.append(item);
  });
  const failed = results.filter((r) => !r.ok).length;
  summary.textContent = `${results.length - failed} passed, ${failed} failed`;
  summary.className = failed ? 'failed' : 'ok';
  return { done: true, results, demo: lines };
}

window.interopResults = await main().catch((e) => {
  summary.textContent = `error: ${e.stack ?? e}`;
  summary.className = 'failed';
  return { done: true, error: String(e.stack ?? e), results: [] };
});

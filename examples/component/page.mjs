// The page's script: runs every check of checks.mjs against the transpiled
// component in the browser and publishes the results as window.componentResults
// (browser.test.mjs reads them).
import { runComponentChecks } from './checks.mjs';
import { instantiateGuest } from './guest-host.mjs';

const log = document.getElementById('log');
const summary = document.getElementById('summary');

async function main() {
  const base = new URL(new URLSearchParams(location.search).get('component') ?? '/component/', location.href);
  // The default form instantiates itself when imported (it fetches guest.core.wasm beside it).
  const plain = await import(new URL('js/guest.js', base).href);
  const defaultForm = plain.reverse('añb😀') === '😀bña';

  const { instantiate } = await import(new URL('instantiation/guest.js', base).href);
  const modules = new Map();
  const getCoreModule = (path) => {
    if (!modules.has(path)) {
      modules.set(path, fetch(new URL(`instantiation/${path}`, base)).then((response) => {
        if (!response.ok) throw new Error(`fetching ${path}: HTTP ${response.status}`);
        return WebAssembly.compileStreaming(response);
      }));
    }
    return modules.get(path);
  };
  const results = await runComponentChecks(() => instantiateGuest(instantiate, getCoreModule), (r) => {
    log.textContent += `${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.ok ? '' : `\n     ${r.error}`}\n`;
  });
  const passed = results.filter((r) => r.ok).length;
  summary.textContent = `${passed} of ${results.length} checks passed`;
  summary.className = passed === results.length ? 'ok' : 'failed';
  return { done: true, results, defaultForm };
}

window.componentResults = await main().catch((e) => {
  summary.textContent = `error: ${e.stack ?? e}`;
  summary.className = 'failed';
  return { done: true, error: String(e.stack ?? e), results: [] };
});

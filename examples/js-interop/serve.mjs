// A tiny static server for the browser page: serves the repository (read-only,
// nothing outside it) on 127.0.0.1, and the built reactor at
// /examples/js-interop/interop_reactor.wasm.
//   node examples/js-interop/serve.mjs path/to/interop_reactor.wasm [port]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.css': 'text/css',
};
export const PAGE = '/examples/js-interop/index.html';
const WASM_URL = '/examples/js-interop/interop_reactor.wasm';

// Starts the server; resolves to { url, close() }. Port 0 picks a free one.
export function startServer({ wasmPath, port = 0 } = {}) {
  const server = createServer(async (request, response) => {
    try {
      const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
      let file = resolve(join(REPO, path));
      if (path === WASM_URL && wasmPath) file = resolve(wasmPath);
      else if (!file.startsWith(REPO + sep)) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store' });
      response.end(body);
    } catch (e) {
      response.writeHead(e.code === 'ENOENT' || e.code === 'EISDIR' ? 404 : 500);
      response.end();
    }
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      done({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [wasmPath, port] = process.argv.slice(2);
  if (!wasmPath) {
    console.error('usage: node serve.mjs path/to/interop_reactor.wasm [port]');
    process.exit(2);
  }
  const { url } = await startServer({ wasmPath, port: Number(port ?? 8000) });
  console.log(`open ${url}${PAGE}`);
}

#!/usr/bin/env node
// Serves the demo page (widget/demo/) and the built package (dist/) on localhost.
// Usage: node scripts/serve.js [--port N]   (PORT env also works; default 8080, next free if taken)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.css': 'text/css',
  '.map': 'application/json',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** No eval, scripts and workers from this origin only, wasm allowed. */
export const STRICT_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'";

/**
 * Maps a URL path to a file under `dir` (this checkout by default): / → widget/demo/index.html,
 * /dist/…, /widget/… and /data/… as they are.
 */
export function fileFor(urlPath, dir = root) {
  const path = decodeURIComponent(urlPath.split('?')[0]);
  let rel = path === '/' ? 'widget/demo/index.html' : path.replace(/^\/+/, '');
  if (rel.endsWith('/')) rel += 'index.html';
  const base = resolve(dir);
  const full = normalize(join(base, rel));
  if (!full.startsWith(base + sep)) return undefined;
  if (!/^(dist|widget|models|data|test\/fixtures)(\/|$)/.test(rel)) return undefined;
  return full;
}

/** Serves `dir` (this checkout by default; another one's build for side-by-side benches). */
export function startServer(port = 8080, host = '127.0.0.1', dir = root) {
  const server = createServer(async (req, res) => {
    const file = fileFor(req.url ?? '/', dir);
    try {
      const info = file ? await stat(file) : undefined;
      if (!info?.isFile()) throw new Error('not found');
      // As static hosts do (nginx's form): a validator from size and time, so a reload
      // revalidates with 304 and the browser keeps its copy (and its compiled code).
      const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
      const headers = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
        etag,
        'last-modified': info.mtime.toUTCString(),
        'x-content-type-options': 'nosniff',
      };
      // ?csp=strict serves a page under the strict policy the SDK must work with.
      if (extname(file) === '.html' && /[?&]csp=strict\b/.test(req.url ?? '')) {
        headers['content-security-policy'] = STRICT_CSP;
      }
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    }
  });
  return new Promise((resolvePromise, reject) => {
    const tryListen = (p, attempts) => {
      server.once('error', (e) =>
        e.code === 'EADDRINUSE' && attempts > 0 ? tryListen(p + 1, attempts - 1) : reject(e),
      );
      server.listen(p, host, () => resolvePromise(server));
    };
    tryListen(port, 20);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : (process.env.PORT ?? 8080));
  const server = await startServer(port);
  const { port: actual } = server.address();
  console.log(`rnn-predict demo: http://localhost:${actual}/  (Ctrl+C to stop)`);
}

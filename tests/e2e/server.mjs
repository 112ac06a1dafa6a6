// A tiny static server for dist/, with or without the cross-origin isolation headers.
// With them, it sends exactly what dist/_headers (copied from www/_headers) lists, so the E2E
// run also checks the file a static host would use.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Parses a Netlify/Cloudflare-style `_headers` file: the headers under `/*`. */
export async function parseHeadersFile(path) {
  const headers = {};
  let inAll = false;
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    if (!/^\s/.test(line)) { inAll = line.trim() === '/*'; continue; }
    const [name, ...rest] = line.trim().split(':');
    if (inAll) headers[name.trim()] = rest.join(':').trim();
  }
  return headers;
}

/**
 * Serves `root`; resolves to { url, close, hold }. `hold(true)` makes requests for the I/O
 * sample (/io/…) hang until `hold(false)`: a server that stops answering, for the watchdog.
 */
export async function serve(root, { isolated }) {
  const extra = isolated ? await parseHeadersFile(join(root, '_headers')) : {};
  let holding = false;
  let held = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    // A documentation page framing the playground: /__host?src=<query for the embed>.
    if (path === '/__host') {
      const src = new URL(req.url, 'http://x').searchParams.get('src') ?? '';
      const allow = new URL(req.url, 'http://x').searchParams.get('allow') ?? '';
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...extra });
      res.end(`<!doctype html><title>host</title><script>window.got = [];
        addEventListener('message', (e) => got.push(e.data));</script>
        <iframe id="embed" src="/?${src.replace(/"/g, '')}" width="700" height="450" allow="${allow.replace(/"/g, '')}"></iframe>`);
      return;
    }
    if (holding && path.startsWith('/io/')) {
      held.push(() => res.writeHead(503, extra).end('released'));
      return;
    }
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...extra });
      res.end(body);
    } catch {
      res.writeHead(404, extra).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const hold = (on) => {
    holding = on;
    if (!on) { held.forEach((release) => release()); held = []; }
  };
  return {
    url: `http://127.0.0.1:${port}/`,
    hold,
    close: () => { hold(false); return new Promise((r) => server.close(r)); },
  };
}

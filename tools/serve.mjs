// A tiny static file server for www/: `make serve` runs it, and the browser
// tests start it on a free port. No dependencies, GET and HEAD only, nothing
// outside the root is ever served.
//
// It sends the right Content-Type for every file the page uses (the browser
// refuses to stream-compile wasm served as anything but application/wasm, and a
// module script must be JavaScript), and it sends the Content-Security-Policy
// of index.html's <meta> tag as a header too, because a worker does not inherit
// the page's <meta> policy: the header is what constrains worker.js.
//
//   node tools/serve.mjs [ROOT]      (environment: PORT=8080, BIND=127.0.0.1)

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.xls': 'application/vnd.ms-excel',
  '.ods': 'application/vnd.oasis.opendocument.spreadsheet',
};

/** The policy in ROOT/index.html's CSP <meta> tag, or null when there is none. */
async function metaPolicy(root) {
  const html = await readFile(join(root, 'index.html'), 'utf8').catch(() => '');
  const tag = html.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i);
  return tag ? tag[1] : null;
}

/** Serves ROOT on HOST:PORT (port 0 picks a free one); resolves once listening. */
export async function startServer({ root, host = '127.0.0.1', port = 0 }) {
  root = resolve(root);
  const policy = await metaPolicy(root);
  const server = createServer(async (request, response) => {
    const send = (status, body, headers = {}) => {
      response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'GET only\n', { Allow: 'GET, HEAD' });
    let path;
    try {
      path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    } catch {
      return send(400, 'bad path\n');
    }
    let file = resolve(root, '.' + path);
    if (file !== root && !file.startsWith(root + sep)) return send(404, 'not found\n');
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      send(200, body, {
        'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        ...(policy ? { 'Content-Security-Policy': policy } : {}),
      });
    } catch {
      send(404, 'not found\n');
    }
  });
  await new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, resolveListen);
  });
  const address = server.address();
  const origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const close = () => new Promise((done) => {
    server.close(done);
    server.closeAllConnections();
  });
  return { origin, close };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? 'www';
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.BIND ?? '127.0.0.1';
  try {
    await startServer({ root, host, port });
  } catch (error) {
    const hint = error.code === 'EADDRINUSE' ? ` (port ${port} is taken: try \`make serve PORT=8081\`)` : '';
    console.error(`Cannot serve ${root} on ${host}:${port}: ${error.message}${hint}`);
    process.exit(1);
  }
  const shown = ['127.0.0.1', '::1', '0.0.0.0', '::'].includes(host) ? 'localhost' : host;
  console.log(`Serving ${root}/ on http://${shown}:${port}  (Ctrl-C to stop)`);
}

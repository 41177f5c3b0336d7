'use strict';
// Closed-loop HTTP load: N clients, each sends GET requests back to back.
// Runs until SIGINT/SIGTERM (or --max-seconds), lets in-flight requests finish,
// then prints one JSON line: total, ok, failed (error or non-2xx), hung (no
// answer within --timeout-ms), and what the failures were.
// Event times (t_ms) are when the failing request was sent.
// --keepalive off sends `Connection: close` on a fresh connection each time (Node's Agent with maxSockets
// otherwise sends `Connection: keep-alive` and reuses sockets even with keepAlive false: measured).
// A GET sent on a reused keep-alive connection that the server closed at that instant (ECONNRESET/EPIPE
// before any answer) is sent once more on a new connection (the other pooled ones are likely closed too), as browsers do (RFC 9112 9.3.1). "Reused" = the socket already carried an answer (marked here: Node's
// `req.reusedSocket` misses sockets handed over on the agent's 'free' event: measured);
// such retries are counted in `retriedReused`, never hidden, and a second failure is a failure.
// Usage: node load.js --url http://127.0.0.1:18080/version [--clients 16]
//        [--method GET|POST] [--keepalive on|off] [--timeout-ms 5000] [--max-seconds 120]
const http = require('http');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const url = new URL(args.url || 'http://127.0.0.1:18080/version');
const clients = Number(args.clients || 16);
const keepAlive = (args.keepalive || 'on') === 'on';
const timeoutMs = Number(args['timeout-ms'] || 5000);
const method = (args.method || 'GET').toUpperCase();
const maxSeconds = Number(args['max-seconds'] || 120);

const agent = keepAlive ? new http.Agent({ keepAlive, maxSockets: clients }) : false;
const started = Date.now();
const stats = { total: 0, ok: 0, failed: 0, hung: 0, retriedReused: 0, bodies: {}, errors: {}, events: [] };
let stopping = false;

function record(kind, detail, t0) {
  stats[kind]++;
  stats.errors[detail] = (stats.errors[detail] || 0) + 1;
  if (stats.events.length < 50) stats.events.push({ t_ms: t0 - started, kind, detail });
}

function once(attempt = 1) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (fn) => { if (!done) { done = true; clearTimeout(timer); fn(); resolve(); } };
    const body = method === 'POST' ? '{"title":"Kyoto"}' : null;
    const headers = body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {};
    if (!keepAlive) headers.Connection = 'close';
    const req = http.request(url, { agent: attempt === 1 ? agent : false, method, headers }, (res) => {
      if (req.socket) req.socket.answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => finish(() => {
        if (res.statusCode >= 200 && res.statusCode < 300) {
          stats.ok++;
          const key = text.trim().slice(0, 40);
          stats.bodies[key] = (stats.bodies[key] || 0) + 1;
        } else record('failed', `HTTP ${res.statusCode}`, t0);
      }));
      res.on('error', (e) => finish(() => record('failed', e.code || e.message, t0)));
    });
    const timer = setTimeout(() => finish(() => { record('hung', `no answer in ${timeoutMs} ms`, t0); req.destroy(); }), timeoutMs);
    let sent = null;
    req.on('socket', (socket) => { sent = socket; });
    req.on('error', (e) => {
      const raced = attempt === 1 && method === 'GET' && sent?.answered && (e.code === 'ECONNRESET' || e.code === 'EPIPE');
      if (raced) { done = true; clearTimeout(timer); stats.retriedReused++; resolve(once(2)); return; }
      finish(() => record('failed', e.code || e.message, t0));
    });
    req.end(body);
  }).then(() => { if (attempt === 1) stats.total++; });
}

async function client() {
  while (!stopping) await once();
}

const stop = () => { stopping = true; };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setTimeout(stop, maxSeconds * 1000).unref();

Promise.all(Array.from({ length: clients }, client)).then(() => {
  if (agent) agent.destroy();
  const seconds = (Date.now() - started) / 1000;
  console.log(JSON.stringify({ clients, keepAlive, seconds, rps: Math.round(stats.total / seconds), ...stats }));
});

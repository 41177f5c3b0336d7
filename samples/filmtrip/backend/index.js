'use strict';
// FilmTrip sample backend: just enough to prove zero-downtime reloads.
// The graceful-shutdown contract is described in ../README.md.
const cluster = require('cluster');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

if (fs.existsSync(path.join(__dirname, 'CRASH_ON_START'))) {
  // Lets a test build a release that never becomes ready.
  throw new Error('CRASH_ON_START present: refusing to start');
}

const port = Number(process.env.PORT || 3001);
const version = fs.readFileSync(path.join(__dirname, 'VERSION'), 'utf8').trim();
const HARD_EXIT_MS = 4000; // pm2 kill_timeout is 5000: exit on our own before SIGKILL.
const IDLE_BACKSTOP_MS = 3000; // > nginx's upstream keepalive_timeout (2s)
let shuttingDown = false;

const server = http.createServer((req, res) => {
  // After shutdown begins, tell the peer (nginx) not to reuse this socket.
  if (shuttingDown) res.setHeader('Connection', 'close');
  const url = req.url.split('?')[0];
  if (req.method === 'GET' && url === '/health') return send(res, 200, 'text/plain', 'ok');
  if (req.method === 'GET' && url === '/version') return send(res, 200, 'text/plain', version);
  if (req.method === 'POST' && url === '/trips') return createTrip(req, res);
  if (req.method === 'GET' && url === '/') {
    return send(res, 200, 'application/json', JSON.stringify({ app: 'filmtrip', version, pid: process.pid }));
  }
  send(res, 404, 'text/plain', 'not found');
});

// A non-idempotent request: proxies must not retry it, so a reload must not drop it.
function createTrip(req, res) {
  let size = 0;
  req.on('data', (chunk) => { size += chunk.length; });
  req.on('end', () => send(res, 201, 'application/json', JSON.stringify({ created: true, bytes: size, version })));
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

if (fs.existsSync(path.join(__dirname, 'HANG_ON_START'))) {
  // Lets a test build a release that starts but never listens nor sends 'ready' (a hung connection pool, a
  // migration lock): the timer keeps the process alive.
  console.log('HANG_ON_START present: running, never listening');
  setInterval(() => {}, 60 * 1000);
} else {
  server.listen(port, () => {
    if (process.send) process.send('ready');
  });
}

function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true; // from now on every response says Connection: close
  console.log(`${signal}: draining (pid ${process.pid})`);
  setTimeout(() => process.exit(0), HARD_EXIT_MS).unref();
  // Backstop for idle keep-alive sockets nginx has not closed by now.
  setTimeout(() => server.closeIdleConnections(), IDLE_BACKSTOP_MS).unref();
  // Stop accepting, but not with http's server.close(): since Node 19 it also
  // closes idle keep-alive sockets at once, racing nginx, which may be writing
  // a request into one right then (a POST lost that way is a 502: nginx does
  // not retry non-idempotent requests). Idle sockets are left for nginx to
  // close (upstream keepalive_timeout 2s); busy ones close after their
  // Connection: close response.
  net.Server.prototype.close.call(server, () => {
    if (!cluster.isWorker) process.exit(0);
    // Under pm2 cluster mode the primary (pm2's daemon) accepts connections
    // and hands them to workers over IPC; a worker that exits while a handoff
    // is in flight orphans that connection in the primary and the client
    // hangs. worker.disconnect() waits for the primary's ack, which comes
    // after every handoff to us was answered (refused ones are redistributed).
    process.once('disconnect', () => process.exit(0));
    cluster.worker.disconnect();
  });
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

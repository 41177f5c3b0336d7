'use strict';
// FilmTrip sample backend: just enough to prove zero-downtime reloads.
// The graceful-shutdown contract is described in ../README.md.
const cluster = require('cluster');
const fs = require('fs');
const http = require('http');
const path = require('path');

if (fs.existsSync(path.join(__dirname, 'CRASH_ON_START'))) {
  // Lets a test build a release that never becomes ready.
  throw new Error('CRASH_ON_START present: refusing to start');
}

const port = Number(process.env.PORT || 3001);
const version = fs.readFileSync(path.join(__dirname, 'VERSION'), 'utf8').trim();
const HARD_EXIT_MS = 4000; // pm2 kill_timeout is 5000: exit on our own before SIGKILL.
let shuttingDown = false;

const server = http.createServer((req, res) => {
  // After shutdown begins, tell the peer (nginx) not to reuse this socket.
  if (shuttingDown) res.setHeader('Connection', 'close');
  const url = req.url.split('?')[0];
  if (req.method === 'GET' && url === '/health') return send(res, 200, 'text/plain', 'ok');
  if (req.method === 'GET' && url === '/version') return send(res, 200, 'text/plain', version);
  if (req.method === 'GET' && url === '/') {
    return send(res, 200, 'application/json', JSON.stringify({ app: 'filmtrip', version, pid: process.pid }));
  }
  send(res, 404, 'text/plain', 'not found');
});

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

server.listen(port, () => {
  if (process.send) process.send('ready');
});

function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`${signal}: closing (pid ${process.pid})`);
  setTimeout(() => process.exit(0), HARD_EXIT_MS).unref();
  if (cluster.isWorker) {
    // Under pm2 cluster mode the primary (pm2's daemon) accepts connections
    // and hands them to workers over IPC. A worker that exits while a handoff
    // is in flight orphans that connection in the primary: the client hangs.
    // worker.disconnect() closes the server, waits for in-flight requests,
    // then waits for the primary's ack, so every handoff has been answered
    // (refused ones are redistributed) before the IPC channel closes.
    process.once('disconnect', () => process.exit(0));
    cluster.worker.disconnect();
  } else {
    server.close(() => process.exit(0));
  }
  // Idle keep-alive sockets would otherwise hold close() open until they time out.
  server.closeIdleConnections();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

'use strict';
// A backend that follows NO shutdown contract (issue 10), like most teams' apps: no SIGINT/SIGTERM handler (the
// default action kills it mid-request), no process.send('ready'), a few ms of work per request. Under pm2 reload
// it loses requests; BlueGreen gives it zero downtime anyway. Switches (files in this directory, see ../README.md):
// CRASH_ON_START throws before listening; HANG_ON_START runs but never listens; FAIL_SOME passes /health but answers
// 500 to the last 3 of every 10 other requests (the first one succeeds, so Verify passes): a bad query on one path,
// what only the post-switch watch sees (issue 15).
const fs = require('fs');
const http = require('http');
const path = require('path');

if (fs.existsSync(path.join(__dirname, 'CRASH_ON_START'))) {
  throw new Error('CRASH_ON_START present: refusing to start');
}

const port = Number(process.env.PORT || 3001);
const version = fs.readFileSync(path.join(__dirname, 'VERSION'), 'utf8').trim();
const WORK_MS = 5; // every request "does some work": a kill mid-request loses it
const failSome = fs.existsSync(path.join(__dirname, 'FAIL_SOME'));
let served = 0;

const server = http.createServer((req, res) => {
  setTimeout(() => {
    const url = req.url.split('?')[0];
    if (req.method === 'GET' && url === '/health') return send(res, 200, 'ok');
    if (failSome && served++ % 10 >= 7) return send(res, 500, 'FAIL_SOME: this request failed');
    if (req.method === 'GET' && url === '/version') return send(res, 200, version);
    send(res, 404, 'not found');
  }, WORK_MS);
});

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

if (fs.existsSync(path.join(__dirname, 'HANG_ON_START'))) {
  // A release that starts but never listens (a hung connection pool, a migration lock): the timer keeps it alive.
  console.log('HANG_ON_START present: running, never listening');
  setInterval(() => {}, 60 * 1000);
} else {
  server.listen(port, () => console.log(`nocontract ${version} listening on ${port}`));
}

'use strict';
// A Verify step for BlueGreen (issue 10): run as `node smoke.js` in the new release's directory with PORT set to
// the new color's port, before any traffic reaches it. Exits 0 only when that port answers GET /version with this
// release's VERSION; a FAIL_VERIFY file in this directory makes it fail on purpose (tests).
const fs = require('fs');
const http = require('http');
const path = require('path');

const fail = (why) => { console.error(`smoke: ${why}`); process.exit(1); };
if (fs.existsSync(path.join(__dirname, 'FAIL_VERIFY'))) fail('FAIL_VERIFY present');
const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port < 1) fail(`PORT is not a port: '${process.env.PORT ?? ''}'`);
const expected = fs.readFileSync(path.join(__dirname, 'VERSION'), 'utf8').trim();

const req = http.get({ host: '127.0.0.1', port, path: '/version', timeout: 5000 }, (res) => {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk) => { body += chunk; });
  res.on('end', () => {
    if (res.statusCode !== 200 || body.trim() !== expected) fail(`GET :${port}/version answered ${res.statusCode} '${body.trim()}', want '${expected}'`);
    console.log(`smoke: :${port} serves ${expected}`);
  });
});
req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
req.on('error', (e) => fail(`GET :${port}/version: ${e.message}`));

'use strict';
// One long-lived connection to a pm2 daemon's RPC socket, for the daemon's frequent "list the apps" question
// (the health gate asks it at both ends of StableFor). `pm2 jlist` starts node and loads pm2 on every call:
// ~0.4-1.4 s here; this answers the same list in a few ms. It uses pm2's own RPC modules (what `pm2 jlist` calls:
// getMonitorData) and never starts a pm2 daemon: it only connects to an existing rpc.sock.
// Usage: node -e "$(cat pm2-bridge.js)" with PM2_HOME and FILMTRIP_PM2_PACKAGE (pm2's package directory) set.
// Protocol: one request id per line on stdin; one JSON line per answer on stdout: {"id":..,"list":[...]} or
// {"id":..,"error":"..."}. Exits when stdin closes (the daemon stopped or replaced this bridge).
const path = require('path');
const readline = require('readline');

const root = process.env.FILMTRIP_PM2_PACKAGE;
const axon = require(path.join(root, 'modules', 'pm2-axon'));
const rpc = require(path.join(root, 'modules', 'pm2-axon-rpc'));

const socket = axon.socket('req');
const client = new rpc.Client(socket);
socket.connect(path.join(process.env.PM2_HOME, 'rpc.sock'));

const answer = (message) => process.stdout.write(JSON.stringify(message) + '\n');
readline.createInterface({ input: process.stdin })
  .on('line', (id) => client.call('getMonitorData', {}, (error, list) =>
    answer(error ? { id, error: String(error.message || error) } : { id, list })))
  .on('close', () => process.exit(0));

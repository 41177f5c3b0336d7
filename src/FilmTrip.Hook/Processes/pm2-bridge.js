'use strict';
// One long-lived connection to a pm2 daemon's RPC socket, for the daemon's frequent "list the apps" question
// (the health gate asks it at both ends of StableFor) and for deleting an app (a preflight, an idle color).
// `pm2 jlist` starts node and loads pm2 on every call: ~0.4-1.4 s here; this answers the same list in a few ms. It uses pm2's own RPC modules (what `pm2 jlist` calls:
// getMonitorData) and never starts a pm2 daemon: it only connects to an existing rpc.sock.
// Usage: node -e "$(cat pm2-bridge.js)" with PM2_HOME and FILMTRIP_PM2_PACKAGE (pm2's package directory) set.
// Protocol: one request per line on stdin, one JSON line per answer on stdout:
//   ID                              -> {"id":ID,"list":[...]}         (what `pm2 jlist` prints)
//   {"id":ID,"delete":NAME}         -> {"id":ID,"deleted":[pm_id...]} (what `pm2 delete NAME` does: deleteProcessId,
//                                      then notifyByProcessId, for every instance of exactly that name)
// or {"id":ID,"error":"..."}. Exits when stdin closes (the daemon stopped or replaced this bridge).
const path = require('path');
const readline = require('readline');

const root = process.env.FILMTRIP_PM2_PACKAGE;
const axon = require(path.join(root, 'modules', 'pm2-axon'));
const rpc = require(path.join(root, 'modules', 'pm2-axon-rpc'));

const socket = axon.socket('req');
const client = new rpc.Client(socket);
socket.connect(path.join(process.env.PM2_HOME, 'rpc.sock'));

const answer = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const call = (method, argument) => new Promise((resolve, reject) =>
  client.call(method, argument, (error, result) => (error ? reject(error) : resolve(result))));

async function remove(name) {
  const ids = (await call('getMonitorData', {})).filter((p) => p.name === name).map((p) => p.pm_id);
  for (const id of ids) {
    await call('deleteProcessId', id);
    // As the CLI does (notifyGod), and as it does, whatever it answers: the id is gone by now.
    await call('notifyByProcessId', { id, action_name: 'delete', manually: true }).catch(() => {});
  }
  return ids;
}

readline.createInterface({ input: process.stdin })
  .on('line', (line) => {
    let request;
    try {
      request = line.startsWith('{') ? JSON.parse(line) : { id: line };
    } catch (error) {
      return answer({ id: null, error: `not a request: ${error.message}` });
    }
    const work = request.delete !== undefined
      ? remove(request.delete).then((deleted) => ({ id: request.id, deleted }))
      : call('getMonitorData', {}).then((list) => ({ id: request.id, list }));
    work.then(answer, (error) => answer({ id: request.id, error: String((error && error.message) || error) }));
  })
  .on('close', () => process.exit(0));

'use strict';
// A port for what a script or bench configures itself (pm2 apps, nginx); never for the daemon, which binds port 0
// and says which port it got. Ports come from 20000 up to the kernel's ephemeral range (ip_local_port_range, as the
// daemon's Processes/SparePorts reads it): a port picked by binding 0 is ephemeral, and an outgoing connection may
// take it as its local port before the app binds it.
// Required by bench/lib/hook.js; `node scripts/free-port.js` prints one (scripts/lib.sh free_port).
const fs = require('fs');
const net = require('net');

function ephemeralStart() {
  try {
    const start = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > 1024 && start <= 65535 ? start : 32768;
  } catch {
    return 32768;
  }
}

const FIRST = 20000, LAST = ephemeralStart();
let next = FIRST + Math.floor(Math.random() * (LAST - FIRST));

const isFree = (port) => new Promise((resolve) => {
  const s = net.createServer();
  s.once('error', () => resolve(false));
  s.listen({ port, host: '::', ipv6Only: false }, () => s.close(() => resolve(true)));
});

async function freePort() {
  for (let tried = 0; tried < LAST - FIRST; tried++) {
    const port = FIRST + (next++ - FIRST) % (LAST - FIRST);
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port in ${FIRST}-${LAST - 1}`);
}

module.exports = { freePort };
if (require.main === module) freePort().then((p) => console.log(p));

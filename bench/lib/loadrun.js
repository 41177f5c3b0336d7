'use strict';
// bench/load.js as the drivers run it: a child process per load run, stopped with SIGINT, its JSON line parsed.
const { spawn } = require('child_process');
const path = require('path');
const { sleep } = require('./hook');

/**
 * rampMs: load runs this long before the event; settleMs: and this long after it (the old processes' last
 * requests land). children: the running load processes, for the driver's exit handler.
 */
function loadRunner({ root, clients, rampMs, settleMs }) {
  const children = new Set();
  function startLoad(url, keepalive, maxSeconds = 120) {
    const child = spawn(process.execPath, [path.join(root, 'bench/load.js'), '--url', url, '--clients', String(clients),
      '--keepalive', keepalive ? 'on' : 'off', '--timeout-ms', '5000', '--max-seconds', String(maxSeconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const done = new Promise((r) => child.on('exit', () => { children.delete(child); r(JSON.parse(out.trim().split('\n').pop())); }));
    return { stop: () => { child.kill('SIGINT'); return done; } };
  }
  /** Runs fn while load hits url; returns the load's figures plus whatever fn returned. */
  async function underLoad(url, keepalive, fn, maxSeconds = 120) {
    const load = startLoad(url, keepalive, maxSeconds);
    await sleep(rampMs);
    let info, error;
    try { info = await fn(); } catch (e) { error = e; }
    await sleep(settleMs);
    const r = await load.stop();
    if (error) throw error;
    return { total: r.total, failed: r.failed + r.hung, retriedReused: r.retriedReused, rps: r.rps, seconds: r.seconds, errors: r.errors, events: r.events.slice(0, 5), bodies: r.bodies, info };
  }
  return { children, startLoad, underLoad };
}

module.exports = { loadRunner };

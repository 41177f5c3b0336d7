'use strict';
// The BlueGreen bench (issue 10), run by bench/run.sh after bench/drive.js (same pm2 and canary, its own daemon,
// repository and nginx instances under $BENCH_WORK/bluegreen): the no-contract app under both strategies, and the
// timing goals. Prints its table and writes bench/results/bluegreen-<time>.json. Everything it starts is stopped on
// exit; pids for bench/run.sh's trap: $BENCH_WORK/bluegreen/daemon.pid and nginx/nginx.pids.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const http = require('http');
const { startDaemon, hookClient } = require('../lib/hook');
const { loadRunner } = require('../lib/loadrun');
const { runDriver } = require('../lib/driver');
const { canary, machine, markdownTable } = require('../lib/measure');
const { gitWork } = require('../lib/gitwork');
const topology = require('./topology');
const { noContractRows, noContractTable } = require('./nocontract-rows');
const { warmRollback, expressCodeOnly, overheadPairs, timingTable } = require('./timing-rows');

const E = process.env;
const ROOT = E.BENCH_REPO;
const WORK = path.join(E.BENCH_WORK, 'bluegreen');
const SECRET = crypto.randomBytes(32).toString('hex');
const TOKEN = crypto.randomBytes(32).toString('hex');
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}] bluegreen:`, ...a);
const nginxChildren = new Set();
let daemon = null;
let loads = null;

/** GET /version on a new connection (so from an nginx worker with the current config); null when it fails. */
function served(apiUrl) {
  return new Promise((resolve) => {
    const req = http.get(`${apiUrl}/version`, { agent: false, headers: { Connection: 'close' }, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve(res.statusCode === 200 ? text.trim() : null));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(null));
  });
}

async function main() {
  fs.mkdirSync(WORK, { recursive: true });
  const results = { startedAt: new Date().toISOString(), settings: { clients: +(E.CLIENTS || 16), stableFor: E.STABLE_FOR || '00:00:01', rounds: +(E.ROUNDS || 3), pairs: +(E.PAIRS || 3) } };
  const bare = path.join(WORK, 'bluegreen.git');
  const repo = gitWork(path.join(WORK, 'work'), bare);
  repo.init(WORK);
  const all = topology.services(results.settings.stableFor);
  topology.seed(ROOT, repo, all);
  repo.commit('bluegreen bench v1');
  await topology.start({ root: ROOT, nginx: E.BENCH_NGINX, work: WORK, all, children: nginxChildren });

  fs.writeFileSync(path.join(WORK, 'webhook-secret'), SECRET, { mode: 0o600 });
  fs.writeFileSync(path.join(WORK, 'api-token'), TOKEN, { mode: 0o600 });
  const services = topology.config({ work: WORK, bare, pm2Home: E.PM2_HOME, pm2: E.BENCH_PM2, all });
  fs.writeFileSync(path.join(WORK, 'hook.json'), JSON.stringify({ Hook: { DataDirectory: path.join(WORK, 'data'),
    WebhookSecretFile: path.join(WORK, 'webhook-secret'), ApiTokenFile: path.join(WORK, 'api-token'), Services: services } }, null, 2));
  results.canaryBefore = canary(E.BENCH_PM2, E.CANARY_DIR);
  daemon = await startDaemon({ dll: E.BENCH_DAEMON_DLL, configPath: path.join(WORK, 'hook.json'),
    logPath: path.join(WORK, 'daemon.log'), pidPath: path.join(WORK, 'daemon.pid') });

  const hook = hookClient({ url: daemon.url, secret: SECRET, token: TOKEN, payloadPath: path.join(ROOT, 'samples/github-payloads/push/with-new-branch.payload.json') });
  loads = loadRunner({ root: ROOT, clients: results.settings.clients, rampMs: 1000, settleMs: 2500 });
  const counters = {};
  const ctx = {
    hook, loads, repo, all, served, log, root: ROOT, work: WORK, bare, pm2: E.BENCH_PM2, freePort: topology.freePort,
    /** Commits a new VERSION for the service (with whatever else the work tree holds) and returns { v, sha }. */
    nextVersion(name, message) {
      counters[name] = (counters[name] || 1) + 1;
      const v = `${name}-${counters[name]}`;
      repo.write(`${name}/VERSION`, `${v}\n`);
      return { v, sha: repo.commit(`${message}: ${v}`) };
    },
    /** A new version, deployed and checked; returns { v, sha }. */
    async deploy(name) {
      const to = ctx.nextVersion(name, `deploy ${name}`);
      const d = await hook.waitDeploy((await hook.push(to.sha, `acme/${name}`)).deploys[name]);
      if (d.deploy.state !== 'succeeded') throw new Error(`${name} deploy ${d.deploy.state}: ${d.deploy.error}\n${d.logTail.join('\n')}`);
      return to;
    },
  };

  log('first deploy of every service');
  const v1 = repo.commit('first deploy');
  for (const name of Object.keys(all)) {
    const d = await hook.waitDeploy((await hook.push(v1, `acme/${name}`)).deploys[name], 600000);
    if (d.deploy.state !== 'succeeded') throw new Error(`first deploy of ${name} ${d.deploy.state}: ${d.deploy.error}\n${d.logTail.join('\n')}`);
    all[name].live = { v: `${name}-1`, sha: v1 };
  }

  results.rows = await noContractRows(ctx);
  log('warm rollback latency');
  results.warmRollback = await warmRollback(ctx);
  log('express code-only pushes');
  results.expressCodeOnly = await expressCodeOnly(ctx, results.settings.rounds);
  log('deploy overhead pairs');
  results.overhead = await overheadPairs(ctx, results.settings.pairs);

  results.canaryAfter = canary(E.BENCH_PM2, E.CANARY_DIR);
  results.finishedAt = new Date().toISOString();
  results.machine = machine(E.BENCH_PM2, E.BENCH_NGINX);
  results.table = table(results);
  const file = path.join(E.BENCH_RESULTS, `bluegreen-${results.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(E.BENCH_RESULTS, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(results.table.markdown);
  console.log(`\nresults: ${path.relative(ROOT, file)}`);
  return results.table.allMet ? 0 : 1;
}

function table(r) {
  const rows = [];
  const add = (what, result, goal, met) => rows.push({ what, result, goal, met });
  noContractTable(r.rows, add);
  timingTable(r, add);
  const b = r.canaryBefore, a = r.canaryAfter;
  const same = b.pid === a.pid && b.restarts === a.restarts && b.dirSha256 === a.dirSha256 && a.status === 'online';
  add('Canary tenant: pid, restarts, dir hash', `${b.pid}, ${b.restarts}, ${b.dirSha256} → ${a.pid}, ${a.restarts}, ${a.dirSha256}`, 'unchanged', same ? 'met' : 'missed');
  return markdownTable(rows);
}

runDriver(main, { daemonLog: path.join(WORK, 'daemon.log'), stop: () => topology.stopAll({ loads, daemon, work: WORK, children: nginxChildren }) });

'use strict';
// The watch bench's driver (issue 15), run by bench/watch/run.sh: one bare repository, two no-contract backends
// behind their own nginx (bench/nginx/filmtrip-bluegreen.conf.template, which writes README's JSON access log) under
// BlueGreen and Reload, a static service whose access log the bench writes itself (the memory row), the daemon.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { startDaemon, hookClient } = require('../lib/hook');
const { loadRunner } = require('../lib/loadrun');
const { runDriver } = require('../lib/driver');
const { machine, markdownTable } = require('../lib/measure');
const { gitWork } = require('../lib/gitwork');
const topology = require('../bluegreen/topology');
const rows = require('./rows');

const E = process.env;
const ROOT = E.BENCH_REPO;
const WORK = E.BENCH_WORK;
const SECRET = crypto.randomBytes(32).toString('hex');
const TOKEN = crypto.randomBytes(32).toString('hex');
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}] watch:`, ...a);
const nginxChildren = new Set();
let daemon = null;
let loads = null;

async function main() {
  const settings = { clients: +(E.CLIENTS || 16), rounds: +(E.ROUNDS || 10), watchFor: E.WATCH_FOR || '00:00:20', growMiB: +(E.GROW_MIB || 1024),
    maxErrorRate: 0.05, minRequests: 50 };
  const results = { startedAt: new Date().toISOString(), settings };
  const bare = path.join(WORK, 'watch.git');
  const repo = gitWork(path.join(WORK, 'work'), bare);
  repo.init(WORK);
  const all = {
    'wbg': { sample: 'samples/nocontract/backend', strategy: 'BlueGreen', healthTimeout: '00:00:30', stableFor: '00:00:01', verify: [['node', 'smoke.js']] },
    'wreload': { sample: 'samples/nocontract/backend', strategy: 'Reload', healthTimeout: '00:00:30', stableFor: '00:00:01' },
  };
  topology.seed(ROOT, repo, all);
  repo.write('mem/index.html', 'mem-1\n');
  repo.commit('watch bench v1');
  await topology.start({ root: ROOT, nginx: E.BENCH_NGINX, work: WORK, all, children: nginxChildren });

  const services = topology.config({ work: WORK, bare, pm2Home: E.PM2_HOME, pm2: E.BENCH_PM2, all });
  for (const name of Object.keys(all)) {
    services[name].Watch = { For: name === 'wbg' ? settings.watchFor : '00:05:00', AccessLog: path.join(WORK, 'nginx', name, 'api.access.json.log'),
      MaxErrorRate: settings.maxErrorRate, MinRequests: settings.minRequests };
  }
  // The memory row: a static service (no pm2) watched for long enough to read GROW_MIB of log the bench appends.
  fs.mkdirSync(path.join(WORK, 'mem'), { recursive: true });
  services.mem = { Repository: bare, GitHubRepository: 'acme/mem', Subdirectory: 'mem', Root: path.join(WORK, 'srv', 'mem'),
    Watch: { For: '00:30:00', AccessLog: path.join(WORK, 'mem', 'access.json.log') } };
  fs.writeFileSync(path.join(WORK, 'webhook-secret'), SECRET, { mode: 0o600 });
  fs.writeFileSync(path.join(WORK, 'api-token'), TOKEN, { mode: 0o600 });
  fs.writeFileSync(path.join(WORK, 'hook.json'), JSON.stringify({ Hook: { DataDirectory: path.join(WORK, 'data'),
    WebhookSecretFile: path.join(WORK, 'webhook-secret'), ApiTokenFile: path.join(WORK, 'api-token'), Services: services } }, null, 2));
  // Port 0: the daemon says which port it bound (startDaemon reads it back).
  daemon = await startDaemon({ dll: E.BENCH_DAEMON_DLL, configPath: path.join(WORK, 'hook.json'),
    logPath: path.join(WORK, 'daemon.log'), pidPath: path.join(WORK, 'daemon.pid') });

  const hook = hookClient({ url: daemon.url, secret: SECRET, token: TOKEN, payloadPath: path.join(ROOT, 'samples/github-payloads/push/with-new-branch.payload.json') });
  loads = loadRunner({ root: ROOT, clients: settings.clients, rampMs: 1000, settleMs: 1000 });
  const ctx = { hook, loads, repo, all, log, work: WORK, daemon, settings, counters: {} };

  log('first deploy of every service');
  const v1 = repo.commit('first deploy');
  for (const name of [...Object.keys(all), 'mem']) {
    const d = await hook.waitDeploy((await hook.push(v1, `acme/${name}`)).deploys[name], 600000);
    if (d.deploy.state !== 'succeeded') throw new Error(`first deploy of ${name} ${d.deploy.state}: ${d.deploy.error}\n${d.logTail.join('\n')}`);
  }
  for (const name of Object.keys(all)) all[name].live = `${name}-1`;

  // Each row's figures are written as soon as it ends: a later row that breaks loses only itself.
  const partial = path.join(WORK, 'partial-results.json');
  const keep = () => fs.writeFileSync(partial, JSON.stringify(results, null, 2) + '\n');
  results.bad = {};
  for (const name of ['wbg', 'wreload']) {
    log(`bad release on ${name}`);
    results.bad[name] = await rows.badRelease(ctx, name);
    log(JSON.stringify(results.bad[name]));
    keep();
  }
  log(`${settings.rounds} healthy deploys under load on wbg`);
  results.healthy = await rows.healthyDeploys(ctx, 'wbg', settings.rounds);
  keep();
  log(`memory while the access log grows by ${settings.growMiB} MiB`);
  results.memory = await rows.memoryWhileLogGrows(ctx, 'mem', settings.growMiB);
  log(JSON.stringify(results.memory));

  results.finishedAt = new Date().toISOString();
  results.machine = machine(E.BENCH_PM2, E.BENCH_NGINX);
  results.table = markdownTable(rows.table(results));
  const file = path.join(E.BENCH_RESULTS, `watch-${results.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(E.BENCH_RESULTS, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(results.table.markdown);
  console.log(`\nresults: ${path.relative(ROOT, file)}`);
  return results.table.allMet ? 0 : 1;
}

runDriver(main, { daemonLog: path.join(WORK, 'daemon.log'), stop: () => topology.stopAll({ loads, daemon, work: WORK, children: nginxChildren }) });

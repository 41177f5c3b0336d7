'use strict';
// The bench's scenarios, run by bench/run.sh once nginx, pm2 and the canary are up.
// Starts the daemon (and restarts it for the faults), commits to the bench repository, sends signed
// webhooks and POST /rollback while bench/load.js hits nginx, and prints/writes the table.
// Everything it starts is stopped on exit; the daemon's pid is in $BENCH_WORK/daemon.pid for run.sh's trap.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { sleep, until, request, startDaemon: launchDaemon, stopDaemon: haltDaemon, hookClient } = require('./lib/hook');
const { loadRunner } = require('./lib/loadrun');
const { procStatus, canary: canaryOf, machine: machineOf } = require('./lib/measure');
const { gitWork } = require('./lib/gitwork');

const E = process.env;
const WORK = E.BENCH_WORK;
const ROOT = E.BENCH_REPO;
const PM2 = E.BENCH_PM2;
const DLL = E.BENCH_DAEMON_DLL;
const PORT = { api: +E.API_PORT, web: +E.WEB_PORT, backend: +E.BACKEND_PORT, canary: +E.CANARY_PORT };
const CLIENTS = E.CLIENTS || '16';
const PAIRS = Number(E.PAIRS || 3);
const PUSHES = Number(E.PUSHES || 250);
const FAULTS = E.BENCH_FAULTS !== '0';
const SETTLE_MS = 2500; // after the event: the old workers' last requests land (they exit within 4 s)
const RAMP_MS = 1000; // load ramp-up before the event
const SECRET = crypto.randomBytes(32).toString('hex');
const TOKEN = crypto.randomBytes(32).toString('hex');
const BACKEND_REPO = 'acme/filmtrip';
// Paths keeps a push that changes only backend/ from building the frontend, but the frontend's deploy is still
// queued and recorded (it ends `skipped`): the frontend is matched under its own GitHub name so that one push queues
// one service and each row measures it alone. Same bare repository.
const FRONTEND_REPO = 'acme/filmtrip-web';

const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const loads = loadRunner({ root: ROOT, clients: CLIENTS, rampMs: RAMP_MS, settleMs: SETTLE_MS });
const children = loads.children;
let daemon = null;

// ---------- git ----------
const bare = path.join(WORK, 'filmtrip.git');
const work = path.join(WORK, 'work');
const repo = gitWork(work, bare);
const { write, remove, commit } = repo;
let versionCounter = 1;
function newBackendVersion() { const v = `b${++versionCounter}`; write('backend/VERSION', v + '\n'); return { v, sha: commit(`backend ${v}`) }; }
function newFrontendVersion() { const v = `f${++versionCounter}`; write('frontend/VERSION', v + '\n'); return { v, sha: commit(`frontend ${v}`) }; }

// ---------- daemon ----------
function writeConfig() {
  const srv = path.join(WORK, 'srv');
  const config = { Hook: {
    DataDirectory: path.join(WORK, 'data'), WebhookSecretFile: path.join(WORK, 'webhook-secret'), ApiTokenFile: path.join(WORK, 'api-token'),
    Services: {
      'filmtrip-backend': {
        Repository: bare, GitHubRepository: BACKEND_REPO, Subdirectory: 'backend', Paths: ['backend/**'], Root: path.join(srv, 'backend'),
        SharedFiles: ['.env'],
        Build: [['npm', 'ci', '--omit=dev', '--no-audit', '--no-fund'], ['npm', 'run', 'migrate']],
        Environment: { NODE_ENV: 'production' },
        StepTimeout: '00:02:00',
        Pm2: { App: 'filmtrip-backend', Home: E.PM2_HOME, Executable: PM2 },
        Port: PORT.backend,
        HealthCheck: { Url: `http://127.0.0.1:${PORT.backend}/health`, Timeout: '00:00:30', StableFor: E.STABLE_FOR || '00:00:01' },
        KeepReleases: 5,
      },
      'filmtrip-frontend': {
        Repository: bare, GitHubRepository: FRONTEND_REPO, Subdirectory: 'frontend', Paths: ['frontend/**'], Root: path.join(srv, 'frontend'),
        Build: [['npm', 'ci', '--no-audit', '--no-fund'], ['npm', 'run', 'build']],
        KeepReleases: 5,
      },
    },
  } };
  fs.mkdirSync(path.join(srv, 'backend', 'shared'), { recursive: true });
  fs.writeFileSync(path.join(srv, 'backend', 'shared', '.env'), 'NODE_ENV=production\n');
  fs.writeFileSync(path.join(WORK, 'webhook-secret'), SECRET, { mode: 0o600 });
  fs.writeFileSync(path.join(WORK, 'api-token'), TOKEN, { mode: 0o600 });
  fs.writeFileSync(path.join(WORK, 'hook.json'), JSON.stringify(config, null, 2));
}

async function startDaemon() {
  daemon = await launchDaemon({ dll: DLL, configPath: path.join(WORK, 'hook.json'),
    logPath: path.join(WORK, 'daemon.log'), pidPath: path.join(WORK, 'daemon.pid') });
  return daemon;
}
const stopDaemon = (signal) => haltDaemon(daemon, signal);

// ---------- http ----------
// The daemon binds port 0 at each start (the kill -9 fault restarts it): the client asks it where it is now.
const hook = hookClient({ url: () => daemon.url, secret: SECRET, token: TOKEN,
  payloadPath: path.join(ROOT, 'samples/github-payloads/push/with-new-branch.payload.json') });
const { getJson, deployOf, waitDeploy, statusOf, idle } = hook;
const push = (sha, repository = BACKEND_REPO) => hook.push(sha, repository);
const rollback = (commit, service = 'filmtrip-backend') => hook.rollback(commit, service);
async function served(port = PORT.api, p = '/version') { return (await request('GET', `http://127.0.0.1:${port}${p}`)).text.trim(); }
function frontendServed() { return fs.readFileSync(path.join(WORK, 'srv/frontend/current/dist/index.html'), 'utf8').match(/id="version">([^<]*)</)?.[1]; }

// ---------- load ----------
const urlOf = (target) => (target === 'web' ? `http://127.0.0.1:${PORT.web}/` : `http://127.0.0.1:${PORT.api}/version`);
/** Runs fn while load hits nginx; returns the load's figures plus whatever fn returned. */
const underLoad = (target, keepalive, fn, maxSeconds) => loads.underLoad(urlOf(target), keepalive, fn, maxSeconds);

// ---------- measurements ----------
const canary = () => canaryOf(PM2, E.CANARY_DIR);
/** When the deploy's health step ended (ms since epoch): "healthy". */
function healthyAt(detail) {
  const h = detail.steps.filter((s) => s.name === 'health' && s.succeeded).pop();
  return h ? Date.parse(h.startedAt) + h.durationSeconds * 1000 : NaN;
}

// ---------- scenarios (bench/seed/) ----------
const ctx = { push, rollback, waitDeploy, deployOf, statusOf, idle, served, underLoad, newBackendVersion, newFrontendVersion, healthyAt, log,
  repo, startDaemon, stopDaemon, FRONTEND_REPO, PORT, PAIRS, PUSHES, WORK, ROOT, PM2, bare, work };
const { backendDeploy, frontendDeploy, rollbackRow, tenDeploys } = require('./seed/rows')(ctx);
const { overheadPairs, rollbackLatency, webhookAck } = require('./seed/timing')(ctx);
const { faults } = require('./seed/faults')(ctx);
const { table } = require('./seed/table');

// ---------- main ----------
async function main() {
  const results = { startedAt: new Date().toISOString(), settings: { clients: +CLIENTS, pairs: PAIRS, pushes: PUSHES, stableFor: E.STABLE_FOR || '00:00:01' } };
  repo.init(WORK);
  fs.cpSync(path.join(ROOT, 'samples/filmtrip'), work, { recursive: true, filter: (s) => !/node_modules|\/dist$|MIGRATED$/.test(s) });
  write('backend/VERSION', 'b1\n');
  write('frontend/VERSION', 'f1\n');
  const v1 = commit('FilmTrip v1');
  writeConfig();
  results.canaryBefore = canary();
  await startDaemon();
  await sleep(3000);
  const idleStatus = procStatus(daemon.pid);
  let rssPeakKb = idleStatus.rssKb;
  const sampleRss = () => { try { rssPeakKb = Math.max(rssPeakKb, procStatus(daemon.pid).rssKb); } catch { /* exited */ } };
  const sampler = setInterval(sampleRss, 100);

  log('first deploy of both services');
  const first = [await push(v1), await push(v1, FRONTEND_REPO)];
  for (const p of first) for (const id of Object.values(p.deploys)) {
    const d = await waitDeploy(id);
    if (d.deploy.state !== 'succeeded') throw new Error(`first deploy ${d.deploy.state}: ${d.deploy.error}\n${d.logTail.join('\n')}`);
  }
  await until(async () => { try { return (await served()) === 'b1'; } catch { return false; } }, 30000, 'b1 through nginx');

  const rows = {};
  if (E.ONLY !== 'faults') {
  for (const ka of [true, false]) {
    const k = ka ? 'on' : 'off';
    log(`backend deploy, keep-alive ${k}`); rows[`backendDeploy_${k}`] = await backendDeploy(ka);
    log(`frontend deploy, keep-alive ${k}`); rows[`frontendDeploy_${k}`] = await frontendDeploy(ka);
  }
  // Rollback rows: to the release before the live one, then forward again (both kept releases).
  for (const ka of [true, false]) {
    const k = ka ? 'on' : 'off';
    const prev = newBackendVersion(); await waitDeploy((await push(prev.sha)).deploys['filmtrip-backend']);
    const cur = newBackendVersion(); await waitDeploy((await push(cur.sha)).deploys['filmtrip-backend']);
    log(`rollback, keep-alive ${k}`); rows[`rollback_${k}`] = await rollbackRow(ka, prev.sha, prev.v);
  }
  for (const ka of [true, false]) {
    const k = ka ? 'on' : 'off';
    log(`ten back-to-back deploys, keep-alive ${k}`); rows[`tenDeploys_${k}`] = await tenDeploys(ka);
  }
  results.rows = rows;
  results.daemonRss = { idleKb: idleStatus.rssKb };

  log('deploy overhead, paired with a plain script');
  results.overhead = await overheadPairs();

  log('rollback latency vs bare pm2 reload');
  const a = newBackendVersion(); await waitDeploy((await push(a.sha)).deploys['filmtrip-backend']);
  const b = newBackendVersion(); await waitDeploy((await push(b.sha)).deploys['filmtrip-backend']);
  results.rollbackLatency = await rollbackLatency(a, b);

  log(`webhook ack latency over ${PUSHES} pushes during a deploy`);
  results.webhookAck = await webhookAck(sampleRss);
  clearInterval(sampler);
  const hwm = procStatus(daemon.pid);
  results.daemonRss = { idleKb: idleStatus.rssKb, peakSampledKb: rssPeakKb, vmHwmKb: hwm.hwmKb, nowKb: hwm.rssKb };
  }

  if (FAULTS) { log('faults'); results.faults = await faults(); }
  results.canaryAfter = canary();
  results.finishedAt = new Date().toISOString();
  results.machine = machine();
  results.table = table(results);
  const file = path.join(E.BENCH_RESULTS, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(E.BENCH_RESULTS, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(results.table.markdown);
  console.log(`\nresults: ${path.relative(ROOT, file)}`);
  return results.table.allMet ? 0 : 1;
}

const machine = () => machineOf(PM2, E.BENCH_NGINX);

async function shutdown(code) {
  for (const c of children) c.kill('SIGINT');
  await stopDaemon();
  process.exit(code);
}
process.on('SIGINT', () => shutdown(130));
process.on('SIGTERM', () => shutdown(143));
main().then((code) => shutdown(code), async (e) => { console.error(e.stack || e); try { console.error(fs.readFileSync(path.join(WORK, 'daemon.log'), 'utf8').split('\n').slice(-30).join('\n')); } catch { /* none */ } await shutdown(2); });

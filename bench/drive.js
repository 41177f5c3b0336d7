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
const { median, pct, procStatus, timed, canary: canaryOf, machine: machineOf, markdownTable } = require('./lib/measure');
const { git, gitWork } = require('./lib/gitwork');

const E = process.env;
const WORK = E.BENCH_WORK;
const ROOT = E.BENCH_REPO;
const PM2 = E.BENCH_PM2;
const DLL = E.BENCH_DAEMON_DLL;
const PORT = { api: +E.API_PORT, web: +E.WEB_PORT, backend: +E.BACKEND_PORT, hook: +E.HOOK_PORT, canary: +E.CANARY_PORT };
const CLIENTS = E.CLIENTS || '16';
const PAIRS = Number(E.PAIRS || 3);
const PUSHES = Number(E.PUSHES || 250);
const FAULTS = E.BENCH_FAULTS !== '0';
const SETTLE_MS = 2500; // after the event: the old workers' last requests land (they exit within 4 s)
const RAMP_MS = 1000; // load ramp-up before the event
const HOOK = `http://127.0.0.1:${PORT.hook}`;
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
  daemon = await launchDaemon({ dll: DLL, configPath: path.join(WORK, 'hook.json'), url: HOOK,
    logPath: path.join(WORK, 'daemon.log'), pidPath: path.join(WORK, 'daemon.pid') });
  return daemon;
}
const stopDaemon = (signal) => haltDaemon(daemon, signal);

// ---------- http ----------
const hook = hookClient({ url: HOOK, secret: SECRET, token: TOKEN,
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

// ---------- scenarios ----------
async function backendDeploy(keepalive) {
  const { v, sha } = newBackendVersion();
  const r = await underLoad('api', keepalive, async () => {
    const p = await push(sha);
    const d = await waitDeploy(p.deploys['filmtrip-backend']);
    return { state: d.deploy.state, version: v };
  });
  r.ok = r.info.state === 'succeeded' && (await served()) === v;
  return r;
}
async function frontendDeploy(keepalive) {
  const { v, sha } = newFrontendVersion();
  const r = await underLoad('web', keepalive, async () => {
    const p = await push(sha, FRONTEND_REPO);
    const d = await waitDeploy(p.deploys['filmtrip-frontend']);
    return { state: d.deploy.state, version: v };
  });
  r.ok = r.info.state === 'succeeded' && (await served(PORT.web, '/')).includes(`>${v}<`);
  return r;
}
async function rollbackRow(keepalive, toSha, toVersion) {
  const r = await underLoad('api', keepalive, async () => {
    const id = await rollback(toSha);
    const d = await waitDeploy(id);
    return { state: d.deploy.state, version: toVersion, instant: d.steps.every((s) => !s.name.startsWith('build')) };
  });
  r.ok = r.info.state === 'succeeded' && (await served()) === toVersion && r.info.instant;
  return r;
}
async function tenDeploys(keepalive) {
  const r = await underLoad('api', keepalive, async () => {
    const states = [];
    for (let i = 0; i < 10; i++) {
      const { sha } = newBackendVersion();
      const p = await push(sha);
      states.push((await waitDeploy(p.deploys['filmtrip-backend'])).deploy.state);
    }
    return { states };
  }, 600);
  r.ok = r.info.states.every((s) => s === 'succeeded');
  return r;
}

async function overheadPairs() {
  const plain = path.join(WORK, 'plain');
  git(WORK, 'clone', '-q', bare, plain);
  const pairs = [];
  for (let i = 0; i < PAIRS; i++) {
    const runDaemon = async () => {
      const { sha } = newBackendVersion();
      const t0 = Date.now();
      const p = await push(sha);
      const d = await waitDeploy(p.deploys['filmtrip-backend']);
      if (d.deploy.state !== 'succeeded') throw new Error(`overhead deploy ${d.deploy.state}: ${d.deploy.error}`);
      const stable = d.steps.find((s) => s.name === 'health');
      return { ms: healthyAt(d) - t0, steps: d.steps.map((s) => [s.name, +s.durationSeconds.toFixed(3)]), healthStepMs: stable.durationSeconds * 1000 };
    };
    const runPlain = async () => {
      const { sha } = newBackendVersion();
      const ms = timed(path.join(ROOT, 'bench/plain-deploy.sh'), [plain, sha, `http://127.0.0.1:${PORT.backend}/health`],
        { PM2: PM2, PORT: String(PORT.backend), NODE_ENV: 'production' });
      return { ms };
    };
    // Alternate which goes first, so drift (caches, CPU) does not favour one side.
    let d, s;
    if (i % 2 === 0) { d = await runDaemon(); s = await runPlain(); } else { s = await runPlain(); d = await runDaemon(); }
    pairs.push({ daemonMs: Math.round(d.ms), plainMs: Math.round(s.ms), ratio: +(d.ms / s.ms).toFixed(3), daemonSteps: d.steps, healthStepMs: Math.round(d.healthStepMs) });
    log(`overhead pair ${i + 1}: daemon ${Math.round(d.ms)} ms, plain ${Math.round(s.ms)} ms`);
  }
  await idle('filmtrip-backend');
  return { pairs, medianRatio: +median(pairs.map((p) => p.ratio)).toFixed(3),
    medianDaemonMs: median(pairs.map((p) => p.daemonMs)), medianPlainMs: median(pairs.map((p) => p.plainMs)) };
}

/** POST /rollback to a kept release until every answer through nginx is the old version, vs a bare pm2 reload. */
async function rollbackLatency(a, b) {
  const samples = [];
  let target = a;
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    const id = await rollback(target.sha);
    let first = null, streak = 0;
    await until(async () => {
      const v = await served();
      if (v === target.v) { first ??= Date.now(); streak++; } else streak = 0;
      return streak >= 20; // 20 answers in a row from the kept release: both workers serve it
    }, 60000, 'the kept version served');
    const all = Date.now() - t0 - 0;
    const d = await waitDeploy(id);
    samples.push({ firstMs: first - t0, allMs: all, state: d.deploy.state });
    target = target === a ? b : a;
  }
  await idle('filmtrip-backend');
  const bare = [];
  for (let i = 0; i < 3; i++) bare.push(timed(PM2, ['reload', 'filmtrip-backend', '--no-color'], {}));
  return { samples, bareReloadMs: bare.map(Math.round), medianRollbackMs: median(samples.map((s) => s.allMs)),
    medianFirstMs: median(samples.map((s) => s.firstMs)), medianBareMs: Math.round(median(bare)), endVersion: target === a ? b.v : a.v };
}

async function webhookAck(sampleRss) {
  const { sha } = newBackendVersion();
  const p = await push(sha);
  await until(async () => (await deployOf(p.deploys['filmtrip-backend'])).deploy.state === 'running', 30000, 'the deploy running');
  const ms = [];
  let duringDeploy = 0;
  for (let i = 0; i < PUSHES; i++) {
    const r = await push(sha);
    ms.push(r.ms);
    if (i % 25 === 0) sampleRss();
  }
  duringDeploy = (await deployOf(p.deploys['filmtrip-backend'])).deploy.state === 'running' ? PUSHES : 'some after the first deploy ended';
  await idle('filmtrip-backend');
  return { n: ms.length, p50: +pct(ms, 50).toFixed(1), p99: +pct(ms, 99).toFixed(1), max: +Math.max(...ms).toFixed(1), stillRunningAtEnd: duringDeploy };
}

// ---------- faults (each under keep-alive load on the API) ----------
async function fault(name, expectState, fn) {
  log(`fault: ${name}`);
  const before = await statusOf('filmtrip-backend');
  const versionBefore = await served();
  const r = await underLoad('api', true, fn);
  const after = await statusOf('filmtrip-backend');
  r.expected = expectState;
  r.state = r.info.state;
  r.currentUnchanged = before.current.releaseId === after.current.releaseId && (await served()) === versionBefore;
  r.statusState = after.lastDeploy?.state;
  r.ok = r.info.ok ?? (r.state === expectState && r.statusState === expectState && (r.info.keepsCurrent === false || r.currentUnchanged));
  return r;
}
async function faults() {
  const out = {};
  out.failingBuild = await fault('failing build', 'failed', async () => {
    const migrate = fs.readFileSync(path.join(work, 'backend/migrate.js'), 'utf8');
    write('backend/migrate.js', "console.error('migration failed'); process.exit(1);\n");
    const sha = commit('broken migration');
    write('backend/migrate.js', migrate);
    const d = await waitDeploy((await push(sha)).deploys['filmtrip-backend']);
    return { state: d.deploy.state, error: d.deploy.error };
  });
  commit('fix migration');

  out.crashOnStart = await fault('crash on start', 'rolled_back', async () => {
    write('backend/CRASH_ON_START', 'yes\n');
    const sha = commit('crash on start');
    remove('backend/CRASH_ON_START');
    const d = await waitDeploy((await push(sha)).deploys['filmtrip-backend']);
    return { state: d.deploy.state, error: d.deploy.error };
  });
  commit('no crash');

  out.unreachableRemote = await fault('unreachable git remote', 'failed', async () => {
    const { sha } = newBackendVersion();
    fs.renameSync(bare, bare + '.away');
    try {
      const d = await waitDeploy((await push(sha)).deploys['filmtrip-backend']);
      return { state: d.deploy.state, error: d.deploy.error };
    } finally { fs.renameSync(bare + '.away', bare); }
  });

  out.kill9DuringBuild = await fault('kill -9 during build, restart', 'interrupted', async () => {
    const migrate = fs.readFileSync(path.join(work, 'backend/migrate.js'), 'utf8');
    write('backend/migrate.js', `setTimeout(() => {}, 6000);\n${migrate}`); // a 6 s migration to kill the daemon in
    const sha = commit('slow migration');
    write('backend/migrate.js', migrate);
    const id = (await push(sha)).deploys['filmtrip-backend'];
    await until(async () => (await statusOf('filmtrip-backend')).running?.step === 'build: npm run migrate', 30000, 'the migrate step');
    const releaseDir = (await deployOf(id)).deploy.releaseId;
    await stopDaemon('SIGKILL');
    await startDaemon();
    const d = await waitDeploy(id);
    // The orphaned `npm run migrate` ends on its own within 6 s; wait for it so it cannot touch anything later.
    await sleep(6500);
    return { state: d.deploy.state, error: d.deploy.error, halfBuiltReleaseRemoved: !fs.existsSync(path.join(WORK, 'srv/backend/releases', releaseDir)) };
  });
  out.kill9DuringBuild.ok = out.kill9DuringBuild.ok && out.kill9DuringBuild.info.halfBuiltReleaseRemoved;
  commit('fast migration');

  // A kept release to roll back to, then a push sent while that rollback runs: both complete, in order.
  const kept = newBackendVersion();
  await waitDeploy((await push(kept.sha)).deploys['filmtrip-backend']);
  const live = newBackendVersion();
  await waitDeploy((await push(live.sha)).deploys['filmtrip-backend']);
  out.pushDuringRollback = await fault('push during a rollback', 'succeeded', async () => {
    const rb = await rollback(kept.sha);
    await until(async () => (await deployOf(rb)).deploy.state === 'running', 30000, 'the rollback running');
    const next = newBackendVersion();
    const pushedWhile = (await deployOf(rb)).deploy.state;
    const pid = (await push(next.sha)).deploys['filmtrip-backend'];
    const r = await waitDeploy(rb);
    const p = await waitDeploy(pid);
    const inOrder = Date.parse(p.deploy.startedAt) >= Date.parse(r.deploy.finishedAt);
    const v = await served();
    return { state: p.deploy.state, rollbackState: r.deploy.state, pushSentWhileRollback: pushedWhile, inOrder, servedVersion: v,
      ok: r.deploy.state === 'succeeded' && p.deploy.state === 'succeeded' && inOrder && v === next.v, keepsCurrent: false };
  });
  return out;
}

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

function table(r) {
  const rows = [];
  const add = (what, result, goal, met) => rows.push({ what, result, goal, met });
  const loadRow = (what, x) => add(what, `${x.failed} / ${x.total} failed, ${x.rps} req/s${x.ok ? '' : ' (WRONG END STATE)'}`,
    '0 failed at ≥2,000 req/s', x.failed === 0 && x.ok && x.rps >= 2000 ? 'met' : x.failed === 0 && x.ok ? 'missed (rate)' : 'missed');
  const names = { backendDeploy: 'Backend deploy', frontendDeploy: 'Frontend deploy', rollback: 'Rollback to a kept release', tenDeploys: '10 back-to-back backend deploys' };
  if (r.overhead) {
  for (const [key, label] of Object.entries(names))
    for (const k of ['on', 'off']) loadRow(`${label}, keep-alive ${k}`, r.rows[`${key}_${k}`]);
  const o = r.overhead;
  add(`Deploy overhead (median of ${o.pairs.length} pairs)`, `${o.medianRatio.toFixed(2)} (daemon ${(o.medianDaemonMs / 1000).toFixed(2)} s vs script ${(o.medianPlainMs / 1000).toFixed(2)} s)`,
    '≤ 1.10', o.medianRatio <= 1.10 ? 'met' : 'missed');
  const l = r.rollbackLatency;
  add('Rollback latency to a kept release', `${(l.medianRollbackMs / 1000).toFixed(2)} s (first old answer ${(l.medianFirstMs / 1000).toFixed(2)} s) vs bare pm2 reload ${(l.medianBareMs / 1000).toFixed(2)} s`,
    '≤ bare reload + 1 s', l.medianRollbackMs <= l.medianBareMs + 1000 ? 'met' : 'missed');
  const w = r.webhookAck;
  add(`Webhook ack latency (${w.n} pushes during a deploy)`, `p50 ${w.p50} ms, p99 ${w.p99} ms`, 'p99 ≤ 50 ms', w.p99 <= 50 ? 'met' : 'missed');
  const m = r.daemonRss;
  add('Daemon RSS idle / peak during deploys', `${(m.idleKb / 1024).toFixed(0)} MiB / ${(Math.max(m.peakSampledKb, m.vmHwmKb) / 1024).toFixed(0)} MiB (VmHWM)`, 'reported', '—');
  }
  if (r.faults) {
    const f = r.faults;
    const faultRow = (what, x, shows) => add(`Fault: ${what}`, `${shows}; ${x.failed} / ${x.total} failed, ${x.rps} req/s`,
      '0 failed, right state', x.failed === 0 && x.ok ? 'met' : 'missed');
    faultRow('failing build', f.failingBuild, `${f.failingBuild.state}, current ${f.failingBuild.currentUnchanged ? 'unchanged' : 'CHANGED'}`);
    faultRow('backend crashes on start', f.crashOnStart, `${f.crashOnStart.state}, current ${f.crashOnStart.currentUnchanged ? 'unchanged' : 'CHANGED'}`);
    faultRow('unreachable git remote', f.unreachableRemote, `${f.unreachableRemote.state}, current ${f.unreachableRemote.currentUnchanged ? 'unchanged' : 'CHANGED'}`);
    faultRow('kill -9 during build, restart', f.kill9DuringBuild, `${f.kill9DuringBuild.state}, current ${f.kill9DuringBuild.currentUnchanged ? 'unchanged' : 'CHANGED'}`);
    const p = f.pushDuringRollback.info;
    faultRow('push during a rollback', f.pushDuringRollback, `rollback ${p.rollbackState} then push ${p.state}${p.inOrder ? ', in order' : ', OUT OF ORDER'}`);
  }
  const b = r.canaryBefore, a = r.canaryAfter;
  const same = b.pid === a.pid && b.restarts === a.restarts && b.dirSha256 === a.dirSha256 && a.status === 'online';
  add('Canary tenant: pid, restarts, dir hash', `${b.pid}, ${b.restarts}, ${b.dirSha256} → ${a.pid}, ${a.restarts}, ${a.dirSha256}`, 'unchanged', same ? 'met' : 'missed');
  return markdownTable(rows);
}

async function shutdown(code) {
  for (const c of children) c.kill('SIGINT');
  await stopDaemon();
  process.exit(code);
}
process.on('SIGINT', () => shutdown(130));
process.on('SIGTERM', () => shutdown(143));
main().then((code) => shutdown(code), async (e) => { console.error(e.stack || e); try { console.error(fs.readFileSync(path.join(WORK, 'daemon.log'), 'utf8').split('\n').slice(-30).join('\n')); } catch { /* none */ } await shutdown(2); });

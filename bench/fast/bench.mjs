// Driver for bench/fast-deploy.sh (which sets up the daemon, pm2 and the bare repository and cleans up).
// Commits and pushes to the bare repository, sends the signed webhook as GitHub would, follows every deploy of
// the push through GET /deploys/{id}, and reports webhook received -> healthy per scenario.
import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: Object.fromEntries(
    ['api', 'secret-file', 'token-file', 'clone', 'bare', 'pm2', 'pm2-app', 'backend-url', 'frontend-root', 'payload', 'rounds', 'out']
      .map((k) => [k, { type: 'string' }])),
});
const rounds = Number(opt.rounds ?? 3);
const secret = readFileSync(opt['secret-file'], 'utf8');
// GET /deploys needs the API token (Hook:RequireTokenForStatus defaults to true).
const token = readFileSync(opt['token-file'], 'utf8').trim();
const DEPLOY_DEADLINE_MS = 300_000;
const POLL_MS = 100;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const git = (...args) => execFileSync('git', ['-C', opt.clone, ...args], { encoding: 'utf8' }).trim();
const file = (rel) => path.join(opt.clone, rel);
const bump = (rel) => { const n = Number(readFileSync(file(rel), 'utf8').trim()) + 1; writeFileSync(file(rel), `${n}\n`); return String(n); };

function commitAndPush(message) {
  git('add', '-A');
  git('-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', message);
  git('push', '-q', opt.bare, 'HEAD:refs/heads/main');
  return git('rev-parse', 'HEAD');
}

// Changes for each scenario. Each one touches only its service's directory.
const changes = {
  // The dependency files change (the package's own version in package.json and package-lock.json), so npm ci runs.
  'backend-cold': (i) => {
    for (const rel of ['backend/package.json', 'backend/package-lock.json']) {
      const json = JSON.parse(readFileSync(file(rel), 'utf8'));
      json.version = `1.0.${i + 1}`;
      if (json.packages?.['']) json.packages[''].version = json.version;
      writeFileSync(file(rel), JSON.stringify(json, null, 2) + '\n');
    }
    return bump('backend/VERSION');
  },
  // Code only: VERSION, and every other time a .js file too.
  'backend-code': (i) => {
    if (i % 2 === 1) writeFileSync(file('backend/migrate.js'), readFileSync(file('backend/migrate.js'), 'utf8') + `// change ${i}\n`);
    return bump('backend/VERSION');
  },
  'frontend-code': (i) => {
    if (i % 2 === 1) writeFileSync(file('frontend/src/trips.ts'), readFileSync(file('frontend/src/trips.ts'), 'utf8') + `// change ${i}\n`);
    return bump('frontend/VERSION');
  },
};

async function sendWebhook(sha) {
  const payload = JSON.parse(readFileSync(opt.payload, 'utf8'));
  payload.ref = 'refs/heads/main';
  payload.after = sha;
  payload.repository.full_name = 'acme/filmtrip';
  const body = JSON.stringify(payload);
  const signature = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
  const res = await fetch(`${opt.api}/webhooks/github`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': randomUUID(), 'X-Hub-Signature-256': signature },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  return (await res.json()).deploys;
}

async function follow(id) {
  const end = Date.now() + DEPLOY_DEADLINE_MS;
  for (;;) {
    const d = await (await fetch(`${opt.api}/deploys/${id}`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) })).json();
    if (!['queued', 'running'].includes(d.deploy.state)) return { detail: d, seenAt: performance.now() };
    if (Date.now() > end) throw new Error(`deploy ${id} still ${d.deploy.state} after ${DEPLOY_DEADLINE_MS / 1000}s`);
    await sleep(POLL_MS);
  }
}

function backendPids() {
  const list = JSON.parse(execFileSync(opt.pm2, ['jlist'], { encoding: 'utf8', env: { ...process.env } }));
  return list.filter((p) => p.name === opt['pm2-app']).map((p) => `${p.pm_id}:${p.pid}`).sort().join(',');
}

const ms = (t) => new Date(t).getTime();
/** Webhook received -> healthy from the daemon's own record: queuedAt to the end of the health step (else finishedAt). */
function receivedToHealthy(d) {
  const health = d.steps.findLast((s) => s.name === 'health');
  const end = health ? ms(health.startedAt) + health.durationSeconds * 1000 : ms(d.deploy.finishedAt);
  return (end - ms(d.deploy.queuedAt)) / 1000;
}

const results = [];
const checks = [];
async function run(scenario, i, service, change) {
  const version = change(i);
  const sha = commitAndPush(`${scenario} ${i}`);
  const pidsBefore = backendPids();
  const t0 = performance.now();
  const deploys = await sendWebhook(sha);
  const followed = Object.fromEntries(await Promise.all(deploys.map(async (d) => [d.service, await follow(d.deployId)])));
  const pidsAfter = backendPids();
  const mine = followed[service];
  if (!mine) throw new Error(`${scenario}: the push queued no ${service} deploy (${JSON.stringify(deploys)})`);
  const d = mine.detail;
  const other = Object.entries(followed).filter(([s]) => s !== service).map(([s, f]) => ({ service: s, state: f.detail.deploy.state, error: f.detail.deploy.error }));

  // Is the new version really what is served?
  let serving;
  if (service === 'backend') {
    // Connection: close, so that no idle socket of the bench's own keeps an old worker draining at the next reload.
    serving = (await (await fetch(`${opt['backend-url']}/version`, { headers: { Connection: 'close' } })).text()).trim();
  }
  else serving = /id="version">([^<]*)</.exec(readFileSync(path.join(opt['frontend-root'], 'current', 'dist', 'index.html'), 'utf8'))?.[1];

  const r = {
    scenario, round: i, commit: sha, state: d.deploy.state, error: d.deploy.error,
    receivedToHealthySeconds: receivedToHealthy(d),
    queuedToFinishedSeconds: (ms(d.deploy.finishedAt) - ms(d.deploy.queuedAt)) / 1000,
    wallClockSeconds: (mine.seenAt - t0) / 1000,
    steps: d.steps.map((s) => ({ name: s.name, seconds: s.durationSeconds, succeeded: s.succeeded })),
    otherServices: other, expectedVersion: version, servingVersion: serving,
    backendPidsBefore: pidsBefore, backendPidsAfter: pidsAfter,
  };
  results.push(r);
  const fail = (what) => { checks.push({ scenario, round: i, ok: false, what }); console.error(`  CHECK FAILED: ${what}`); };
  const pass = (what) => checks.push({ scenario, round: i, ok: true, what });
  (r.state === 'succeeded' ? pass : fail)(`${service} deploy succeeded (was ${r.state}${r.error ? ': ' + r.error : ''})`);
  (serving === version ? pass : fail)(`${service} serves version ${version} (serves ${serving})`);
  for (const o of other) {
    if (scenario === 'first') continue;
    (o.state === 'skipped' ? pass : fail)(`${o.service} deploy record is skipped (was ${o.state})`);
  }
  if (scenario === 'frontend-code') (pidsBefore === pidsAfter && pidsBefore !== '' ? pass : fail)(`backend pm2 pids unchanged (${pidsBefore} -> ${pidsAfter})`);
  if (scenario.startsWith('backend')) (pidsBefore !== pidsAfter ? pass : fail)(`backend pm2 pids replaced by the reload (${pidsBefore} -> ${pidsAfter})`);
  const dep = r.steps.find((s) => s.name.startsWith('build: npm ci')) ? 'npm ci' : 'hard links';
  console.error(`  ${scenario.padEnd(14)} #${i} ${r.state.padEnd(9)} received->healthy ${r.receivedToHealthySeconds.toFixed(2)}s ` +
    `(wall ${r.wallClockSeconds.toFixed(2)}s, deps: ${dep}) ${r.steps.map((s) => `${s.name} ${s.seconds.toFixed(2)}`).join(' | ')}`);
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const round2 = (x) => Math.round(x * 100) / 100;
function summarize(scenario) {
  const rs = results.filter((r) => r.scenario === scenario);
  const xs = rs.map((r) => r.receivedToHealthySeconds);
  const stepNames = [...new Set(rs.flatMap((r) => r.steps.map((s) => s.name)))];
  return {
    scenario, n: rs.length,
    medianSeconds: round2(median(xs)), minSeconds: round2(Math.min(...xs)), maxSeconds: round2(Math.max(...xs)),
    wallClockMedianSeconds: round2(median(rs.map((r) => r.wallClockSeconds))),
    medianStepSeconds: Object.fromEntries(stepNames.map((n) => [n, round2(median(rs.map((r) => r.steps.find((s) => s.name === n)?.seconds ?? 0)))])),
  };
}

const startedAt = new Date().toISOString();
const loadBefore = os.loadavg();
console.error('fast-deploy: first deploy (both services, cold)');
// The first push deploys both services; it is measured for the backend, the frontend's figure is recorded too.
{
  const sha = commitAndPush('first');
  const t0 = performance.now();
  const deploys = await sendWebhook(sha);
  const followed = await Promise.all(deploys.map(async (d) => [d.service, await follow(d.deployId), d]));
  for (const [service, f] of followed) {
    const d = f.detail;
    results.push({
      scenario: `first-${service}`, round: 0, commit: sha, state: d.deploy.state, error: d.deploy.error,
      receivedToHealthySeconds: receivedToHealthy(d), queuedToFinishedSeconds: (ms(d.deploy.finishedAt) - ms(d.deploy.queuedAt)) / 1000,
      wallClockSeconds: (f.seenAt - t0) / 1000, steps: d.steps.map((s) => ({ name: s.name, seconds: s.durationSeconds, succeeded: s.succeeded })),
    });
    console.error(`  first-${service.padEnd(8)} ${d.deploy.state.padEnd(9)} received->healthy ${receivedToHealthy(d).toFixed(2)}s ${d.steps.map((s) => `${s.name} ${s.durationSeconds.toFixed(2)}`).join(' | ')}`);
    if (d.deploy.state !== 'succeeded') throw new Error(`first deploy of ${service} ${d.deploy.state}: ${d.deploy.error}`);
  }
}

// Interleaved: each round runs the three scenarios, in an order rotated per round.
const plan = [['backend-cold', 'backend'], ['backend-code', 'backend'], ['frontend-code', 'frontend']];
for (let i = 1; i <= rounds; i++) {
  console.error(`fast-deploy: round ${i}/${rounds}`);
  for (let k = 0; k < plan.length; k++) {
    const [scenario, service] = plan[(k + i - 1) % plan.length];
    await run(scenario, i, service, changes[scenario]);
  }
}

const summary = ['first-backend', 'backend-cold', 'backend-code', 'frontend-code', 'first-frontend'].map(summarize);
const goal = summary.find((s) => s.scenario === 'backend-code');
const pidCheck = checks.filter((c) => c.what.startsWith('backend pm2 pids unchanged'));
const report = {
  startedAt, finishedAt: new Date().toISOString(), rounds,
  machine: {
    nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model, memoryGiB: round2(os.totalmem() / 2 ** 30),
    loadAverageBefore: loadBefore.map(round2), loadAverageAfter: os.loadavg().map(round2),
    node: process.version,
    npm: execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim(),
    pm2: execFileSync(opt.pm2, ['--version'], { encoding: 'utf8' }).trim().split('\n').pop(),
  },
  goal: {
    backendCodeOnlyHealthyWithinSeconds: 10,
    backendCodeOnlyMedianSeconds: goal.medianSeconds, backendCodeOnlyMaxSeconds: goal.maxSeconds,
    backendCodeOnlyMet: goal.maxSeconds <= 10,
    frontendOnlyLeavesBackendPids: pidCheck.length > 0 && pidCheck.every((c) => c.ok),
  },
  summary, checks, results,
};
writeFileSync(opt.out, JSON.stringify(report, null, 2) + '\n');

const label = {
  'first-backend': 'backend, first deploy (npm ci)', 'backend-cold': 'backend, lockfile changed (npm ci)',
  'backend-code': 'backend, code only (hard links)', 'frontend-code': 'frontend, code only (hard links + vite)',
  'first-frontend': 'frontend, first deploy (npm ci + vite)',
};
console.log('\nwebhook received -> healthy (seconds; from the deploy record: queuedAt -> end of the health step)\n');
console.log('| scenario | n | median | min | max | wall clock median |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const s of summary) console.log(`| ${label[s.scenario]} | ${s.n} | ${s.medianSeconds.toFixed(2)} | ${s.minSeconds.toFixed(2)} | ${s.maxSeconds.toFixed(2)} | ${s.wallClockMedianSeconds.toFixed(2)} |`);
console.log('\nmedian step durations (seconds)\n');
for (const s of summary) console.log(`  ${s.scenario.padEnd(15)} ${Object.entries(s.medianStepSeconds).map(([n, v]) => `${n} ${v.toFixed(2)}`).join(' | ')}`);
const failed = checks.filter((c) => !c.ok);
console.log(`\nchecks: ${checks.length - failed.length}/${checks.length} passed${failed.length ? ': FAILED ' + failed.map((c) => `${c.scenario}#${c.round} ${c.what}`).join('; ') : ''}`);
console.log(`goal: code-only backend push healthy in <= 10 s: ${report.goal.backendCodeOnlyMet ? 'met' : 'MISSED'} (median ${goal.medianSeconds}s, max ${goal.maxSeconds}s); ` +
  `frontend-only push leaves backend pm2 pids: ${report.goal.frontendOnlyLeavesBackendPids ? 'untouched' : 'CHANGED'}`);
console.log(`machine: ${report.machine.nproc} cores, ${report.machine.cpu}, ${report.machine.memoryGiB} GiB, load average ${report.machine.loadAverageBefore.join('/')} before, ${report.machine.loadAverageAfter.join('/')} after; node ${report.machine.node}, npm ${report.machine.npm}, pm2 ${report.machine.pm2}`);
process.exitCode = failed.length ? 1 : 0;

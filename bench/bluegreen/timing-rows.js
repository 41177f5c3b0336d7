'use strict';
// The timing goals of issue 10, each against a BlueGreen service through its nginx:
// - warm rollback: POST /rollback to the release the warm color runs → the old version is served: the time of the
//   first of 20 answers in a row from it (each probe a new connection, 50 ms apart: the 20 confirm, their own
//   pacing of about 1 s is not the rollback's and is reported beside it as "20th answer");
// - code-only push of the Express sample → its new version answers through nginx;
// - deploy overhead: webhook → new version through nginx, against bench/plain-deploy.sh doing the same steps by
//   hand (git, npm ci, migrate, pm2 reload, curl) on a pm2 app of its own; StableFor reported beside it.
const path = require('path');
const { execFileSync } = require('child_process');
const { until, sleep } = require('../lib/hook');
const { median, timed } = require('../lib/measure');
const { DRAIN } = require('./topology');

/** Polls nginx with a new connection each time until it answers `version`; ms since t0. */
async function servedAt(ctx, apiUrl, version, t0) {
  await until(async () => (await ctx.served(apiUrl)) === version, 120000, `${version} through nginx`);
  return Date.now() - t0;
}

const stepSeconds = (d, prefix) => d.steps.filter((s) => s.name.startsWith(prefix)).reduce((a, s) => a + s.durationSeconds, 0);

async function warmRollback(ctx, samples = 3) {
  const name = 'nc-bg';
  const s = ctx.all[name];
  const out = [];
  for (let i = 0; i < samples; i++) {
    const to = s.previous;
    const t0 = Date.now();
    const id = await ctx.hook.rollback(to.sha, name);
    let first = null, streakStart = null, streak = 0;
    await until(async () => {
      const v = await ctx.served(s.nginx.apiUrl);
      const answered = Date.now();
      if (v === to.v) { first ??= answered; if (streak++ === 0) streakStart = answered; } else streak = 0;
      return streak >= 20;
    }, 60000, `${to.v} through nginx`);
    const allMs = Date.now() - t0;
    const d = await ctx.hook.waitDeploy(id);
    out.push({ servedMs: streakStart - t0, firstMs: first - t0, allMs, state: d.deploy.state,
      steps: d.steps.map((x) => [x.name, +x.durationSeconds.toFixed(3)]) });
    if (d.deploy.state === 'succeeded') [s.previous, s.live] = [s.live, to];
    await ctx.hook.idle(name);
  }
  return { samples: out, medianServedMs: median(out.map((x) => x.servedMs)), medianAllMs: median(out.map((x) => x.allMs)),
    medianFirstMs: median(out.map((x) => x.firstMs)),
    allSucceeded: out.every((x) => x.state === 'succeeded') };
}

/**
 * A push that comes less than Drain after the previous switch waits, by design, until the idle color it will replace
 * has drained. Pushes minutes apart never meet that wait; rows whose pushes are seconds apart call wait() before each
 * push (it waits out the rest of Drain and returns how long) and switched(at) once the push's version is served, so
 * they measure a push that finds the idle color drained.
 */
function drainSpacing() {
  const drainMs = DRAIN.split(':').reduce((a, part) => a * 60 + Number(part), 0) * 1000;
  let switchedAt = null;
  return {
    async wait() {
      const ms = switchedAt === null ? 0 : Math.max(0, switchedAt + drainMs + 100 - Date.now());
      await sleep(ms);
      return ms;
    },
    switched(at) { switchedAt = at; },
  };
}

async function expressCodeOnly(ctx, rounds) {
  const name = 'express-bg';
  const s = ctx.all[name];
  const out = [];
  const spacing = drainSpacing(); // the wait is reported as waitedMs
  for (let i = 0; i < rounds; i++) {
    const waitedMs = await spacing.wait();
    // Code only: VERSION, and every other round a .js file too; the lockfile never changes, so npm ci is skipped.
    if (i % 2 === 1) ctx.repo.write(`${name}/migrate.js`, ctx.repo.read(`${name}/migrate.js`) + `// change ${i}\n`);
    const to = ctx.nextVersion(name, `code-only ${name}`);
    const t0 = Date.now();
    const id = (await ctx.hook.push(to.sha, `acme/${name}`)).deploys[name];
    const ms = await servedAt(ctx, s.nginx.apiUrl, to.v, t0);
    spacing.switched(t0 + ms);
    const d = await ctx.hook.waitDeploy(id);
    out.push({ ms, waitedMs, state: d.deploy.state, steps: d.steps.map((x) => [x.name, +x.durationSeconds.toFixed(3)]) });
    ctx.log(`express code-only round ${i + 1}: ${ms} ms, ${d.deploy.state}`);
    await ctx.hook.idle(name);
  }
  const ms = out.map((x) => x.ms);
  return { rounds: out, medianMs: median(ms), minMs: Math.min(...ms), maxMs: Math.max(...ms), allSucceeded: out.every((x) => x.state === 'succeeded') };
}

async function overheadPairs(ctx, pairs) {
  const name = 'filmtrip-bg';
  const s = ctx.all[name];
  const plain = path.join(ctx.work, 'plain');
  execFileSync('git', ['clone', '-q', ctx.bare, plain]);
  const plainPort = await ctx.freePort();
  const env = { PM2: ctx.pm2, APP: 'bench-plain', SUBDIR: name, PORT: String(plainPort), NODE_ENV: 'production' };
  // The script's own app, started as the ecosystem would (cluster of 2, wait_ready): it reloads only that one.
  execFileSync(ctx.pm2, ['start', 'index.js', '--name', 'bench-plain', '-i', '2', '--wait-ready', '--listen-timeout', '10000',
    '--kill-timeout', '5000', '--no-color'], { cwd: path.join(plain, name), env: { ...process.env, ...env }, stdio: 'ignore' });
  const out = [];
  const spacing = drainSpacing();
  try {
    for (let i = 0; i < pairs; i++) {
      const runDaemon = async () => {
        await spacing.wait();
        const to = ctx.nextVersion(name, `overhead ${name}`);
        const t0 = Date.now();
        const id = (await ctx.hook.push(to.sha, `acme/${name}`)).deploys[name];
        const ms = await servedAt(ctx, s.nginx.apiUrl, to.v, t0);
        spacing.switched(t0 + ms);
        const d = await ctx.hook.waitDeploy(id);
        if (d.deploy.state !== 'succeeded') throw new Error(`overhead deploy ${d.deploy.state}: ${d.deploy.error}`);
        await ctx.hook.idle(name);
        return { ms, healthMs: stepSeconds(d, 'health') * 1000, verifyMs: stepSeconds(d, 'verify') * 1000, steps: d.steps.map((x) => [x.name, +x.durationSeconds.toFixed(3)]) };
      };
      const runPlain = async () => {
        const to = ctx.nextVersion(name, `plain ${name}`);
        return { ms: timed(path.join(ctx.root, 'bench/plain-deploy.sh'), [plain, to.sha, `http://127.0.0.1:${plainPort}/health`], env) };
      };
      // Alternate which goes first, so drift (caches, CPU) does not favour one side.
      let d, p;
      if (i % 2 === 0) { d = await runDaemon(); p = await runPlain(); } else { p = await runPlain(); d = await runDaemon(); }
      out.push({ daemonMs: Math.round(d.ms), plainMs: Math.round(p.ms), ratio: +(d.ms / p.ms).toFixed(3), healthStepMs: Math.round(d.healthMs), verifyMs: Math.round(d.verifyMs), daemonSteps: d.steps });
      ctx.log(`overhead pair ${i + 1}: daemon ${Math.round(d.ms)} ms, plain ${Math.round(p.ms)} ms`);
    }
  } finally {
    execFileSync(ctx.pm2, ['delete', 'bench-plain', '--no-color'], { stdio: 'ignore' });
  }
  return { pairs: out, stableFor: s.stableFor, medianRatio: +median(out.map((x) => x.ratio)).toFixed(3), medianDaemonMs: median(out.map((x) => x.daemonMs)),
    medianPlainMs: median(out.map((x) => x.plainMs)), medianHealthStepMs: median(out.map((x) => x.healthStepMs)) };
}

function timingTable(r, add) {
  const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
  if (r.warmRollback) {
    const w = r.warmRollback;
    add(`Rollback to the warm color (BlueGreen), request → old version through nginx (median of ${w.samples.length})`,
      `${sec(w.medianServedMs)} to the first of 20 old answers in a row (first old answer ${sec(w.medianFirstMs)}, 20th ${sec(w.medianAllMs)})`
        + (w.allSucceeded ? '' : ' (A ROLLBACK DID NOT SUCCEED)'),
      '≤ 0.5 s', w.medianServedMs <= 500 && w.allSucceeded ? 'met' : 'missed');
  }
  if (r.expressCodeOnly) {
    const e = r.expressCodeOnly;
    add(`Express sample, code-only push (BlueGreen) → new version through nginx (${e.rounds.length} rounds)`,
      `median ${sec(e.medianMs)} (min ${sec(e.minMs)}, max ${sec(e.maxMs)})${e.allSucceeded ? '' : ' (A DEPLOY DID NOT SUCCEED)'}`,
      '≤ 5 s median', e.medianMs <= 5000 && e.allSucceeded ? 'met' : 'missed');
  }
  if (r.overhead) {
    const o = r.overhead;
    add(`Deploy overhead, BlueGreen (median of ${o.pairs.length} pairs)`,
      `${o.medianRatio.toFixed(2)} (daemon ${sec(o.medianDaemonMs)} vs script ${sec(o.medianPlainMs)}); StableFor ${o.stableFor}, health step ${sec(o.medianHealthStepMs)}`,
      '≤ 1.10', o.medianRatio <= 1.10 ? 'met' : 'missed');
  }
}

module.exports = { warmRollback, expressCodeOnly, overheadPairs, timingTable };

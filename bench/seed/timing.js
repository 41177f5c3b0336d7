'use strict';
// The seed bench's timing rows (bench/drive.js): deploy overhead against a plain script, rollback latency against a
// bare pm2 reload, and webhook ack latency during a deploy. `ctx` is what drive.js set up.
const path = require('path');
const { until } = require('../lib/hook');
const { median, pct, timed } = require('../lib/measure');
const { git } = require('../lib/gitwork');

module.exports = (ctx) => {
  const { push, rollback, waitDeploy, deployOf, idle, served, newBackendVersion, healthyAt, log, WORK, ROOT, PM2, PORT, PAIRS, PUSHES, bare } = ctx;

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

  return { overheadPairs, rollbackLatency, webhookAck };
};

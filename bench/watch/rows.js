'use strict';
// The watch bench's rows (issue 15). Each runs against the daemon and nginx bench/watch/drive.js stood up.
const fs = require('fs');
const http = require('http');
const path = require('path');
const { until } = require('../lib/hook');
const { procStatus } = require('../lib/measure');

/** GET /version through nginx every `everyMs` on a new connection (so through a worker with nginx's current config). */
function sampler(apiUrl, everyMs = 10) {
  const samples = [];
  let stopped = false;
  const one = () => new Promise((resolve) => {
    const t = Date.now();
    const req = http.get(`${apiUrl}/version`, { agent: false, headers: { Connection: 'close' }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => { samples.push({ t, status: res.statusCode, body: body.trim() }); resolve(); });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => { samples.push({ t, status: 0, body: e.code || e.message }); resolve(); });
  });
  const loop = (async () => { while (!stopped) { await one(); await new Promise((r) => setTimeout(r, everyMs)); } })();
  /** The first 5xx, and the first of 20 answers in a row of `old` after it. */
  const timeline = (old) => {
    const firstFail = samples.find((x) => x.status >= 500);
    if (!firstFail) return null;
    for (let i = samples.indexOf(firstFail) + 1; i + 20 <= samples.length; i++)
      if (samples.slice(i, i + 20).every((x) => x.status === 200 && x.body === old)) return { firstFailAt: firstFail.t, oldServedAt: samples[i].t };
    return null;
  };
  return { samples, timeline, stop: async () => { stopped = true; await loop; } };
}

function nextVersion(ctx, name, message) {
  ctx.counters[name] = (ctx.counters[name] || 1) + 1;
  const v = `${name}-${ctx.counters[name]}`;
  ctx.repo.write(`${name}/VERSION`, `${v}\n`);
  return { v, sha: ctx.repo.commit(`${message}: ${v}`) };
}

/** The service's deploys with trigger `watch` queued after `since` (ISO time), newest first. */
async function watchRollbacks(ctx, name, since) {
  const list = (await ctx.hook.getJson(`/deploys?service=${name}&limit=50`)).deploys;
  return list.filter((d) => d.trigger === 'watch' && d.queuedAt > since);
}

/** A release that passes /health but answers 500 to 30% of requests, pushed under load: the watch's rollback, timed. */
async function badRelease(ctx, name) {
  const s = ctx.all[name];
  ctx.repo.write(`${name}/FAIL_SOME`, 'yes\n');
  const bad = nextVersion(ctx, name, `bad release of ${name}`);
  ctx.repo.remove(`${name}/FAIL_SOME`); // committed with the next version
  const probe = sampler(s.nginx.apiUrl);
  const load = await ctx.loads.underLoad(`${s.nginx.apiUrl}/version`, true, async () => {
    const pushedAt = new Date().toISOString();
    const id = (await ctx.hook.push(bad.sha, `acme/${name}`)).deploys[name];
    const deploy = await ctx.hook.waitDeploy(id);
    const rollbackId = await until(async () => {
      const done = (await watchRollbacks(ctx, name, pushedAt)).find((d) => !['queued', 'running'].includes(d.state));
      return done?.id;
    }, 180000, `the watch's rollback of ${name}`);
    const rollback = await ctx.hook.deployOf(rollbackId);
    await until(() => probe.timeline(s.live), 60000, `${s.live} served 20 times in a row after the first 5xx`);
    return { deploy: (await ctx.hook.deployOf(id)).deploy, rollback: rollback.deploy, rollbackSteps: rollback.steps.map((x) => [x.name, +x.durationSeconds.toFixed(3)]) };
  }, 600);
  await probe.stop();
  const t = probe.timeline(s.live);
  await ctx.hook.idle(name);
  const { deploy, rollback } = load.info;
  return {
    version: bad.v, deployState: deploy.state, deployNote: deploy.note, rollbackState: rollback.state, rollbackNote: rollback.note,
    rollbackSteps: load.info.rollbackSteps,
    firstFailToOldMs: t.oldServedAt - t.firstFailAt,
    switchToTripMs: Date.parse(rollback.queuedAt) - Date.parse(deploy.finishedAt),
    rollbackSeconds: rollback.durationSeconds,
    load: { total: load.total, failed: load.failed, rps: load.rps, seconds: load.seconds, errors: load.errors },
    samples: probe.samples.length,
  };
}

/** `rounds` healthy pushes under one load run, each watched for its whole window: how many did the watch roll back? */
async function healthyDeploys(ctx, name, rounds) {
  const s = ctx.all[name];
  const since = new Date().toISOString();
  const load = await ctx.loads.underLoad(`${s.nginx.apiUrl}/version`, true, async () => {
    const verdicts = [];
    for (let i = 0; i < rounds; i++) {
      const to = nextVersion(ctx, name, `healthy ${name}`);
      const id = (await ctx.hook.push(to.sha, `acme/${name}`)).deploys[name];
      const d = await ctx.hook.waitDeploy(id);
      if (d.deploy.state !== 'succeeded') throw new Error(`healthy deploy ${to.v} ${d.deploy.state}: ${d.deploy.error}`);
      const note = await until(async () => (await ctx.hook.deployOf(id)).deploy.note, 180000, `the watch's verdict on ${to.v}`);
      verdicts.push(note);
      ctx.log(`healthy ${i + 1}/${rounds}: ${note}`);
      s.live = to.v;
    }
    return verdicts;
  }, rounds * 120);
  const rollbacks = await watchRollbacks(ctx, name, since);
  return { rounds, falseRollbacks: rollbacks.length, passed: load.info.filter((n) => n.startsWith('watch passed')).length, verdicts: load.info,
    load: { total: load.total, failed: load.failed, rps: load.rps, seconds: load.seconds, errors: load.errors } };
}

/** The daemon's RSS while the access log of a watched service grows by growMiB of JSON lines the watch must read. */
async function memoryWhileLogGrows(ctx, name, growMiB) {
  const logPath = path.join(ctx.work, 'mem', 'access.json.log');
  ctx.repo.write('mem/index.html', 'mem-2\n');
  const id = (await ctx.hook.push(ctx.repo.commit('mem v2'), `acme/${name}`)).deploys[name];
  const d = await ctx.hook.waitDeploy(id);
  if (d.deploy.state !== 'succeeded') throw new Error(`mem deploy ${d.deploy.state}: ${d.deploy.error}`);
  const watched = async () => (await ctx.hook.statusOf(name)).watch;
  await until(watched, 30000, 'the watch of the mem service');
  await new Promise((r) => setTimeout(r, 3000));
  const pid = ctx.daemon.pid;
  const before = procStatus(pid).rssKb;
  let peak = before;
  const rssTimer = setInterval(() => {
    try { peak = Math.max(peak, procStatus(pid).rssKb); } catch (e) { ctx.log(`RSS sample failed: ${e.message}`); }
  }, 100);

  // 1 MiB of lines as README's log_format writes them (a request answered now, no upstream: a static site).
  const line = (i) => `{"time":"${new Date().toISOString()}","msec":"${(Date.now() / 1000).toFixed(3)}","status":"200","request":"GET /p/${i}","upstream_addr":"","request_time":"0.004","upstream_response_time":""}\n`;
  const parts = [];
  let bytes = 0, lines = 0;
  while (bytes < (1 << 20)) { const l = line(lines++); parts.push(l); bytes += Buffer.byteLength(l); } // ASCII: no O(n²) re-measuring
  const buffer = Buffer.from(parts.join(''));
  const t0 = Date.now();
  const fd = fs.openSync(logPath, 'a');
  for (let i = 0; i < growMiB * (1 << 20) / buffer.length; i++) fs.writeSync(fd, buffer);
  fs.closeSync(fd);
  const written = Math.floor(growMiB * (1 << 20) / buffer.length) * lines;
  const writtenMs = Date.now() - t0;
  await until(async () => ((await watched())?.requests ?? 0) >= written, 900000, `the watch to read ${written} lines`);
  const readMs = Date.now() - t0;
  clearInterval(rssTimer);
  const after = procStatus(pid).rssKb;
  const sizeMiB = fs.statSync(logPath).size / 1048576;
  const w = await watched();
  fs.rmSync(logPath, { force: true });
  return { growMiB, sizeMiB: +sizeMiB.toFixed(1), linesWritten: written, requestsSeen: w.requests, malformed: w.malformedLines, writtenMs, readMs,
    rssBeforeMiB: +(before / 1024).toFixed(1), rssPeakMiB: +(peak / 1024).toFixed(1), rssAfterMiB: +(after / 1024).toFixed(1),
    growthMiB: +((peak - before) / 1024).toFixed(1) };
}

function table(r) {
  const out = [];
  const add = (what, result, goal, met) => out.push({ what, result, goal, met });
  for (const [name, b] of Object.entries(r.bad)) {
    const strategy = name === 'wbg' ? 'BlueGreen (old color warm)' : 'Reload';
    const fast = b.firstFailToOldMs <= 30000, loaded = b.load.rps >= 2000;
    add(`Bad release (500 on 30% of requests), ${strategy}: first 5xx → old version served through nginx (20 in a row)`,
      `${(b.firstFailToOldMs / 1000).toFixed(2)} s (watch start → trip ${(b.switchToTripMs / 1000).toFixed(2)} s, rollback ${b.rollbackSeconds?.toFixed(2)} s); ` +
      `${b.load.failed} / ${b.load.total} requests failed, ${b.load.rps} req/s; rollback ${b.rollbackState}`,
      '≤ 30 s at ≥2,000 req/s', fast && loaded && b.rollbackState === 'succeeded' ? 'met' : 'missed');
  }
  const h = r.healthy;
  add(`${h.rounds} healthy deploys under load (BlueGreen), each watched ${r.settings.watchFor}: false rollbacks`,
    `${h.falseRollbacks} (${h.passed} of ${h.rounds} "watch passed"); ${h.load.failed} / ${h.load.total} requests failed, ${h.load.rps} req/s`,
    '0', h.falseRollbacks === 0 ? 'met' : 'missed');
  const m = r.memory;
  add(`Daemon RSS while a watched access log grows by ${m.growMiB} MiB (${m.linesWritten} lines)`,
    `${m.rssBeforeMiB} → peak ${m.rssPeakMiB} MiB (+${m.growthMiB} MiB); all ${m.requestsSeen} lines read in ${(m.readMs / 1000).toFixed(1)} s, ${m.malformed} malformed`,
    '≤ 20 MiB more', m.growthMiB <= 20 && m.requestsSeen >= m.linesWritten ? 'met' : 'missed');
  return out;
}

module.exports = { badRelease, healthyDeploys, memoryWhileLogGrows, table };

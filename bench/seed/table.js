'use strict';
// The seed bench's table (bench/drive.js): every row with its goal and whether it was met.
const { markdownTable } = require('../lib/measure');

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

module.exports = { table };

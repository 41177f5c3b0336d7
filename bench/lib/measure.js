'use strict';
// Figures the benches share: medians, percentiles, process memory, timed commands, pm2's list, the canary tenant,
// the machine, and the Markdown table.
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
function procStatus(pid) {
  const t = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(t.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))[1]);
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}
function timed(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  execFileSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
function pm2List(pm2) {
  const out = execFileSync(pm2, ['jlist', '--no-color'], { encoding: 'utf8' });
  return JSON.parse(out.split('\n').filter((l) => l.trim().startsWith('[')).pop());
}
/** The other tenant: pm2 pid, restarts, status and a hash of its directory; equal before and after = untouched. */
function canary(pm2, dir) {
  const app = pm2List(pm2).find((a) => a.name === 'other-service-a');
  const hash = crypto.createHash('sha256');
  const walk = (d) => fs.readdirSync(d).sort().forEach((n) => {
    const f = path.join(d, n);
    if (fs.statSync(f).isDirectory()) walk(f); else { hash.update(path.relative(dir, f)); hash.update(fs.readFileSync(f)); }
  });
  walk(dir);
  return { pid: app.pid, restarts: app.pm2_env.restart_time, status: app.pm2_env.status, dirSha256: hash.digest('hex').slice(0, 16) };
}
function machine(pm2, nginx) {
  const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1];
  const mem = Number(fs.readFileSync('/proc/meminfo', 'utf8').match(/^MemTotal:\s+(\d+)/m)[1]);
  const v = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim(); } catch (e) { return (e.stderr || '').toString().trim(); } };
  return { nproc: os.cpus().length, cpu, memoryGiB: +(mem / 1048576).toFixed(1), kernel: os.release(),
    node: process.version, dotnet: v('dotnet', ['--version']), pm2: v(pm2, ['-v']).split('\n').pop(),
    nginx: execFileSync('sh', ['-c', `${nginx} -v 2>&1`], { encoding: 'utf8' }).trim().replace('nginx version: ', ''), git: v('git', ['--version']) };
}
/** rows: [{ what, result, goal, met }] → the Markdown table and whether every goal is met ('—' = reported only). */
function markdownTable(rows) {
  const md = ['| Measurement | Result | Goal | Met |', '|---|---|---|---|', ...rows.map((x) => `| ${x.what} | ${x.result} | ${x.goal} | ${x.met} |`)].join('\n');
  return { rows, markdown: md, allMet: rows.every((x) => x.met === 'met' || x.met === '—') };
}

module.exports = { median, pct, procStatus, timed, pm2List, canary, machine, markdownTable };

'use strict';
// The daemon as the benches drive it (bench/drive.js, bench/bluegreen/drive.js): started on a config file and
// stopped by its pid, sent signed webhooks (as GitHub signs them) and POST /rollback, followed through GET /deploys.
// The shell side of the same rules is scripts/lib.sh.
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const { freePort } = require('../../scripts/free-port');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(probe, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
function request(method, url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(url, { method, agent, headers: body ? { 'Content-Length': Buffer.byteLength(body), ...headers } : headers, timeout: 30000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}


/**
 * Starts the daemon on 127.0.0.1 port 0 (its pid goes to pidFile for the shell's trap), reads the port it bound from
 * its "Now listening on:" line (child.url) and waits for /healthz.
 */
async function startDaemon({ dll, configPath, logPath, pidPath, env = {} }) {
  const start = fs.existsSync(logPath) ? fs.statSync(logPath).size : 0;
  const out = fs.openSync(logPath, 'a');
  const child = spawn('dotnet', [dll, '--config', configPath, '--urls', 'http://127.0.0.1:0'],
    { stdio: ['ignore', out, out], env: { ...process.env, DOTNET_ENVIRONMENT: 'Production', ASPNETCORE_URLS: '', ...env } });
  fs.closeSync(out);
  fs.writeFileSync(pidPath, String(child.pid));
  child.pidPath = pidPath;
  child.exited = new Promise((r) => child.on('exit', r));
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`the daemon exited with ${child.exitCode} (log: ${logPath})`);
    // This start's lines only: a restart appends to the same log.
    child.url ??= fs.readFileSync(logPath, 'utf8').slice(start).match(/Now listening on: (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    if (!child.url) return false;
    try { return (await fetch(`${child.url}/healthz`)).ok; } catch { return false; }
  }, 30000, 'the daemon /healthz');
  return child;
}

/** Stops it by its pid and removes the pid file, so a shell trap never signals a pid the system has reused. */
async function stopDaemon(child, signal = 'SIGTERM') {
  if (!child) return;
  if (child.exitCode === null && !child.signalCode) {
    child.kill(signal);
    const t = setTimeout(() => child.kill('SIGKILL'), 15000);
    await child.exited;
    clearTimeout(t);
  }
  fs.rmSync(child.pidPath, { force: true });
}

/** The daemon's HTTP API at url (or at what url() says now: a restarted daemon binds another port): pushes signed with secret, rollbacks and reads with the bearer token. */
function hookClient({ url: at, secret, token, payloadPath }) {
  const base = () => (typeof at === 'function' ? at() : at);
  const pushTemplate = JSON.parse(fs.readFileSync(payloadPath, 'utf8'));
  async function push(sha, repository) {
    const payload = { ...pushTemplate, ref: 'refs/heads/main', after: sha, repository: { ...pushTemplate.repository, full_name: repository } };
    const body = JSON.stringify(payload);
    const signature = 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');
    const r = await request('POST', `${base()}/webhooks/github`, body, {
      'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': crypto.randomUUID(), 'X-Hub-Signature-256': signature });
    if (r.status !== 202) throw new Error(`push answered ${r.status}: ${r.text}`);
    const json = JSON.parse(r.text);
    return { ms: r.ms, deploys: Object.fromEntries((json.deploys || []).map((d) => [d.service, d.deployId])) };
  }
  async function rollback(commit, service) {
    const r = await request('POST', `${base()}/rollback`, JSON.stringify({ commit, service }),
      { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` });
    if (r.status !== 202) throw new Error(`rollback answered ${r.status}: ${r.text}`);
    return JSON.parse(r.text).deploys[0].deployId;
  }
  const getJson = async (p) => JSON.parse((await request('GET', `${base()}${p}`, undefined, { Authorization: `Bearer ${token}` })).text);
  const deployOf = (id) => getJson(`/deploys/${id}`);
  const waitDeploy = (id, ms = 180000) =>
    until(async () => { const d = await deployOf(id); return ['queued', 'running'].includes(d.deploy.state) ? null : d; }, ms, `deploy ${id}`);
  const statusOf = async (service) => (await getJson('/status')).services.find((s) => s.name === service);
  const idle = (service) => until(async () => { const s = await statusOf(service); return !s.running && s.queued === 0; }, 180000, `${service} idle`);
  return { push, rollback, getJson, deployOf, waitDeploy, statusOf, idle };
}

module.exports = { sleep, until, request, freePort, startDaemon, stopDaemon, hookClient };

// Driver for bench/deps/run.sh (which builds the daemon, makes the xfs loop mount and cleans up): one bare
// repository per tree, one service per (tree, method), two daemons (the second with an `unshare` that fails),
// code-only pushes sent one service at a time, and the daemon's own step timings read back.
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import hook from '../lib/hook.js'; // startDaemon: port 0, the bound address read back

const { values: opt } = parseArgs({
  options: Object.fromEntries(['repo', 'work', 'xfs', 'trees', 'rounds', 'daemon-dll', 'out'].map((k) => [k, { type: 'string' }])),
});
const rounds = Number(opt.rounds ?? 3);
const W = opt.work;
const DEPLOY_DEADLINE_MS = 600_000;
const sources = { express: path.join(opt.repo, 'samples/filmtrip-express/backend'), heavy: path.join(opt.repo, 'bench/deps/heavy') };
const trees = opt.trees.split(',').filter((t) => sources[t]);
const methods = ['overlay', 'copy', ...(opt.xfs ? ['reflink'] : [])];
// What `prisma generate` does to node_modules: rewrite a file in place (through a hard link this would change the
// live release) and write a generated client (~2.5 MB in five files).
const GENERATE = `const fs = require('fs');
const lock = 'node_modules/.package-lock.json';
fs.writeFileSync(lock, fs.readFileSync(lock));
fs.mkdirSync('node_modules/.prisma/client', { recursive: true });
for (const f of ['index.js', 'index.d.ts', 'edge.js', 'wasm.js', 'schema.prisma'])
  fs.writeFileSync('node_modules/.prisma/client/' + f, 'x'.repeat(512 * 1024));
`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secret = randomBytes(32).toString('hex');
const token = randomBytes(32).toString('hex');
for (const [name, value] of [['webhook-secret', secret], ['api-token', token]]) writeFileSync(path.join(W, name), value, { mode: 0o600 });

// Repositories: one per tree.
function git(dir, ...args) { return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim(); }
const clones = {};
for (const tree of trees) {
  const bare = path.join(W, 'git', `${tree}.git`); const clone = path.join(W, 'clone', tree);
  mkdirSync(clone, { recursive: true });
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch', 'main', bare]);
  git(clone, 'init', '-q', '--initial-branch', 'main');
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(path.join(sources[tree], f), path.join(clone, f));
  writeFileSync(path.join(clone, 'generate.js'), GENERATE);
  clones[tree] = { bare, clone, version: 0 };
}
function commit(tree) {
  const c = clones[tree];
  writeFileSync(path.join(c.clone, 'VERSION'), `${++c.version}\n`);
  git(c.clone, 'add', '-A');
  git(c.clone, '-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', `v${c.version}`);
  git(c.clone, 'push', '-q', c.bare, 'HEAD:refs/heads/main');
  return git(c.clone, 'rev-parse', 'HEAD');
}

// Daemons: A runs overlay and reflink services, B (no namespaces) the copy ones.
const rootOf = (tree, method) => method === 'reflink' ? path.join(opt.xfs, 'srv', tree) : path.join(W, 'srv', `${tree}-${method}`);
const daemons = {};
async function startDaemon(name, methodsHere, extraPath) {
  const services = {};
  for (const tree of trees) for (const method of methodsHere) {
    services[`${tree}-${method}`] = {
      Repository: clones[tree].bare, GitHubRepository: `bench/${tree}-${method}`, Root: rootOf(tree, method),
      // `true` measures what running a step in its own namespace adds (overlay) against nothing (copy, reflink).
      Build: [{ Run: ['npm', 'ci', '--no-audit', '--no-fund', '--prefer-offline'], SkipWhenDependenciesUnchanged: true }, ['node', 'generate.js'], ['true']],
      KeepReleases: 2,
    };
  }
  const config = path.join(W, `${name}.json`);
  writeFileSync(config, JSON.stringify({ Hook: {
    DataDirectory: path.join(W, `data-${name}`), WebhookSecretFile: path.join(W, 'webhook-secret'), ApiTokenFile: path.join(W, 'api-token'), Services: services,
  } }, null, 2));
  const child = await hook.startDaemon({ dll: opt['daemon-dll'], configPath: config, logPath: path.join(W, `daemon-${name}.log`),
    pidPath: path.join(W, `daemon-${name}.pid`), env: extraPath ? { PATH: `${extraPath}:${process.env.PATH}` } : {} });
  daemons[name] = { child, api: child.url };
  for (const tree of trees) for (const method of methodsHere) daemons[`${tree}-${method}`] = daemons[name];
}
function stopDaemons() { for (const d of new Set(Object.values(daemons))) if (d.child.exitCode === null) d.child.kill('SIGTERM'); }
process.on('SIGTERM', () => { stopDaemons(); process.exit(143); });

const auth = { Authorization: `Bearer ${token}` };
async function deploy(service, sha) {
  const { api } = daemons[service];
  const payload = JSON.parse(readFileSync(path.join(opt.repo, 'samples/github-payloads/push/with-new-branch.payload.json'), 'utf8'));
  Object.assign(payload, { ref: 'refs/heads/main', after: sha });
  payload.repository.full_name = `bench/${service}`;
  const body = JSON.stringify(payload);
  const res = await fetch(`${api}/webhooks/github`, { method: 'POST', body, headers: {
    'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': randomUUID(),
    'X-Hub-Signature-256': 'sha256=' + createHmac('sha256', secret).update(body).digest('hex') } });
  if (res.status !== 202) throw new Error(`${service}: webhook answered ${res.status}: ${await res.text()}`);
  const id = (await res.json()).deploys.find((d) => d.service === service).deployId;
  for (const end = Date.now() + DEPLOY_DEADLINE_MS; ;) {
    const d = await (await fetch(`${api}/deploys/${id}`, { headers: auth })).json();
    if (!['queued', 'running'].includes(d.deploy.state)) {
      if (d.deploy.state !== 'succeeded') throw new Error(`${service}: deploy ${id} ${d.deploy.state}: ${d.deploy.error}`);
      d.log = await (await fetch(`${api}/deploys/${id}?log=full`, { headers: auth })).text();
      return d;
    }
    if (Date.now() > end) throw new Error(`${service}: deploy ${id} still ${d.deploy.state}`);
    await sleep(100);
  }
}
const step = (d, name) => d.steps.find((s) => s.name === name)?.durationSeconds ?? 0;
const timed = (cmd, args) => { const t = performance.now(); execFileSync(cmd, args); return (performance.now() - t) / 1000; };

const results = [];
const references = [];
try {
  await startDaemon('a', methods.filter((m) => m !== 'copy'));
  await startDaemon('b', ['copy'], path.join(W, 'no-namespaces'));
  for (const tree of trees) {
    const sha = commit(tree);
    for (const method of methods) {
      const d = await deploy(`${tree}-${method}`, sha);
      console.error(`deps: ${tree}-${method} first deploy (npm ci) ${(step(d, 'build: npm ci --no-audit --no-fund --prefer-offline')).toFixed(1)} s`);
    }
  }
  for (let round = 1; round <= rounds; round++) {
    for (const tree of trees) {
      const sha = commit(tree);
      for (const method of methods) {
        const d = await deploy(`${tree}-${method}`, sha);
        const line = /dependency files unchanged: (\S+) (\d+) files/.exec(d.log);
        if (!line) throw new Error(`${tree}-${method}: node_modules were not reused:\n${d.log}`);
        const r = { tree, method, round, placement: line[1], files: Number(line[2]), dependencies: step(d, 'dependencies'),
          build: step(d, 'build: node generate.js'), stepTrue: step(d, 'build: true'), keepWrites: step(d, 'dependencies: keep build writes') };
        results.push(r);
        console.error(`deps: ${tree} #${round} ${method.padEnd(7)} ${r.placement} ${r.files} files: dependencies ${r.dependencies.toFixed(3)} s, ` +
          `generate ${r.build.toFixed(3)} s, true ${r.stepTrue.toFixed(3)} s, keep writes ${r.keepWrites.toFixed(3)} s`);
      }
      // Cross-check with coreutils on the same tree (the overlay service's live node_modules).
      const live = path.join(rootOf(tree, 'overlay'), 'current', 'node_modules');
      const target = path.join(W, 'cp-target');
      const ref = { tree, round, cpHardLinks: timed('cp', ['-al', live, target]) };
      rmSync(target, { recursive: true, force: true });
      ref.cpCopy = timed('cp', ['-a', live, target]);
      rmSync(target, { recursive: true, force: true });
      if (opt.xfs) {
        const reflinkLive = path.join(rootOf(tree, 'reflink'), 'current', 'node_modules');
        ref.cpReflink = timed('cp', ['-a', '--reflink=always', reflinkLive, path.join(opt.xfs, 'cp-target')]);
        rmSync(path.join(opt.xfs, 'cp-target'), { recursive: true, force: true });
        ref.cpHardLinksXfs = timed('cp', ['-al', reflinkLive, path.join(opt.xfs, 'cp-target')]);
        rmSync(path.join(opt.xfs, 'cp-target'), { recursive: true, force: true });
      }
      ref.megabytes = Number(execFileSync('du', ['-sm', live], { encoding: 'utf8' }).split('\t')[0]);
      references.push(ref);
    }
  }
} finally {
  stopDaemons();
}

const median = (xs) => { const s = xs.filter((x) => x !== undefined).sort((a, b) => a - b); const m = s.length >> 1; return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const f2 = (x) => Number.isNaN(x) ? 'miss' : `${x.toFixed(2)} s`;
const ratio = (x, base) => Number.isNaN(x) ? 'miss' : `${(x / base).toFixed(2)}×`;
const summary = trees.map((tree) => {
  const of = (method, key) => median(results.filter((r) => r.tree === tree && r.method === method).map((r) => r[key]));
  const refs = references.filter((r) => r.tree === tree);
  const hardLinks = of('overlay', 'dependencies');
  const perStep = Math.max(0, of('overlay', 'stepTrue') - of('copy', 'stepTrue'));
  return {
    tree, files: of('overlay', 'files'), megabytes: median(refs.map((r) => r.megabytes)),
    hardLinksSeconds: hardLinks, overlayKeepWritesSeconds: of('overlay', 'keepWrites'), overlayPerStepSeconds: perStep,
    // Set-up, fold-in and the namespace of the two steps that follow the reuse in this build.
    overlayTotalSeconds: hardLinks + of('overlay', 'keepWrites') + 2 * perStep,
    reflinkSeconds: opt.xfs ? of('reflink', 'dependencies') : NaN, copySeconds: of('copy', 'dependencies'),
    cpHardLinksSeconds: median(refs.map((r) => r.cpHardLinks)), cpCopySeconds: median(refs.map((r) => r.cpCopy)),
    cpReflinkSeconds: opt.xfs ? median(refs.map((r) => r.cpReflink)) : NaN, cpHardLinksXfsSeconds: opt.xfs ? median(refs.map((r) => r.cpHardLinksXfs)) : NaN,
  };
});
console.log(`\nmedians of ${rounds} rounds; daemon rows are its step timings, coreutils rows the same tree copied by cp; load ${os.loadavg()[0].toFixed(1)}\n`);
console.log('| tree | files | MB | hard links (today) | overlay: set-up + fold-in + 2 steps in a namespace | reflink (xfs) | full copy |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const s of summary) {
  console.log(`| ${s.tree} | ${s.files} | ${s.megabytes} | ${f2(s.hardLinksSeconds)} | ${f2(s.overlayTotalSeconds)} = ${f2(s.hardLinksSeconds)} + ${f2(s.overlayKeepWritesSeconds)} + 2 × ${f2(s.overlayPerStepSeconds)} (${ratio(s.overlayTotalSeconds, s.hardLinksSeconds)}) | ` +
    `${f2(s.reflinkSeconds)} (${ratio(s.reflinkSeconds, s.hardLinksSeconds)}) | ${f2(s.copySeconds)} (${ratio(s.copySeconds, s.hardLinksSeconds)}) |`);
  console.log(`| ${s.tree}, coreutils | | | cp -al ${f2(s.cpHardLinksSeconds)} (xfs: ${f2(s.cpHardLinksXfsSeconds)}) | | cp --reflink ${f2(s.cpReflinkSeconds)} | cp -a ${f2(s.cpCopySeconds)} |`);
}
writeFileSync(opt.out, JSON.stringify({ startedAt: new Date().toISOString(), machine: { cpus: os.cpus().length, kernel: os.release(), load: os.loadavg() }, rounds, summary, results, references }, null, 2));

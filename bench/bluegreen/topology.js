'use strict';
// What bench/bluegreen/drive.js stands up: one bare repository holding four backends (each in its own directory,
// its pm2 app renamed so none clashes with another or with bench/drive.js's), one private nginx per backend from
// bench/nginx/filmtrip-bluegreen.conf.template (its upstream file first pointing at the backend's first port),
// and the daemon's config. Every service is matched under its own GitHub name, so a push deploys one service.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { until, freePort, stopDaemon } = require('../lib/hook');

/** Every BlueGreen service's Drain (knob DRAIN): how long a color that took traffic is never stopped. */
const DRAIN = process.env.DRAIN || '00:00:05';

/** name → sample directory, pm2 app, strategy, build and Verify. `ports` and `nginx` are filled in by start(). */
function services(stableFor) {
  const npmCi = (skip) => ({ Run: ['npm', 'ci', '--omit=dev', '--no-audit', '--no-fund'], SkipWhenDependenciesUnchanged: skip });
  return {
    // The no-contract app under both strategies: the rows the issue compares.
    'nc-reload': { sample: 'samples/nocontract/backend', strategy: 'Reload', healthTimeout: '00:00:10', stableFor },
    'nc-bg': { sample: 'samples/nocontract/backend', strategy: 'BlueGreen', healthTimeout: '00:00:10', stableFor, verify: [['node', 'smoke.js']] },
    // The Express sample's code-only push (node_modules reused), as bench/fast-deploy.sh measures it under Reload.
    'express-bg': { sample: 'samples/filmtrip-express/backend', strategy: 'BlueGreen', healthTimeout: '00:00:30', stableFor,
      build: [npmCi(true), ['npm', 'run', 'migrate']], sharedEnv: true },
    // The overhead pairs: the FilmTrip sample with bench/drive.js's build steps, against bench/plain-deploy.sh.
    'filmtrip-bg': { sample: 'samples/filmtrip/backend', strategy: 'BlueGreen', healthTimeout: '00:00:30', stableFor,
      build: [npmCi(false), ['npm', 'run', 'migrate']], sharedEnv: true },
  };
}

/** Copies each sample into <name>/ of the work tree, its ecosystem's app renamed to the service's name. */
function seed(root, repo, all) {
  for (const [name, s] of Object.entries(all)) {
    const dir = path.join(repo.dir, name);
    fs.cpSync(path.join(root, s.sample), dir, { recursive: true, filter: (f) => !/node_modules|MIGRATED$|CRASH_ON_START$|HANG_ON_START$/.test(f) });
    const eco = path.join(dir, 'ecosystem.config.js');
    fs.writeFileSync(eco, fs.readFileSync(eco, 'utf8').replace(/name: '[^']*'/, `name: '${name}'`));
    repo.write(`${name}/VERSION`, `${name}-1\n`);
  }
}

/** A private nginx (daemon off: the child is the master) whose upstream file points at upstreamPort. */
async function startNginx({ root, nginx, prefix, upstreamPort, children }) {
  fs.mkdirSync(prefix, { recursive: true, mode: 0o755 });
  const [api, web] = [await freePort(), await freePort()];
  const values = { PREFIX: prefix, UPSTREAM_FILE: path.join(prefix, 'backend.upstream.conf'), API_PORT: api, WEB_PORT: web, FRONTEND_ROOT: path.join(prefix, 'www') };
  fs.writeFileSync(values.UPSTREAM_FILE, `server 127.0.0.1:${upstreamPort} max_fails=3 fail_timeout=30s;\n`);
  const template = fs.readFileSync(path.join(root, 'bench/nginx/filmtrip-bluegreen.conf.template'), 'utf8');
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(conf, template.replace(/\$\{([A-Z_]+)\}/g, (m, k) => (k in values ? String(values[k]) : m)));
  const child = spawn(nginx, ['-p', prefix, '-c', conf], { stdio: ['ignore', 'ignore', fs.openSync(path.join(prefix, 'stderr.log'), 'a')] });
  child.exited = new Promise((r) => child.on('exit', r));
  children.add(child);
  fs.appendFileSync(path.join(path.dirname(prefix), 'nginx.pids'), `${child.pid}\n`); // for bench/run.sh's trap
  await until(async () => { try { return (await fetch(`http://127.0.0.1:${api}/health`)).ok; } catch { return false; } }, 10000, `nginx in ${prefix}`);
  return { pid: child.pid, apiUrl: `http://127.0.0.1:${api}`, upstreamFile: values.UPSTREAM_FILE, pidFile: path.join(prefix, 'nginx.pid'),
    reload: [nginx, '-p', prefix, '-c', conf, '-s', 'reload'] };
}

/** Ports and an nginx for every service. */
async function start({ root, nginx, work, all, children }) {
  for (const [name, s] of Object.entries(all)) {
    s.ports = s.strategy === 'BlueGreen' ? [await freePort(), await freePort()] : [await freePort()];
    s.nginx = await startNginx({ root, nginx, prefix: path.join(work, 'nginx', name), upstreamPort: s.ports[0], children });
  }
}

/** SIGQUIT (nginx's graceful stop) to each, SIGKILL after 5 s; then the pid list goes. */
async function stopNginx(work, children) {
  await Promise.all([...children].map(async (child) => {
    if (child.exitCode !== null || child.signalCode) return;
    child.kill('SIGQUIT');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await child.exited;
    clearTimeout(t);
  }));
  fs.rmSync(path.join(work, 'nginx', 'nginx.pids'), { force: true });
}

/** A driver's way out: its load runs (SIGINT), its daemon, its nginx instances. */
async function stopAll({ loads, daemon, work, children }) {
  for (const c of loads?.children ?? []) c.kill('SIGINT');
  await stopDaemon(daemon);
  await stopNginx(work, children);
}

/** The daemon's config for all services (the shape README documents). */
function config({ work, bare, pm2Home, pm2, all }) {
  const srv = path.join(work, 'srv');
  const out = {};
  for (const [name, s] of Object.entries(all)) {
    const service = {
      Repository: bare, GitHubRepository: `acme/${name}`, Subdirectory: name, Root: path.join(srv, name),
      Environment: { NODE_ENV: 'production' }, StepTimeout: '00:05:00',
      Pm2: { App: name, Home: pm2Home, Executable: pm2 },
      Port: s.ports[0],
      HealthCheck: { Url: `http://127.0.0.1:${s.ports[0]}/health`, Timeout: s.healthTimeout, StableFor: s.stableFor },
      KeepReleases: 5,
    };
    if (s.build) service.Build = s.build;
    if (s.sharedEnv) {
      service.SharedFiles = ['.env'];
      fs.mkdirSync(path.join(srv, name, 'shared'), { recursive: true });
      fs.writeFileSync(path.join(srv, name, 'shared', '.env'), 'NODE_ENV=production\n');
    }
    if (s.strategy === 'BlueGreen') {
      service.Strategy = 'BlueGreen';
      service.BlueGreen = { Ports: s.ports, UpstreamFile: s.nginx.upstreamFile, NginxReload: s.nginx.reload, NginxPidFile: s.nginx.pidFile,
        Drain: DRAIN, KeepWarm: '00:10:00' };
      if (s.verify) service.Verify = s.verify;
    }
    out[name] = service;
  }
  return out;
}

module.exports = { DRAIN, freePort, services, seed, start, stopNginx, stopAll, config };

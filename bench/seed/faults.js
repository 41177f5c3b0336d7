'use strict';
// The seed bench's fault scenarios (bench/drive.js), each under keep-alive load on the API: a failing build, a crash on
// start, an unreachable remote, kill -9 during a build, a push during a rollback. `ctx` is what drive.js set up.
const fs = require('fs');
const path = require('path');
const { sleep, until } = require('../lib/hook');

module.exports = (ctx) => {
  const { push, rollback, waitDeploy, deployOf, statusOf, served, underLoad, newBackendVersion, startDaemon, stopDaemon, log, WORK, bare, work } = ctx;
  const { write, remove, commit } = ctx.repo;

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

  return { faults };
};

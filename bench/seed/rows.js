'use strict';
// The seed bench's load rows (bench/drive.js): a backend deploy, a frontend deploy, a rollback to a kept release and ten
// back-to-back deploys, each under load through nginx. `ctx` is what drive.js set up (daemon client, repository, load).
module.exports = (ctx) => {
  const { push, rollback, waitDeploy, served, underLoad, newBackendVersion, newFrontendVersion, FRONTEND_REPO, PORT } = ctx;

  async function backendDeploy(keepalive) {
    const { v, sha } = newBackendVersion();
    const r = await underLoad('api', keepalive, async () => {
      const p = await push(sha);
      const d = await waitDeploy(p.deploys['filmtrip-backend']);
      return { state: d.deploy.state, version: v };
    });
    r.ok = r.info.state === 'succeeded' && (await served()) === v;
    return r;
  }
  async function frontendDeploy(keepalive) {
    const { v, sha } = newFrontendVersion();
    const r = await underLoad('web', keepalive, async () => {
      const p = await push(sha, FRONTEND_REPO);
      const d = await waitDeploy(p.deploys['filmtrip-frontend']);
      return { state: d.deploy.state, version: v };
    });
    r.ok = r.info.state === 'succeeded' && (await served(PORT.web, '/')).includes(`>${v}<`);
    return r;
  }
  async function rollbackRow(keepalive, toSha, toVersion) {
    const r = await underLoad('api', keepalive, async () => {
      const id = await rollback(toSha);
      const d = await waitDeploy(id);
      return { state: d.deploy.state, version: toVersion, instant: d.steps.every((s) => !s.name.startsWith('build')) };
    });
    r.ok = r.info.state === 'succeeded' && (await served()) === toVersion && r.info.instant;
    return r;
  }
  async function tenDeploys(keepalive) {
    const r = await underLoad('api', keepalive, async () => {
      const states = [];
      for (let i = 0; i < 10; i++) {
        const { sha } = newBackendVersion();
        const p = await push(sha);
        states.push((await waitDeploy(p.deploys['filmtrip-backend'])).deploy.state);
      }
      return { states };
    }, 600);
    r.ok = r.info.states.every((s) => s === 'succeeded');
    return r;
  }

  return { backendDeploy, frontendDeploy, rollbackRow, tenDeploys };
};

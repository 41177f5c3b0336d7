'use strict';
// The no-contract app (samples/nocontract) under each strategy (issue 10): deploy, rollback to the release before,
// a release that crashes on start, one that never listens; keep-alive on and off; each under load through that
// service's nginx. Goals: 0 failed in every BlueGreen row and in Reload's hang row; Reload's other rows are reported
// (the app follows no shutdown contract, so pm2 reload is expected to lose requests).
const KINDS = ['deploy', 'rollback', 'crash', 'hang'];
const SWITCH = { crash: 'CRASH_ON_START', hang: 'HANG_ON_START' };

/** One row. Keeps s.live / s.previous (the release before it: under BlueGreen, the warm color's) up to date. */
async function row(ctx, name, kind, keepalive) {
  const { hook, loads, repo } = ctx;
  const s = ctx.all[name];
  const before = await hook.statusOf(name);
  const r = await loads.underLoad(`${s.nginx.apiUrl}/version`, keepalive, async () => {
    let id, to;
    if (kind === 'rollback') {
      to = s.previous;
      id = await hook.rollback(to.sha, name);
    } else {
      if (SWITCH[kind]) repo.write(`${name}/${SWITCH[kind]}`, 'yes\n');
      to = ctx.nextVersion(name, `${kind} ${name}`);
      if (SWITCH[kind]) repo.remove(`${name}/${SWITCH[kind]}`);
      id = (await hook.push(to.sha, `acme/${name}`)).deploys[name];
    }
    const d = await hook.waitDeploy(id);
    return { state: d.deploy.state, error: d.deploy.error, to };
  });
  const after = await hook.statusOf(name);
  const servedNow = await ctx.served(s.nginx.apiUrl);
  const good = kind === 'deploy' || kind === 'rollback';
  r.expected = good ? 'succeeded' : 'failed';
  r.state = r.info.state;
  r.servedAfter = servedNow;
  r.currentUnchanged = before.current?.releaseId === after.current?.releaseId;
  r.ok = r.state === r.expected && (good ? servedNow === r.info.to.v : r.currentUnchanged && servedNow === s.live.v);
  if (good && r.ok) [s.previous, s.live] = [s.live, r.info.to];
  r.goal = s.strategy === 'BlueGreen' || kind === 'hang' ? 'goal' : 'reported';
  await hook.idle(name);
  return r;
}

async function noContractRows(ctx) {
  const rows = {};
  for (const name of ['nc-reload', 'nc-bg']) {
    // A release before the live one, for the rollback rows.
    ctx.all[name].previous = ctx.all[name].live;
    ctx.all[name].live = await ctx.deploy(name);
    for (const keepalive of [true, false]) {
      for (const kind of KINDS) {
        const key = `${name}_${kind}_${keepalive ? 'on' : 'off'}`;
        ctx.log(`no-contract app, ${ctx.all[name].strategy}, ${kind}, keep-alive ${keepalive ? 'on' : 'off'}`);
        rows[key] = await row(ctx, name, kind, keepalive);
      }
    }
  }
  return rows;
}

/** Table rows for them. */
function noContractTable(r, add) {
  for (const name of ['nc-reload', 'nc-bg']) {
    for (const ka of ['on', 'off']) {
      for (const kind of KINDS) {
        const x = r[`${name}_${kind}_${ka}`];
        if (!x) continue;
        const strategy = name === 'nc-bg' ? 'BlueGreen' : 'Reload';
        const result = `${x.state}${x.ok ? '' : ` (WRONG: want ${x.expected}, serving ${x.servedAfter})`}; ${x.failed} / ${x.total} failed (${x.retriedReused} GETs sent again after a keep-alive close race), ${x.rps} req/s`;
        if (x.goal === 'goal') add(`No-contract app, ${strategy}, ${kind}, keep-alive ${ka}`, result, `0 failed, ${x.expected}`, x.failed === 0 && x.ok ? 'met' : 'missed');
        else add(`No-contract app, ${strategy}, ${kind}, keep-alive ${ka}`, result, 'reported', '—');
      }
    }
  }
}

module.exports = { row, noContractRows, noContractTable };

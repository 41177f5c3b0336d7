import { getJson, postJson, Unauthorized } from './api.js';
import { h, short, badge, seconds, age, deployLink, replace } from './dom.js';
import { confirmRollback, say, askToken } from './app.js';

// One card per service, refreshed every 2 s while shown.
export async function overview(view, signal) {
  const status = await getJson('/status', signal);
  replace(view, h('h1', {}, 'Services'), h('div', { class: 'cards' }, status.services.map(card)));
}

function card(s) {
  const live = s.current;
  const rows = [
    ['Live', live ? h('span', {}, h('code', { class: 'sha live-commit' }, short(live.commit)), ' ', live.message || '') : 'nothing deployed yet'],
  ];
  if (live) {
    rows.push(['Author', `${live.author || '—'} · ${age(live.authoredAt)}`]);
    rows.push(['Release', h('span', {}, h('code', {}, live.releaseId), ` · live ${age(live.deployedAt)}`)]);
  }
  const last = s.lastDeploy;
  rows.push(['Last deploy', last ? h('span', {}, badge(last.state), ' ', deployLink(last.id, short(last.commit)), ` ${age(last.finishedAt)}`) : '—']);
  if (s.running)
    rows.push(['Running', h('span', { class: 'running', title: s.running.step || '' }, badge('running'), ' ', deployLink(s.running.id, cut(s.running.step || 'starting')),
      ` · ${seconds(s.running.elapsedSeconds)}`)]);
  rows.push(['Queue', String(s.queued)]);
  rows.push(['Strategy', s.strategy]);
  return h('section', { class: 'card service', 'data-service': s.name },
    h('header', {}, h('h2', {}, h('a', { href: `#/services/${encodeURIComponent(s.name)}` }, s.name)), last ? badge(last.state) : null),
    h('dl', {}, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    s.colors ? colors(s.colors) : null,
    releases(s));
}

function colors(list) {
  return h('div', {}, h('h3', { class: 'muted' }, 'Colors'), h('ul', { class: 'plain' }, list.map((c) =>
    h('li', {}, badge(c.state), h('strong', {}, c.color), `port ${c.port}`, h('code', {}, c.release || '—'), h('code', {}, short(c.commit))))));
}

function releases(s) {
  const liveId = s.current && s.current.releaseId;
  return h('div', {}, h('h3', { class: 'muted' }, `Kept releases (${s.releases.length})`),
    h('ul', { class: 'plain releases' }, s.releases.map((r) =>
      h('li', { 'data-release': r.releaseId }, h('code', {}, r.releaseId), h('code', { class: 'sha' }, short(r.commit)),
        r.releaseId === liveId ? badge('live')
          : r.commit ? h('button', { type: 'button', class: 'rollback', onclick: () => rollback(s.name, r) }, 'Roll back') : null))));
}

async function rollback(service, release) {
  const text = `Roll back ${service} to release ${release.releaseId}, commit ${short(release.commit)} (${release.commit})? ` +
    'It goes live through the normal deploy queue, ahead of waiting pushes.';
  if (!(await confirmRollback(text))) return;
  try {
    const accepted = await postJson('/rollback', { service, commit: release.commit });
    const id = accepted.deploys[0].deployId;
    say(`Rollback of ${service} to ${short(release.commit)} queued as deploy ${id}.`, 'info');
  } catch (e) {
    if (e instanceof Unauthorized) askToken('Rolling back needs the API token: ' + e.message);
    else say(`Rollback refused: ${e.message}`);
  }
}

// A build step is named after its whole command line: the card shows its start, the deploy page all of it.
const cut = (text) => (text.length > 48 ? text.slice(0, 47) + '…' : text);

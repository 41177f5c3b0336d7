import { getJson, readEvents, Unauthorized } from './api.js';
import { askToken } from './app.js';
import { h, badge, seconds, time, replace } from './dom.js';

const FINAL = new Set(['succeeded', 'failed', 'rolled_back', 'superseded', 'interrupted', 'skipped']);

// A deploy: summary, steps as a timeline (re-read each second while it runs) and its log, streamed live (SSE).
export async function deploy(view, signal, id) {
  const path = `/deploys/${encodeURIComponent(id)}`;
  const detail = await getJson(path, signal);
  const summary = h('dl', { class: 'card' });
  const timeline = h('ol', { class: 'timeline', id: 'steps' });
  const log = h('pre', { id: 'log', 'aria-live': 'polite' });
  replace(view,
    h('h1', {}, `Deploy ${id}`),
    h('div', { class: 'toolbar' }, h('a', { href: `#/services/${encodeURIComponent(detail.deploy.service)}` }, `← ${detail.deploy.service} deploys`)),
    summary, h('h2', {}, 'Steps'), timeline, h('h2', {}, 'Log'), log);
  render(detail, summary, timeline);
  follow(path, log, signal);
  while (!FINAL.has(detail.deploy.state) && !signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (signal.aborted) return;
    Object.assign(detail, await getJson(path, signal));
    render(detail, summary, timeline);
  }
}

function render({ deploy: d, steps }, summary, timeline) {
  replace(summary, [
    ['State', h('span', { id: 'deploy-state' }, badge(d.state))], ['Service', d.service], ['Trigger', d.trigger],
    ['Commit', h('code', {}, d.commit)], ['Release', h('code', {}, d.releaseId || '—')], ['Queued', time(d.queuedAt)],
    ['Duration', seconds(d.durationSeconds)], d.error ? ['Error', d.error] : null,
  ].filter((r) => r).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  const items = steps.map((s) => h('li', { class: s.succeeded ? 'ok' : 'failed' },
    h('strong', {}, s.name), ` · ${seconds(s.durationSeconds)}`, s.succeeded ? '' : ' · failed', s.detail ? h('div', { class: 'muted' }, s.detail) : null));
  if (d.currentStep) items.push(h('li', { class: 'current' }, h('strong', {}, d.currentStep), ' · running'));
  replace(timeline, items.length ? items : h('li', { class: 'current' }, FINAL.has(d.state) ? 'no steps' : 'waiting to start'));
}

// Appends each line as it comes; resumes after a dropped connection from the last line it got.
async function follow(path, log, signal) {
  let lastId = null;
  let lines = 0;
  let ended = false;
  const append = (name, data, id) => {
    lastId = id;
    if (name === 'line') { log.append(data + '\n'); lines++; log.scrollTop = log.scrollHeight; }
    if (name === 'end') { ended = true; log.dataset.ended = data; }
  };
  while (!ended && !signal.aborted) {
    try {
      lastId = await readEvents(path + '/log/stream', lastId, append, signal);
    } catch (e) {
      if (signal.aborted) return;
      if (e instanceof Unauthorized) { askToken('The log stream needs the API token: ' + e.message); return; }
      log.append(`[dashboard] log stream interrupted (${e.message}); retrying\n`);
    }
    if (!ended && !signal.aborted) await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  if (!signal.aborted && lines === 0) log.append('(empty log)\n');
}

import { getJson } from './api.js';
import { h, short, badge, seconds, time, deployLink, replace } from './dom.js';

const STATES = ['', 'queued', 'running', 'succeeded', 'failed', 'rolled_back', 'superseded', 'interrupted', 'skipped'];

// A service's deploys, newest first, filterable by state (the filter is part of the address: #/services/web?state=failed).
export async function history(view, signal, service, query) {
  const state = query.get('state') || '';
  const params = new URLSearchParams({ service, limit: '100' });
  if (state) params.set('state', state);
  const list = await getJson('/deploys?' + params, signal);
  const filter = h('select', { id: 'state-filter', onchange: (e) => {
    location.hash = `#/services/${encodeURIComponent(service)}` + (e.target.value ? `?state=${e.target.value}` : '');
  } }, STATES.map((s) => h('option', { value: s, selected: s === state }, s ? s.replace('_', ' ') : 'all states')));
  const rows = list.deploys.map((d) => h('tr', { 'data-state': d.state },
    h('td', {}, deployLink(d.id)), h('td', {}, badge(d.state)), h('td', {}, d.trigger), h('td', {}, h('code', {}, short(d.commit))),
    h('td', {}, time(d.queuedAt)), h('td', {}, seconds(d.durationSeconds)), h('td', { class: 'error' }, d.error || '')));
  replace(view,
    h('h1', {}, `${service}: deploys`),
    h('div', { class: 'toolbar' }, h('a', { href: '#/' }, '← services'), h('label', { for: 'state-filter' }, 'State'), filter),
    h('div', { class: 'scroll' }, h('table', { id: 'history' },
      h('thead', {}, h('tr', {}, ['Deploy', 'State', 'Trigger', 'Commit', 'Queued', 'Duration', 'Error'].map((t) => h('th', {}, t)))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 7 }, 'No deploys.'))))));
}

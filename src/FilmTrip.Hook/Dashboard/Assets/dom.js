// Builds elements from data with textContent only: nothing the API returns is ever parsed as HTML.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const short = (sha) => (sha ? sha.slice(0, 7) : '—');

export function badge(state) {
  return h('span', { class: `badge s-${state}` }, (state || 'none').replace('_', ' '));
}

export function seconds(s) {
  if (s === null || s === undefined) return '—';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function age(when) {
  if (!when) return '—';
  const s = Math.max(0, (Date.now() - new Date(when).getTime()) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export const time = (when) => (when ? new Date(when).toLocaleString() : '—');

export function deployLink(id, text) {
  return h('a', { href: `#/deploys/${encodeURIComponent(id)}` }, text || id);
}

// Swaps in the new children only when they differ: a refresh that changes nothing keeps the elements (and an open
// select or a focused button) as they are.
export function replace(container, ...children) {
  const next = children.flat(Infinity).filter((c) => c).map((c) => (c instanceof Node ? c : document.createTextNode(String(c))));
  const html = next.map((c) => (c instanceof Element ? c.outerHTML : c.textContent)).join('');
  if (container.childNodes.length && html === container.innerHTML) return;
  container.replaceChildren(...next);
}

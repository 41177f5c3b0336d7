// Talks to the daemon's API. The token lives in sessionStorage only (gone when the tab closes) and travels in the
// Authorization header, never in a URL: EventSource cannot send headers, so the log stream is read with fetch().
const KEY = 'filmtrip-hook-token';

export class Unauthorized extends Error {}

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

function headers(extra) {
  const h = new Headers(extra);
  const t = token.get();
  if (t) h.set('Authorization', 'Bearer ' + t);
  return h;
}

async function problem(response) {
  try {
    const body = await response.json();
    return body.detail || body.title || response.statusText;
  } catch {
    return response.statusText;
  }
}

export async function getJson(path, signal) {
  const response = await fetch(path, { headers: headers({ Accept: 'application/json' }), signal });
  if (response.status === 401) throw new Unauthorized(await problem(response));
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await problem(response)}`);
  return response.json();
}

export async function postJson(path, body) {
  const response = await fetch(path, {
    method: 'POST', headers: headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body),
  });
  if (response.status === 401) throw new Unauthorized(await problem(response));
  if (!response.ok) throw new Error(await problem(response));
  return response.json();
}

// Reads a text/event-stream and calls onEvent(name, data, id) per event until the server ends it or signal aborts.
// Returns the last event id seen, so a caller can resume with Last-Event-ID after a dropped connection.
export async function readEvents(path, lastId, onEvent, signal) {
  const extra = { Accept: 'text/event-stream' };
  if (lastId) extra['Last-Event-ID'] = lastId;
  const response = await fetch(path, { headers: headers(extra), signal });
  if (response.status === 401) throw new Unauthorized(await problem(response));
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await problem(response)}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return lastId;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message', data = [], id = null;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // a heartbeat comment
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') name = text;
        else if (field === 'data') data.push(text);
        else if (field === 'id') id = text;
      }
      if (id !== null) lastId = id;
      if (data.length) onEvent(name, data.join('\n'), lastId);
    }
  }
}

import { getJson, token, Unauthorized } from './api.js';
import { overview } from './overview.js';
import { history } from './history.js';
import { deploy } from './deploy.js';

// Hash routes: #/ (services), #/services/<name>[?state=...] (history), #/deploys/<id> (one deploy).
const $ = (id) => document.getElementById(id);
let current = null;
let readsNeedToken = true;

export function say(text, kind) {
  const box = $('message');
  box.textContent = text;
  box.className = kind || '';
  box.hidden = !text;
}

export function askToken(text) {
  token.clear();
  if (current) current.abort();
  say(text);
  $('view').replaceChildren();
  $('login').hidden = false;
  $('forget').hidden = true;
  $('token').focus();
}

export function confirmRollback(text) {
  const dialog = $('confirm');
  $('confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
  });
}

async function show() {
  if (current) current.abort();
  const controller = new AbortController();
  current = controller;
  const [path, search] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter((p) => p).map(decodeURIComponent);
  const query = new URLSearchParams(search || '');
  const view = $('view');
  const render = parts[0] === 'services' && parts[1] ? () => history(view, controller.signal, parts[1], query)
    : parts[0] === 'deploys' && parts[1] ? () => deploy(view, controller.signal, parts[1])
    : () => overview(view, controller.signal);
  const refresh = parts[0] !== 'deploys'; // the deploy page follows itself
  while (!controller.signal.aborted) {
    try {
      await render();
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      if ($('message').className !== 'info') say('');
    } catch (e) {
      if (controller.signal.aborted) return;
      if (e instanceof Unauthorized) {
        askToken(token.get()
          ? 'That API token was not accepted. Check it against Hook:ApiToken in the daemon\'s configuration and enter it again.'
          : 'This daemon needs its API token to show anything.');
        return;
      }
      say(`Could not load this page: ${e.message}`);
    }
    if (!refresh) return;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function start() {
  $('login').hidden = true;
  $('forget').hidden = !token.get();
  show();
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  token.set($('token').value.trim());
  $('token').value = '';
  say('');
  start();
});
$('forget').addEventListener('click', () => askToken('Token forgotten.'));
window.addEventListener('hashchange', () => { if ($('login').hidden) show(); });

(async () => {
  try {
    readsNeedToken = (await getJson('/ui/auth')).readsNeedToken;
  } catch (e) {
    say(`The daemon did not answer: ${e.message}`);
    return;
  }
  if (readsNeedToken && !token.get()) askToken('');
  else start();
})();

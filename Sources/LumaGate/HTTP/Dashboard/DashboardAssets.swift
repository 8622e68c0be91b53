/// The dashboard's page, script and stylesheet, compiled into the binary so a deployment stays
/// one file with nothing to copy beside it. Raw strings: the text is served exactly as written.
enum DashboardAssets {
    static let indexHTML = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>lumagate</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/style.css">
<script src="/dashboard/app.js" defer></script>
</head>
<body>
<header class="topbar">
  <a class="brand" href="#/gallery" aria-label="lumagate home"><span class="brand-mark" aria-hidden="true"></span>lumagate</a>
  <button id="nav-toggle" class="nav-toggle" type="button" aria-controls="nav" aria-expanded="false" aria-label="Menu" hidden>
    <span aria-hidden="true"></span><span aria-hidden="true"></span><span aria-hidden="true"></span>
  </button>
  <nav id="nav" aria-label="Main" hidden>
    <a href="#/gallery" data-nav="gallery">Gallery</a>
    <a href="#/playground" data-nav="playground">Playground</a>
    <a href="#/channels" data-nav="channels" data-admin-only>Channels</a>
    <a href="#/tokens" data-nav="tokens" data-admin-only>Tokens</a>
    <div class="session">
      <span id="role" class="role"></span>
      <button id="sign-out" type="button" class="button ghost small">Sign out</button>
    </div>
  </nav>
</header>

<main id="main">
  <section id="sign-in-view" class="sign-in" hidden>
    <form id="sign-in-form" class="card sign-in-card" autocomplete="off">
      <h1>Sign in</h1>
      <p class="muted">Paste a lumagate token. An admin token shows every task, the channels and the usage; any other token shows its own tasks.</p>
      <label for="token-input">Token</label>
      <input id="token-input" name="token" type="password" spellcheck="false" required placeholder="the secret from lumagate token create">
      <p id="sign-in-error" class="error" role="alert" hidden></p>
      <button id="sign-in" type="submit" class="button primary">Sign in</button>
      <p class="muted small">The token stays in this browser (localStorage) until you sign out.</p>
    </form>
  </section>
  <section id="view" aria-live="polite" hidden></section>
</main>
<div id="toast" class="toast" role="status" hidden></div>
</body>
</html>
"""#

    static let appJS = #"""
// lumagate dashboard: one script, no framework. Views are hash routes; every API call carries
// the pasted token, so the page can do exactly what that token can and nothing more.
'use strict';

const STATES = ['pending', 'processing', 'completed', 'failed'];
const ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9', '9:21'];
const TOKEN_KEY = 'lumagate.token';

const session = { token: null, role: null };
// Each render bumps this; timers and fetches from an older view see it changed and stop, so
// leaving a page never leaves its polling behind.
let viewGeneration = 0;

const $ = (selector, root = document) => root.querySelector(selector);

// Builds DOM nodes. Text always goes in as text nodes: prompts and failure reasons are written
// by clients, so nothing from the API is ever parsed as HTML.
function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class APIError extends Error {
  constructor(status, code, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

async function api(path, { method = 'GET', body, token = session.token } = {}) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    const error = new APIError(response.status, data?.code, data?.detail);
    // A token revoked or deleted while the page is open: back to the sign-in form, saying why.
    if (token === session.token && (response.status === 401 || data?.code === 'token_disabled')) {
      signOut(error.message);
    }
    throw error;
  }
  return data;
}

// --- Formatting -------------------------------------------------------------------------------

function timeAgo(iso) {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${Math.floor(seconds)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

function timeElement(iso) {
  return h('time', { datetime: iso, title: new Date(iso).toLocaleString() }, timeAgo(iso));
}

function badge(state) {
  return h('span', { class: `badge ${state}`, 'data-state-badge': state }, state);
}

function number(value) {
  return value === null || value === undefined ? '∞' : Number(value).toLocaleString();
}

// Pretty-printed JSON with its keys, strings, numbers and literals colored.
function jsonBlock(value, id) {
  const pre = h('pre', { class: 'json', id, tabindex: 0 });
  const text = JSON.stringify(value, null, 2) ?? 'null';
  const pattern = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    pre.append(text.slice(last, match.index));
    if (match[1]) {
      pre.append(h('span', { class: match[2] ? 'k' : 's' }, match[1]));
      if (match[2]) pre.append(match[2]);
    } else {
      pre.append(h('span', { class: match[3] ? 'l' : 'n' }, match[0]));
    }
    last = match.index + match[0].length;
  }
  pre.append(text.slice(last));
  return pre;
}

function toast(message) {
  const node = $('#toast');
  node.textContent = message;
  node.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { node.hidden = true; }, 3500);
}

// One task in either source's shape: the admin API's summary, or a client's relay-format object.
function normalize(task) {
  if ('token_id' in task) return task;
  return {
    id: task.id,
    kind: 'video',
    state: task.state,
    prompt: task.request?.prompt ?? task.prompt ?? '',
    failure_reason: task.failure_reason,
    created_at: task.created_at,
    video_url: task.video?.url ?? null,
    thumbnail_url: task.thumbnail?.url ?? null,
    aspect_ratio: task.request?.aspect_ratio,
  };
}

const unfinished = (state) => state === 'pending' || state === 'processing';

// --- Session ----------------------------------------------------------------------------------

// The admin API answers 200 to admin tokens and 403 `forbidden` to every other valid token.
async function roleOf(token) {
  try {
    await api('/admin/usage', { token });
    return 'admin';
  } catch (error) {
    if (error.status === 403 && error.code === 'forbidden') return 'client';
    throw error;
  }
}

async function signIn(token, { quiet = false } = {}) {
  const errorNode = $('#sign-in-error');
  errorNode.hidden = true;
  try {
    const role = await roleOf(token);
    session.token = token;
    session.role = role;
    localStorage.setItem(TOKEN_KEY, token);
    document.body.dataset.role = role;
    $('#token-input').value = '';
    showChrome();
    route();
  } catch (error) {
    if (quiet) { localStorage.removeItem(TOKEN_KEY); showSignIn(); return; }
    errorNode.textContent = error.status === 401
      ? 'This token is not accepted: check that it was copied whole.'
      : error.message;
    errorNode.hidden = false;
  }
}

function signOut(reason) {
  session.token = null;
  session.role = null;
  localStorage.removeItem(TOKEN_KEY);
  delete document.body.dataset.role;
  viewGeneration++;
  showSignIn();
  if (reason) {
    const errorNode = $('#sign-in-error');
    errorNode.textContent = reason;
    errorNode.hidden = false;
  }
}

function showSignIn() {
  $('#sign-in-view').hidden = false;
  $('#view').hidden = true;
  $('#view').replaceChildren();
  $('#nav').hidden = true;
  $('#nav-toggle').hidden = true;
  $('#token-input').focus();
}

function showChrome() {
  $('#sign-in-view').hidden = true;
  $('#view').hidden = false;
  $('#nav').hidden = false;
  $('#nav-toggle').hidden = false;
  for (const link of document.querySelectorAll('[data-admin-only]')) link.hidden = session.role !== 'admin';
  const role = $('#role');
  role.textContent = session.role;
  role.className = `role ${session.role}`;
}

function setNavOpen(open) {
  $('#nav').classList.toggle('open', open);
  $('#nav-toggle').setAttribute('aria-expanded', String(open));
}

// --- Routing ----------------------------------------------------------------------------------

function parseHash() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [name, ...rest] = path.split('/');
  return { name: name || 'gallery', argument: rest.join('/'), params: new URLSearchParams(query) };
}

const views = { gallery: galleryView, task: taskView, channels: channelsView, tokens: tokensView, playground: playgroundView };
const adminViews = new Set(['channels', 'tokens']);

function route() {
  if (!session.token) return;
  setNavOpen(false);
  const { name, argument, params } = parseHash();
  const generation = ++viewGeneration;
  for (const link of document.querySelectorAll('#nav > a')) {
    if (link.dataset.nav === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const view = $('#view');
  view.replaceChildren();
  view.dataset.view = name;
  const titles = { gallery: 'Gallery', task: 'Task', channels: 'Channels', tokens: 'Tokens', playground: 'Playground' };
  document.title = `${titles[name] ?? 'Gallery'} · lumagate`;
  if (adminViews.has(name) && session.role !== 'admin') {
    view.append(h('div', { class: 'card empty' }, 'This page is for admin tokens.'));
    return;
  }
  const render = views[name] ?? galleryView;
  render(view, { argument, params, live: () => generation === viewGeneration }).catch((error) => {
    if (generation !== viewGeneration) return;
    view.append(h('p', { class: 'error', role: 'alert' }, error.message));
  });
}

// Polls `step` every `interval` ms while the view is current and `step` answers true.
function poll(live, interval, step) {
  const tick = async () => {
    if (!live()) return;
    let again = false;
    try { again = await step(); } catch (error) { again = live(); }
    if (again && live()) setTimeout(tick, interval);
  };
  setTimeout(tick, interval);
}

// --- Gallery ----------------------------------------------------------------------------------

async function galleryView(view, { params, live }) {
  const admin = session.role === 'admin';
  const filters = { state: params.get('state') ?? '', token: params.get('token') ?? '', channel: params.get('channel') ?? '' };
  const grid = h('div', { class: 'grid', id: 'gallery' });
  const summary = h('span', { class: 'muted small', id: 'gallery-count' });

  const select = (id, label, value, options) => h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id, onchange: applyFilters },
      h('option', { value: '' }, 'All'),
      options.map((option) => h('option', { value: option, selected: option === value }, option))));

  function applyFilters() {
    const next = new URLSearchParams();
    for (const key of ['state', 'token', 'channel']) {
      const value = $(`#filter-${key}`)?.value;
      if (value) next.set(key, value);
    }
    const query = next.toString();
    location.hash = `#/gallery${query ? `?${query}` : ''}`;
  }

  const filterBar = h('div', { class: 'filters', role: 'search' }, select('filter-state', 'State', filters.state, STATES));
  view.append(
    h('div', { class: 'view-head' },
      h('div', {}, h('h1', {}, 'Gallery'), summary),
      filterBar),
    grid);

  if (admin) {
    // Names to filter by: every token, and every channel stored or seen on a task.
    const [usage, channels] = await Promise.all([api('/admin/usage'), api('/admin/channels')]);
    const channelNames = new Set(['sandbox', ...channels.channels.map((channel) => channel.name)]);
    if (filters.channel) channelNames.add(filters.channel);
    filterBar.append(
      select('filter-token', 'Token', filters.token, usage.tokens.map((token) => token.name)),
      select('filter-channel', 'Channel', filters.channel, [...channelNames]));
  }

  let shown = null;
  const load = async () => {
    let tasks;
    let total;
    if (admin) {
      const query = new URLSearchParams({ limit: '60' });
      for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
      const page = await api(`/admin/tasks?${query}`);
      tasks = page.tasks;
      total = page.total;
    } else {
      tasks = (await api('/luma/generations?limit=60')).map(normalize);
      if (filters.state) tasks = tasks.filter((task) => task.state === filters.state);
      total = tasks.length;
    }
    if (!live()) return false;
    // Re-render only when something changed, so a video playing under the pointer keeps playing.
    const signature = tasks.map((task) => `${task.id}:${task.state}`).join(',');
    if (signature !== shown) {
      shown = signature;
      grid.replaceChildren(...(tasks.length ? tasks.map(taskCard) : [emptyGallery(filters)]));
    }
    summary.textContent = `${total} task${total === 1 ? '' : 's'}${tasks.length < total ? `, newest ${tasks.length} shown` : ''}`;
    return tasks.some((task) => unfinished(task.state));
  };
  if (await load()) poll(live, 3000, load);
}

function emptyGallery(filters) {
  const filtered = Object.values(filters).some(Boolean);
  return h('div', { class: 'card empty' },
    filtered ? 'No task matches these filters.' : h('span', {}, 'No tasks yet. ', h('a', { href: '#/playground' }, 'Make one in the playground'), '.'));
}

function mediaPreview(task, { large = false } = {}) {
  const box = h('div', { class: 'media' });
  if (task.state === 'completed' && task.video_url) {
    const video = h('video', {
      src: task.video_url, poster: task.thumbnail_url, muted: true, loop: true, playsinline: true,
      preload: large ? 'auto' : 'none', controls: large, autoplay: large,
      'aria-label': `Video: ${task.prompt}`,
    });
    // The attribute alone does not mute a video created from script; autoplay needs it muted.
    video.muted = true;
    box.append(video);
    if (!large) {
      box.append(h('span', { class: 'play-hint', 'aria-hidden': 'true' }, '▶ Preview'));
      box.addEventListener('mouseenter', () => { video.play().catch(() => {}); });
      box.addEventListener('mouseleave', () => { video.pause(); });
      // Phones have no hover: the first tap plays (or pauses) instead of opening the task.
      box.addEventListener('touchend', (event) => {
        if (video.paused) { event.preventDefault(); video.play().catch(() => {}); }
      });
    }
  } else if (task.state === 'completed' && task.thumbnail_url) {
    box.append(h('img', { src: task.thumbnail_url, alt: task.prompt, loading: 'lazy' }));
  } else if (unfinished(task.state)) {
    box.append(h('div', { class: 'placeholder' }, h('div', { class: 'spinner', 'aria-hidden': 'true' }), task.state === 'pending' ? 'Queued' : 'Dreaming…'));
  } else {
    box.append(h('div', { class: 'placeholder' }, h('strong', { style: 'font-size:28px;color:#f87171' }, '!'), 'No video'));
  }
  if (!large) box.append(badge(task.state));
  return box;
}

function taskCard(task) {
  return h('article', { class: 'card task-card', dataset: { taskId: task.id, state: task.state } },
    h('a', { href: `#/task/${task.id}`, 'aria-label': `Task ${task.id}: ${task.state}` },
      mediaPreview(task),
      h('div', { class: 'card-body' },
        h('p', { class: 'prompt', title: task.prompt }, task.prompt || '(no prompt)'),
        task.state === 'failed' && task.failure_reason ? h('p', { class: 'failure', 'data-failure': '' }, task.failure_reason) : null,
        h('div', { class: 'meta' },
          timeElement(task.created_at),
          task.token_name ? h('span', { title: 'token' }, 'by ', h('strong', {}, task.token_name)) : null,
          task.channel ? h('span', { title: 'channel' }, 'via ', h('strong', {}, task.channel)) : null,
          task.kind && task.kind !== 'video' ? h('span', {}, task.kind)  : null))));
}

// --- Task page --------------------------------------------------------------------------------

async function taskView(view, { argument: id, live }) {
  const back = h('a', { href: '#/gallery', class: 'small' }, '← Gallery');
  view.append(h('div', { class: 'view-head' }, h('div', {}, back, h('h1', {}, 'Task'), h('code', { class: 'muted small', id: 'task-id' }, id))));
  const body = h('div', {});
  view.append(body);

  // Both faces of the task and its events: admins get them in one call; a client asks each.
  const fetchTask = async () => {
    if (session.role === 'admin') {
      const detail = await api(`/admin/tasks/${encodeURIComponent(id)}`);
      return { task: detail.task, events: detail.events, relay: detail.relay, official: detail.dream_machine };
    }
    const [relay, official, events] = await Promise.allSettled([
      api(`/luma/generations/${encodeURIComponent(id)}`),
      api(`/dream-machine/v1/generations/${encodeURIComponent(id)}`),
      api(`/luma/generations/${encodeURIComponent(id)}/events`),
    ]);
    if (relay.status === 'rejected' && official.status === 'rejected') throw relay.reason;
    const task = relay.status === 'fulfilled' ? normalize(relay.value) : normalizeOfficial(official.value);
    return {
      task, events: events.status === 'fulfilled' ? events.value : null,
      relay: relay.status === 'fulfilled' ? relay.value : { error: relay.reason.message },
      official: official.status === 'fulfilled' ? official.value : { error: official.reason.message },
    };
  };

  let shownState = null;
  const load = async () => {
    const detail = await fetchTask();
    if (!live()) return false;
    const { task } = detail;
    // The player restarts only when the state changes, not on every refresh.
    if (task.state !== shownState) {
      shownState = task.state;
      body.replaceChildren(renderTask(detail));
    } else {
      body.querySelector('#events')?.replaceWith(timeline(detail.events));
      $('#json-relay', body)?.replaceWith(jsonBlock(detail.relay, 'json-relay'));
      $('#json-official', body)?.replaceWith(jsonBlock(detail.official, 'json-official'));
    }
    return unfinished(task.state);
  };
  if (await load()) poll(live, 2000, load);
}

function normalizeOfficial(generation) {
  const states = { queued: 'pending', dreaming: 'processing' };
  return {
    id: generation.id, kind: generation.generation_type ?? 'video', state: states[generation.state] ?? generation.state,
    prompt: generation.request?.prompt ?? '', failure_reason: generation.failure_reason, created_at: generation.created_at,
    video_url: generation.assets?.video ?? null, thumbnail_url: generation.assets?.image ?? null,
  };
}

function renderTask({ task, events, relay, official }) {
  const facts = [
    ['State', badge(task.state)],
    ['Prompt', task.prompt],
    task.failure_reason ? ['Failure', h('span', { class: 'failure' }, task.failure_reason)] : null,
    ['Created', h('span', {}, new Date(task.created_at).toLocaleString(), ' · ', timeElement(task.created_at))],
    task.aspect_ratio ? ['Aspect ratio', task.aspect_ratio] : null,
    task.model ? ['Model', task.model] : null,
    task.token_name ? ['Token', task.token_name] : null,
    task.channel ? ['Channel', task.channel] : null,
    task.price !== undefined ? ['Price', `${task.price} credits`] : null,
    task.video_url ? ['Video', h('a', { href: task.video_url, download: '' }, 'Download MP4')] : null,
  ].filter(Boolean);
  const large = mediaPreview(task, { large: true });
  const media = large.querySelector('video, img');
  if (media) media.id = 'task-media';
  return h('div', {},
    h('div', { class: 'task-layout' },
      h('div', { class: 'card stage' }, large,
        h('div', { class: 'panel' }, h('dl', { class: 'facts' }, facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])))),
      h('section', { class: 'card panel', 'aria-labelledby': 'timeline-title' },
        h('h2', { id: 'timeline-title' }, 'Timeline'), timeline(events))),
    h('div', { class: 'json-pair' },
      h('section', { class: 'card panel', 'aria-label': 'Relay format JSON' },
        h('h2', {}, 'Relay format', h('code', {}, 'GET /luma/generations/{id}')), jsonBlock(relay, 'json-relay')),
      h('section', { class: 'card panel', 'aria-label': 'Official format JSON' },
        h('h2', {}, 'Official format', h('code', {}, 'GET /dream-machine/v1/generations/{id}')), jsonBlock(official, 'json-official'))));
}

function timeline(events) {
  if (!events) return h('p', { class: 'muted small', id: 'events' }, 'The timeline could not be read.');
  return h('ol', { class: 'timeline', id: 'events' },
    events.map((event) => h('li', { class: event.to, dataset: { eventTo: event.to } },
      h('div', {}, event.from ? `${event.from} → ` : '', h('strong', {}, event.to)),
      event.reason ? h('div', { class: 'small' }, event.reason) : null,
      h('div', { class: 'when' }, new Date(event.at).toLocaleTimeString(), ' · ', timeElement(event.at)))));
}

// --- Channels ---------------------------------------------------------------------------------

async function channelsView(view, { live }) {
  const list = h('div', { class: 'grid', id: 'channels' });
  view.append(
    h('div', { class: 'view-head' }, h('div', {}, h('h1', {}, 'Channels'),
      h('span', { class: 'muted small' }, 'Upstream accounts new tasks are routed to. Channels added or enabled are used from the next start.'))),
    list);
  const load = async () => {
    const { channels } = await api('/admin/channels');
    if (!live()) return;
    list.replaceChildren(...(channels.length ? channels.map((channel) => channelCard(channel, load)) : [
      h('div', { class: 'card empty' }, 'No upstream channels: new tasks go to the built-in sandbox engine. Add one with ',
        h('code', {}, 'lumagate channel add'), ' or ', h('code', {}, 'POST /admin/channels'), '.'),
    ]));
  };
  await load();
}

function channelCard(channel, reload) {
  const healthClass = { ok: 'ok', disabled: 'disabled' }[channel.health] ?? 'restart';
  const cap = channel.max_in_flight;
  const share = cap ? Math.min(100, (channel.in_flight / cap) * 100) : 0;
  const result = h('p', { class: 'test-result', 'data-test-result': '', hidden: true, role: 'status' });
  const action = (label, path, className = '') => h('button', {
    type: 'button', class: `button small ${className}`, 'data-action': label.toLowerCase(),
    onclick: async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      try {
        const answer = await api(`/admin/channels/${encodeURIComponent(channel.name)}/${path}`, { method: 'POST' });
        if (path === 'test') {
          result.textContent = `${answer.ok ? '✓ ' : '✗ '}${answer.detail}`;
          result.className = `test-result ${answer.ok ? 'ok' : 'bad'}`;
          result.hidden = false;
        } else {
          toast(`${channel.name}: ${path}d`);
          await reload();
        }
      } catch (error) {
        toast(error.message);
      } finally {
        button.disabled = false;
      }
    },
  }, label);
  return h('article', { class: 'card channel-card', dataset: { channel: channel.name, health: channel.health } },
    h('header', {}, h('div', {}, h('h2', {}, channel.name), h('span', { class: 'muted small' }, channel.kind)),
      h('span', { class: `badge ${healthClass}`, 'data-health': channel.health }, channel.health)),
    channel.disabled_reason ? h('p', { class: 'failure', 'data-disabled-reason': '' }, channel.disabled_reason) : null,
    h('div', {},
      h('div', { class: 'meta', style: 'justify-content:space-between' }, h('span', {}, 'In flight'),
        h('span', { 'data-in-flight': '' }, `${channel.in_flight} / ${cap ?? 'no cap'}`)),
      h('div', { class: `bar${cap && channel.in_flight >= cap ? ' full' : ''}`, role: 'meter', 'aria-label': 'tasks in flight',
        'aria-valuemin': 0, 'aria-valuemax': cap ?? channel.in_flight, 'aria-valuenow': channel.in_flight },
      h('span', { style: `width:${share}%` }))),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Priority'), h('dd', {}, channel.priority),
      h('dt', {}, 'Weight'), h('dd', {}, channel.weight),
      h('dt', {}, 'Models'), h('dd', {}, channel.models.length ? channel.models.map((model) => h('span', { class: 'chip' }, model)) : 'all'),
      h('dt', {}, 'Base URL'), h('dd', {}, h('code', {}, channel.base_url)),
      h('dt', {}, 'Key'), h('dd', {}, h('code', {}, channel.key))),
    result,
    h('div', { class: 'actions' },
      action('Test', 'test'),
      channel.enabled ? action('Disable', 'disable', 'danger') : action('Enable', 'enable', 'primary')));
}

// --- Tokens -----------------------------------------------------------------------------------

async function tokensView(view, { live }) {
  const usage = await api('/admin/usage');
  if (!live()) return;
  const stat = (label, value, id) => h('div', { class: 'card stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value', id }, value));
  const counts = (tasks) => h('div', { class: 'counts' },
    STATES.map((state) => h('span', { class: `count ${state}`, title: state, dataset: { count: state } }, tasks[state] ?? 0)));
  const rows = usage.tokens.map((token) => {
    const share = token.quota ? Math.min(100, (token.used / token.quota) * 100) : 0;
    return h('tr', { dataset: { token: token.name } },
      h('td', {}, h('strong', {}, token.name), token.admin ? h('span', { class: 'chip' }, 'admin') : null,
        token.state !== 'active' ? h('span', { class: 'badge failed' }, token.state) : null),
      h('td', { class: 'num' }, number(token.quota)),
      h('td', { class: 'num', 'data-used': '' }, number(token.used)),
      h('td', { class: 'num' }, number(token.remaining)),
      h('td', {}, token.quota ? h('div', { class: 'bar usage-bar', title: `${Math.round(share)}% used` }, h('span', { style: `width:${share}%` })) : h('span', { class: 'muted small' }, 'no quota')),
      h('td', { class: 'num' }, number(token.charged)),
      h('td', { class: 'num' }, number(token.refunded)),
      h('td', {}, counts(token.tasks)));
  });
  const totalTasks = STATES.reduce((sum, state) => sum + (usage.tasks[state] ?? 0), 0);
  view.append(
    h('div', { class: 'view-head' }, h('div', {}, h('h1', {}, 'Tokens'), h('span', { class: 'muted small' }, 'Credits and tasks per token.'))),
    h('div', { class: 'stats', id: 'totals' },
      stat('Charged', number(usage.charged), 'total-charged'),
      stat('Refunded', number(usage.refunded), 'total-refunded'),
      stat('Net', number(usage.net), 'total-net'),
      h('div', { class: 'card stat' }, h('div', { class: 'label' }, `Tasks · ${totalTasks}`), h('div', { style: 'margin-top:8px' }, counts(usage.tasks)))),
    h('div', { class: 'card table-wrap' },
      h('table', { id: 'tokens' },
        h('thead', {}, h('tr', {},
          ['Token', 'Quota', 'Used', 'Remaining', '', 'Charged', 'Refunded', 'Tasks'].map((title, index) =>
            h('th', { class: [1, 2, 3, 5, 6].includes(index) ? 'num' : null, scope: 'col' }, title)))),
        h('tbody', {}, rows))));
}

// --- Playground -------------------------------------------------------------------------------

function playgroundView(view, { live }) {
  let imageDataURI = null;
  const preview = h('div', { class: 'image-preview', id: 'image-preview' }, 'PNG, JPEG or WebP, up to 10 MiB');
  const fileInput = h('input', { type: 'file', id: 'image', accept: 'image/png,image/jpeg,image/webp' });
  fileInput.addEventListener('change', () => {
    const file = fileInput.files[0];
    imageDataURI = null;
    if (!file) { preview.replaceChildren('PNG, JPEG or WebP, up to 10 MiB'); return; }
    // The gateway takes the first frame inline as a data: URI, so no upload step is needed.
    const reader = new FileReader();
    reader.onload = () => {
      imageDataURI = reader.result;
      preview.replaceChildren(h('img', { src: imageDataURI, alt: 'First frame preview' }), `${file.name} · ${Math.round(file.size / 1024)} KiB`);
    };
    reader.onerror = () => preview.replaceChildren(h('span', { class: 'failure' }, 'This file could not be read.'));
    reader.readAsDataURL(file);
  });

  const submitError = h('p', { class: 'error', id: 'submit-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'submit' }, 'Generate video');
  const progress = h('section', { class: 'card progress-panel', id: 'progress', 'aria-live': 'polite', hidden: true });
  const idle = h('div', { class: 'card empty' }, 'Your video appears here once it is made.');

  const form = h('form', { class: 'card form', id: 'playground-form' },
    h('div', {}, h('label', { for: 'prompt' }, 'Prompt'),
      h('textarea', { id: 'prompt', required: true, maxlength: 5000, placeholder: 'a lighthouse in a storm, cinematic' })),
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'aspect-ratio' }, 'Aspect ratio'),
        h('select', { id: 'aspect-ratio' }, ASPECT_RATIOS.map((ratio) => h('option', { value: ratio }, ratio)))),
      h('div', {}, h('label', { for: 'image' }, 'First frame (optional)'), fileInput)),
    preview,
    submitError,
    h('div', {}, submit),
    h('p', { class: 'muted small' }, 'Tip: put ', h('code', {}, 'sandbox:fail'), ' in a prompt to see a failure in the sandbox engine.'));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitError.hidden = true;
    const body = { user_prompt: $('#prompt').value, aspect_ratio: $('#aspect-ratio').value };
    if (imageDataURI) body.image_url = imageDataURI;
    submit.disabled = true;
    try {
      const task = await api('/luma/generations', { method: 'POST', body });
      if (!live()) return;
      idle.hidden = true;
      follow(task, live, progress);
    } catch (error) {
      submitError.textContent = error.message;
      submitError.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });

  view.append(
    h('div', { class: 'view-head' }, h('div', {}, h('h1', {}, 'Playground'),
      h('span', { class: 'muted small' }, 'Submit a task as this token and watch it move.'))),
    h('div', { class: 'playground' }, form, h('div', {}, idle, progress)));
  return Promise.resolve();
}

// Shows a submitted task's state and elapsed time, polling it every second until it finishes.
function follow(task, live, panel) {
  const started = performance.now();
  const state = h('span', { id: 'progress-state' });
  const elapsed = h('span', { class: 'elapsed', id: 'elapsed' });
  const steps = h('div', { class: 'steps', 'aria-hidden': 'true' }, h('span'), h('span'), h('span'));
  const outcome = h('div', {});
  panel.hidden = false;
  panel.dataset.taskId = task.id;
  panel.replaceChildren(
    h('div', { class: 'progress-head' }, state, elapsed),
    steps,
    h('p', { class: 'prompt small', style: 'margin:0' }, task.request?.prompt ?? task.prompt),
    outcome,
    h('a', { href: `#/task/${task.id}`, class: 'small', id: 'progress-task-link' }, 'Open the task page →'));

  // Only the newest submission drives the panel.
  const mine = () => live() && panel.dataset.taskId === task.id;
  const show = (current) => {
    state.replaceChildren(badge(current.state));
    panel.dataset.state = current.state;
    const stage = { pending: 0, processing: 1, completed: 3, failed: 3 }[current.state];
    [...steps.children].forEach((step, index) => {
      step.className = index < stage ? 'done' : index === stage ? 'active' : '';
    });
    steps.classList.toggle('failed', current.state === 'failed');
    if (current.state === 'completed' && current.video?.url) {
      const video = h('video', { id: 'result', src: current.video.url, poster: current.thumbnail?.url, controls: true, autoplay: true, muted: true, loop: true, playsinline: true });
      video.muted = true;
      outcome.replaceChildren(video);
    } else if (current.state === 'failed') {
      outcome.replaceChildren(h('p', { class: 'error', id: 'failure-reason' }, current.failure_reason ?? 'The task failed.'));
    }
  };
  const tickClock = () => {
    if (!mine()) return;
    elapsed.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`;
    if (unfinished(panel.dataset.state)) requestAnimationFrame(tickClock);
  };
  show(task);
  tickClock();
  poll(mine, 1000, async () => {
    const current = await api(`/luma/generations/${encodeURIComponent(task.id)}`);
    if (!mine()) return false;
    show(current);
    if (!unfinished(current.state)) elapsed.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`;
    return unfinished(current.state);
  });
}

// --- Start ------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('#sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('#token-input').value.trim();
    if (token) signIn(token);
  });
  $('#sign-out').addEventListener('click', () => signOut());
  $('#nav-toggle').addEventListener('click', () => setNavOpen(!$('#nav').classList.contains('open')));
  window.addEventListener('hashchange', route);
  const saved = localStorage.getItem(TOKEN_KEY);
  if (saved) signIn(saved, { quiet: true });
  else showSignIn();
});
"""#

    static let styleCSS = #"""
:root {
  --bg: #f4f5f7;
  --card: #ffffff;
  --text: #1f2430;
  --muted: #6b7280;
  --line: #e5e7eb;
  --header: #111827;
  --accent: #6d5dfc;
  --accent-dark: #5546e0;
  --pending: #b7791f;
  --pending-bg: #fef3c7;
  --processing: #2563eb;
  --processing-bg: #dbeafe;
  --completed: #15803d;
  --completed-bg: #dcfce7;
  --failed: #b91c1c;
  --failed-bg: #fee2e2;
  --radius: 12px;
  --shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 4px 12px rgba(16, 24, 40, .06);
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
}

* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--text);
  background: var(--bg);
  overflow-wrap: anywhere;
}
a { color: var(--accent-dark); text-decoration: none; }
a:hover { text-decoration: underline; }
h1, h2, h3 { line-height: 1.25; margin: 0 0 .5em; }
h1 { font-size: 1.5rem; }
h2 { font-size: 1.15rem; }
code, pre { font-family: var(--mono); font-size: 13px; }
:focus-visible { outline: 3px solid rgba(109, 93, 252, .45); outline-offset: 2px; }

/* Header */
.topbar {
  position: sticky; top: 0; z-index: 10;
  display: flex; align-items: center; gap: 24px;
  padding: 0 24px; min-height: 56px;
  background: var(--header); color: #e5e7eb;
  box-shadow: 0 1px 0 rgba(255, 255, 255, .06), 0 4px 16px rgba(0, 0, 0, .18);
}
.brand { display: flex; align-items: center; min-height: 56px; gap: 10px; color: #fff; font-weight: 700; font-size: 17px; letter-spacing: .2px; }
.brand:hover { text-decoration: none; }
.brand-mark {
  width: 22px; height: 22px; border-radius: 7px;
  background: conic-gradient(from 200deg, #6d5dfc, #22d3ee, #f472b6, #6d5dfc);
  box-shadow: 0 0 12px rgba(109, 93, 252, .6);
}
#nav { display: flex; align-items: center; gap: 4px; flex: 1; }
#nav > a {
  color: #cbd5e1; padding: 8px 12px; border-radius: 8px; font-weight: 500;
}
#nav > a:hover { background: rgba(255, 255, 255, .08); color: #fff; text-decoration: none; }
#nav > a[aria-current="page"] { background: rgba(255, 255, 255, .12); color: #fff; }
.session { margin-left: auto; display: flex; align-items: center; gap: 10px; }
.role {
  font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .6px;
  padding: 3px 8px; border-radius: 999px; background: rgba(255, 255, 255, .1); color: #e5e7eb;
}
.role.admin { background: rgba(109, 93, 252, .3); color: #ddd6fe; }
.nav-toggle {
  margin-left: auto; display: none; width: 40px; height: 40px; border: 0; border-radius: 8px;
  background: transparent; cursor: pointer; padding: 10px 9px;
}
.nav-toggle span { display: block; height: 2px; margin: 4px 0; background: #e5e7eb; border-radius: 2px; }
.nav-toggle:hover { background: rgba(255, 255, 255, .08); }

/* Layout */
main { max-width: 1240px; margin: 0 auto; padding: 24px; }
.view-head { display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 12px; margin-bottom: 18px; }
.view-head h1 { margin: 0; }
.muted { color: var(--muted); }
.small { font-size: 13px; }
.card { background: var(--card); border-radius: var(--radius); box-shadow: var(--shadow); border: 1px solid rgba(16, 24, 40, .04); }
.panel { padding: 18px 20px; }
.empty { padding: 40px 20px; text-align: center; color: var(--muted); }
.error { color: var(--failed); background: var(--failed-bg); border-radius: 8px; padding: 8px 12px; margin: 8px 0; }

/* Controls */
label { font-weight: 600; font-size: 13px; display: block; margin-bottom: 6px; }
input[type="text"], input[type="password"], select, textarea {
  width: 100%; font: inherit; color: inherit; background: #fff;
  border: 1px solid #d1d5db; border-radius: 8px; padding: 9px 11px;
}
textarea { resize: vertical; min-height: 110px; }
input:focus, select:focus, textarea:focus { border-color: var(--accent); outline: 3px solid rgba(109, 93, 252, .18); }
.button {
  display: inline-flex; align-items: center; justify-content: center; gap: 6px;
  font: inherit; font-weight: 600; border-radius: 8px; padding: 9px 16px; cursor: pointer;
  border: 1px solid #d1d5db; background: #fff; color: var(--text);
}
.button:hover { background: #f9fafb; }
.button:disabled { opacity: .55; cursor: default; }
.button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
.button.primary:hover { background: var(--accent-dark); }
.button.danger { color: var(--failed); }
.button.small { padding: 5px 10px; font-size: 13px; }
.button.ghost { background: transparent; border-color: rgba(255, 255, 255, .25); color: #e5e7eb; }
.button.ghost:hover { background: rgba(255, 255, 255, .08); }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; }
.filters .field { min-width: 150px; }
.filters label { font-size: 12px; color: var(--muted); margin-bottom: 4px; }

/* Sign in */
.sign-in { display: grid; place-items: center; min-height: calc(100vh - 160px); }
.sign-in-card { width: 100%; max-width: 440px; padding: 28px; display: grid; gap: 10px; }
.sign-in-card h1 { margin: 0; }
.sign-in-card label { margin: 6px 0 0; }
.sign-in-card .button { margin-top: 4px; }

/* Badges */
.badge {
  display: inline-flex; align-items: center; gap: 6px;
  font-size: 12px; font-weight: 600; padding: 3px 9px; border-radius: 999px; white-space: nowrap;
  background: #f3f4f6; color: #374151;
}
.badge::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: currentColor; }
.badge.pending { background: var(--pending-bg); color: var(--pending); }
.badge.processing { background: var(--processing-bg); color: var(--processing); }
.badge.processing::before { animation: pulse 1.2s ease-in-out infinite; }
.badge.completed, .badge.ok { background: var(--completed-bg); color: var(--completed); }
.badge.failed, .badge.disabled { background: var(--failed-bg); color: var(--failed); }
.badge.restart { background: var(--pending-bg); color: var(--pending); }
@keyframes pulse { 50% { opacity: .25; } }
.chip { display: inline-block; font-size: 12px; padding: 2px 8px; border-radius: 6px; background: #eef2ff; color: #4338ca; margin: 2px 4px 2px 0; }

/* Gallery */
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 18px; }
.task-card { overflow: hidden; display: flex; flex-direction: column; transition: transform .15s ease, box-shadow .15s ease; }
.task-card:hover { transform: translateY(-2px); box-shadow: 0 2px 4px rgba(16, 24, 40, .08), 0 12px 28px rgba(16, 24, 40, .12); }
.task-card > a { color: inherit; display: flex; flex-direction: column; flex: 1; }
.task-card > a:hover { text-decoration: none; }
.media {
  position: relative; aspect-ratio: 16 / 9; background: #0f172a; overflow: hidden;
  display: grid; place-items: center; color: #94a3b8;
}
.media video, .media img { width: 100%; height: 100%; object-fit: cover; display: block; }
.media .badge { position: absolute; top: 10px; left: 10px; box-shadow: 0 1px 3px rgba(0, 0, 0, .2); }
.media .play-hint {
  position: absolute; right: 10px; bottom: 10px; font-size: 11px; color: #fff;
  background: rgba(0, 0, 0, .45); padding: 2px 8px; border-radius: 999px; pointer-events: none;
}
.placeholder { display: grid; place-items: center; gap: 8px; text-align: center; font-size: 13px; padding: 12px; }
.spinner {
  width: 28px; height: 28px; border-radius: 50%;
  border: 3px solid rgba(148, 163, 184, .3); border-top-color: #a5b4fc; animation: spin .9s linear infinite;
}
@keyframes spin { to { transform: rotate(360deg); } }
.card-body { padding: 12px 14px 14px; display: grid; gap: 6px; }
.prompt { margin: 0; font-weight: 500; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.failure { margin: 0; font-size: 13px; color: var(--failed); }
.meta { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px; color: var(--muted); }
.meta strong { font-weight: 600; color: #4b5563; }
td .chip, td .badge { margin-left: 8px; }

/* Task page */
.task-layout { display: grid; grid-template-columns: minmax(0, 2fr) minmax(260px, 1fr); gap: 18px; align-items: start; }
.stage { overflow: hidden; }
/* Capped in pixels too, so a tall window (or a whole-page screenshot) does not grow the player. */
.stage .media { aspect-ratio: auto; min-height: 240px; max-height: min(70vh, 600px); }
.stage .media video, .stage .media img { object-fit: contain; max-height: min(70vh, 600px); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; font-size: 14px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.timeline { list-style: none; margin: 0; padding: 0; position: relative; }
.timeline li { position: relative; padding: 0 0 16px 24px; }
.timeline li::before { content: ""; position: absolute; left: 5px; top: 6px; width: 10px; height: 10px; border-radius: 50%; background: var(--accent); }
.timeline li::after { content: ""; position: absolute; left: 9px; top: 18px; bottom: 0; width: 2px; background: var(--line); }
.timeline li:last-child::after { display: none; }
.timeline li.completed::before { background: var(--completed); }
.timeline li.failed::before { background: var(--failed); }
.timeline li.processing::before { background: var(--processing); }
.timeline li.pending::before { background: var(--pending); }
.timeline .when { font-size: 12px; color: var(--muted); }
.json-pair { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 18px; margin-top: 18px; }
.json-pair h2 { display: flex; justify-content: space-between; gap: 8px; align-items: baseline; }
.json-pair h2 code { font-size: 12px; color: var(--muted); font-weight: 400; }
pre.json {
  margin: 0; padding: 14px; border-radius: 8px; background: #0f172a; color: #e2e8f0;
  overflow: auto; max-height: 520px; white-space: pre; line-height: 1.45;
}
pre.json .k { color: #93c5fd; }
pre.json .s { color: #86efac; }
pre.json .n { color: #fcd34d; }
pre.json .l { color: #f9a8d4; }

/* Channels */
.channel-card { padding: 18px 20px; display: grid; gap: 12px; }
.channel-card header { display: flex; justify-content: space-between; gap: 8px; align-items: center; }
.channel-card h2 { margin: 0; }
.bar { height: 8px; border-radius: 999px; background: #eef0f4; overflow: hidden; }
.bar > span { display: block; height: 100%; background: linear-gradient(90deg, var(--accent), #22d3ee); border-radius: inherit; }
.bar.full > span { background: var(--failed); }
.actions { display: flex; flex-wrap: wrap; gap: 8px; }
.test-result { font-size: 13px; margin: 0; padding: 8px 10px; border-radius: 8px; }
.test-result.ok { background: var(--completed-bg); color: var(--completed); }
.test-result.bad { background: var(--failed-bg); color: var(--failed); }

/* Tokens */
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 14px; margin-bottom: 18px; }
.stat { padding: 14px 16px; }
.stat .value { font-size: 24px; font-weight: 700; }
.stat .label { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .5px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 10px 14px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .5px; font-weight: 600; background: #fafafb; }
tr:last-child td { border-bottom: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.counts { display: flex; gap: 4px; }
.count { font-size: 12px; padding: 1px 7px; border-radius: 6px; font-variant-numeric: tabular-nums; }
.count.pending { background: var(--pending-bg); color: var(--pending); }
.count.processing { background: var(--processing-bg); color: var(--processing); }
.count.completed { background: var(--completed-bg); color: var(--completed); }
.count.failed { background: var(--failed-bg); color: var(--failed); }
.usage-bar { width: 90px; }

/* Playground */
.playground { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.2fr); gap: 18px; align-items: start; }
.form { padding: 20px; display: grid; gap: 14px; }
.row { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.image-preview { display: flex; align-items: center; gap: 10px; font-size: 13px; color: var(--muted); }
.image-preview img { width: 64px; height: 64px; object-fit: cover; border-radius: 8px; border: 1px solid var(--line); }
.progress-panel { padding: 20px; display: grid; gap: 14px; }
.progress-head { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
.elapsed { font-variant-numeric: tabular-nums; color: var(--muted); font-size: 14px; }
.steps { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; }
.steps span { height: 6px; border-radius: 999px; background: #eef0f4; }
.steps span.done { background: var(--accent); }
.steps span.active { background: linear-gradient(90deg, var(--accent), #c4b5fd, var(--accent)); background-size: 200% 100%; animation: slide 1.2s linear infinite; }
.steps.failed span.done { background: var(--failed); }
@keyframes slide { to { background-position: -200% 0; } }
video#result { width: 100%; max-height: min(70vh, 600px); object-fit: contain; border-radius: 10px; background: #000; display: block; }

/* Toast */
.toast {
  position: fixed; left: 50%; bottom: 24px; transform: translateX(-50%); z-index: 20;
  background: #111827; color: #fff; padding: 10px 16px; border-radius: 10px; box-shadow: 0 8px 24px rgba(0, 0, 0, .25);
  max-width: calc(100vw - 32px);
}

/* Tablets */
@media (max-width: 900px) {
  .task-layout, .playground, .json-pair { grid-template-columns: minmax(0, 1fr); }
}

/* Phones: one column, the nav folds behind a menu button. */
@media (max-width: 720px) {
  main { padding: 14px; }
  .topbar { padding: 0 14px; flex-wrap: wrap; align-content: flex-start; gap: 0; }
  .nav-toggle { display: block; }
  #nav { display: none; flex-basis: 100%; flex-direction: column; align-items: stretch; padding: 6px 0 12px; }
  #nav.open { display: flex; }
  #nav > a { padding: 10px 12px; }
  .session { margin: 8px 0 0; padding: 10px 12px 0; border-top: 1px solid rgba(255, 255, 255, .1); justify-content: space-between; }
  .grid { grid-template-columns: minmax(0, 1fr); }
  .filters .field { flex: 1 1 140px; min-width: 0; }
  .row { grid-template-columns: minmax(0, 1fr); }
  .view-head h1 { font-size: 1.3rem; }
}

@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; }
}
"""#
}

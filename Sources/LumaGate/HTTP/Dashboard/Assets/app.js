// lumagate dashboard: one script, no framework. Views are hash routes; every API call carries
// the pasted token, so the page can do exactly what that token can and nothing more.
'use strict';

const STATES = ['pending', 'processing', 'completed', 'failed'];
const TOKEN_KEY = 'lumagate.token';

const session = { token: null, role: null };
// Each render bumps this; streams and fetches from an older view see it changed and stop, so
// leaving a page never leaves its following behind.
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
  for (const stream of openStreams) stream.abort();
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

// Streams of the views shown; a new view closes its predecessors'.
const openStreams = new Set();

// Follows the Server-Sent Events at `path` with the session's token while `live()` holds, handing
// each event's parsed `data` to `onEvent`, until it answers true. Nothing polls: the page hears of
// a change when the gateway sends it. A dropped connection is opened again after a second, with
// `Last-Event-ID`, so no change is missed.
async function followEvents(path, live, onEvent) {
  let lastEventID = null;
  while (live()) {
    const aborter = new AbortController();
    openStreams.add(aborter);
    try {
      const headers = { Authorization: `Bearer ${session.token}` };
      if (lastEventID) headers['Last-Event-ID'] = lastEventID;
      const response = await fetch(path, { headers, signal: aborter.signal });
      if (!response.ok) {
        let data = null;
        try { data = await response.json(); } catch { data = null; }
        throw new APIError(response.status, data?.code, data?.detail);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          let data = null;
          for (const line of buffer.slice(0, end).split('\n')) {
            if (line.startsWith('id: ')) lastEventID = line.slice(4);
            else if (line.startsWith('data: ')) data = line.slice(6);
          }
          buffer = buffer.slice(end + 2);
          if (data !== null && live() && await onEvent(JSON.parse(data))) return;
        }
      }
    } catch (error) {
      if (!live() || aborter.signal.aborted) return;
      if (error instanceof APIError && error.status !== 429 && error.status < 500) throw error;
    } finally {
      aborter.abort();
      openStreams.delete(aborter);
    }
    if (live()) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

// `load`, run at once when called, and once more after calls that came while it ran.
function refresher(load) {
  let running = null;
  let again = false;
  return async () => {
    if (running) { again = true; return; }
    running = (async () => {
      do {
        again = false;
        try { await load(); } catch { /* the next change tries again */ }
      } while (again);
    })();
    await running;
    running = null;
  };
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
  };
  // Any change to a task the page may show reads the page again: one stream, no timer.
  const refresh = refresher(load);
  followEvents(admin ? '/admin/stream' : '/luma/stream', live, () => { refresh(); }).catch(() => {});
  await load();
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
  if (!(await load())) return;
  // Until it is finished, each change of the task reads it again: the operator hears every
  // task's changes, a client follows this one's own stream.
  const refresh = refresher(load);
  const path = session.role === 'admin' ? '/admin/stream' : `/dream-machine/v1/generations/${encodeURIComponent(id)}/stream`;
  followEvents(path, live, async (changed) => {
    if (changed.id !== id) return false;
    await refresh();
    return !unfinished(shownState);
  }).catch(() => {});
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
      channel.upstream_queue == null ? null : h('dt', {}, 'Machine queue'),
      channel.upstream_queue == null ? null : h('dd', { 'data-upstream-queue': '' }, channel.upstream_queue),
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

// What the playground makes. Videos go through the relay face (every video model it takes);
// images and edits through the Agents face, which is the one that has them. The models, and each
// one's ratios and lengths, are the gateway's catalogue (GET /models).
const PLAYGROUND_KINDS = {
  video: { label: 'Video', face: 'luma', kind: 'video', ratios: true, fields: ['image', 'duration'] },
  image: { label: 'Image', face: 'agents', kind: 'image', ratios: true, fields: [] },
  image_edit: { label: 'Edit an image', face: 'agents', kind: 'image', operation: 'image_edit', ratios: true, fields: ['image'] },
  layering: { label: 'Split an image into layers', face: 'agents', kind: 'image', operation: 'layering', ratios: false, fields: ['image'] },
  video_edit: { label: 'Edit a video', face: 'agents', kind: 'video', operation: 'video_edit', ratios: false, fields: ['source'] },
  video_reframe: { label: 'Reframe a video', face: 'agents', kind: 'video', operation: 'video_reframe', ratios: true, fields: ['source'] },
};

// The catalogue's models that make `kind` through its face.
function modelsFor(catalogue, kind) {
  return catalogue.filter((model) => model.kind === kind.kind && model.faces.includes(kind.face)
    && (!kind.operation || model.operations.includes(kind.operation)));
}

// How each face's task reads into what the progress panel shows.
const FACES = {
  relay: {
    path: '/luma/generations/',
    read: (task) => ({ state: task.state, video: task.video?.url, poster: task.thumbnail?.url, failure: task.failure_reason }),
  },
  agents: {
    path: '/agents/v1/generations/',
    read: (generation) => ({
      state: generation.state === 'queued' ? 'pending' : generation.state,
      video: generation.output?.find((output) => output.type === 'video')?.url,
      image: generation.output?.find((output) => output.type === 'image')?.url,
      failure: generation.failure_reason,
    }),
  },
};

async function playgroundView(view, { live }) {
  const catalogue = (await api('/models')).data;
  if (!live()) return;
  let image = null; // { dataURI, base64, mediaType } of the chosen file
  const hint = 'PNG, JPEG or WebP, up to 10 MiB';
  const preview = h('div', { class: 'image-preview', id: 'image-preview' }, hint);
  const fileInput = h('input', { type: 'file', id: 'image', accept: 'image/png,image/jpeg,image/webp' });
  fileInput.addEventListener('change', () => {
    const file = fileInput.files[0];
    image = null;
    if (!file) { preview.replaceChildren(hint); return; }
    // Images travel inline as data, so no upload step is needed.
    const reader = new FileReader();
    reader.onload = () => {
      const [head, base64] = reader.result.split(',');
      image = { dataURI: reader.result, base64, mediaType: head.slice(5, head.indexOf(';')) };
      preview.replaceChildren(h('img', { src: reader.result, alt: 'Chosen image' }), `${file.name} · ${Math.round(file.size / 1024)} KiB`);
    };
    reader.onerror = () => preview.replaceChildren(h('span', { class: 'failure' }, 'This file could not be read.'));
    reader.readAsDataURL(file);
  });

  const kindSelect = h('select', { id: 'kind' }, Object.entries(PLAYGROUND_KINDS).map(([kind, { label }]) => h('option', { value: kind }, label)));
  const modelSelect = h('select', { id: 'model' });
  const ratioSelect = h('select', { id: 'aspect-ratio' });
  const imageLabel = h('label', { for: 'image' });
  const sourceInput = h('input', { id: 'source', placeholder: 'id of one of your finished videos', autocomplete: 'off' });
  const fields = {
    ratio: h('div', {}, h('label', { for: 'aspect-ratio' }, 'Aspect ratio'), ratioSelect),
    image: h('div', {}, imageLabel, fileInput),
    duration: h('div', {}, h('label', { for: 'duration' }, 'Length'), h('select', { id: 'duration' })),
    source: h('div', {}, h('label', { for: 'source' }, 'Video'), sourceInput),
  };
  // Fills `select` with `values`, keeping the choice made when it is still among them.
  const options = (select, values) => {
    const chosen = select.value;
    select.replaceChildren(...values.map((value) => h('option', { value }, value)));
    if (values.includes(chosen)) select.value = chosen;
  };
  const showModel = () => {
    const model = catalogue.find((entry) => entry.id === modelSelect.value);
    options(ratioSelect, model?.aspect_ratios ?? []);
    options($('#duration', fields.duration), model?.durations ?? []);
  };
  modelSelect.addEventListener('change', showModel);
  const showKind = () => {
    const kind = PLAYGROUND_KINDS[kindSelect.value];
    options(modelSelect, modelsFor(catalogue, kind).map((model) => model.id));
    showModel();
    fields.ratio.hidden = !kind.ratios;
    for (const name of ['image', 'duration', 'source']) fields[name].hidden = !kind.fields.includes(name);
    preview.hidden = !kind.fields.includes('image');
    imageLabel.textContent = { video: 'First frame (optional)', layering: 'Image to split' }[kindSelect.value] ?? 'Image to edit';
    submit.textContent = kindSelect.value === 'image' ? 'Generate image' : kindSelect.value === 'video' ? 'Generate video' : 'Make the edit';
  };
  kindSelect.addEventListener('change', showKind);

  const submitError = h('p', { class: 'error', id: 'submit-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'submit' });
  const progress = h('section', { class: 'card progress-panel', id: 'progress', 'aria-live': 'polite', hidden: true });
  const idle = h('div', { class: 'card empty' }, 'What you make appears here once it is made.');

  const form = h('form', { class: 'card form', id: 'playground-form' },
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'kind' }, 'Make'), kindSelect),
      h('div', {}, h('label', { for: 'model' }, 'Model'), modelSelect)),
    h('div', {}, h('label', { for: 'prompt' }, 'Prompt'),
      h('textarea', { id: 'prompt', required: true, maxlength: 5000, placeholder: 'a lighthouse in a storm, cinematic' })),
    h('div', { class: 'row' }, fields.ratio, fields.duration),
    h('div', { class: 'row' }, fields.image, fields.source),
    preview,
    submitError,
    h('div', {}, submit),
    h('p', { class: 'muted small' }, 'Tip: put ', h('code', {}, 'sandbox:fail'), ' in a prompt to see a failure in the sandbox engine.'));
  showKind();

  // The request for the chosen kind, and the face it goes to.
  const request = () => {
    const kind = kindSelect.value;
    const prompt = $('#prompt').value;
    if (kind === 'video') {
      const body = { user_prompt: prompt, aspect_ratio: ratioSelect.value, model_name: modelSelect.value, duration: $('#duration').value };
      if (image) body.image_url = image.dataURI;
      return { face: FACES.relay, path: '/luma/generations', body };
    }
    const body = { type: kind, model: modelSelect.value, prompt };
    if (PLAYGROUND_KINDS[kind].ratios) body.aspect_ratio = ratioSelect.value;
    if (kind === 'image_edit' || kind === 'layering') {
      if (!image) throw new Error(`Choose the image to ${kind === 'layering' ? 'split' : 'edit'}.`);
      body.source = { data: image.base64, media_type: image.mediaType };
    }
    if (kind === 'video_edit' || kind === 'video_reframe') {
      if (!sourceInput.value.trim()) throw new Error('Name the video to change by its id.');
      body.source = { generation_id: sourceInput.value.trim() };
    }
    return { face: FACES.agents, path: '/agents/v1/generations', body };
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submitError.hidden = true;
    submit.disabled = true;
    try {
      const { face, path, body } = request();
      const task = await api(path, { method: 'POST', body });
      if (!live()) return;
      idle.hidden = true;
      follow(task.id, $('#prompt').value, face, live, progress, (finished) => {
        // A finished video is the natural source of the next edit.
        if (finished.video && !sourceInput.value) sourceInput.value = task.id;
      });
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
}

// Shows a submitted task's state and elapsed time, following its stream on `face` until it
// finishes; `done` gets what it finished as.
function follow(id, prompt, face, live, panel, done) {
  const started = performance.now();
  const state = h('span', { id: 'progress-state' });
  const elapsed = h('span', { class: 'elapsed', id: 'elapsed' });
  const steps = h('div', { class: 'steps', 'aria-hidden': 'true' }, h('span'), h('span'), h('span'));
  const outcome = h('div', {});
  panel.hidden = false;
  panel.dataset.taskId = id;
  panel.replaceChildren(
    h('div', { class: 'progress-head' }, state, elapsed),
    steps,
    h('p', { class: 'prompt small', style: 'margin:0' }, prompt),
    outcome,
    h('a', { href: `#/task/${id}`, class: 'small', id: 'progress-task-link' }, 'Open the task page →'));

  // Only the newest submission drives the panel.
  const mine = () => live() && panel.dataset.taskId === id;
  const show = (current) => {
    state.replaceChildren(badge(current.state));
    panel.dataset.state = current.state;
    const stage = { pending: 0, processing: 1, completed: 3, failed: 3 }[current.state];
    [...steps.children].forEach((step, index) => {
      step.className = index < stage ? 'done' : index === stage ? 'active' : '';
    });
    steps.classList.toggle('failed', current.state === 'failed');
    if (current.state === 'completed' && current.video) {
      const video = h('video', { id: 'result', src: current.video, poster: current.poster, controls: true, autoplay: true, muted: true, loop: true, playsinline: true });
      video.muted = true;
      outcome.replaceChildren(video);
    } else if (current.state === 'completed' && current.image) {
      outcome.replaceChildren(h('img', { id: 'result-image', src: current.image, alt: prompt }));
    } else if (current.state === 'failed') {
      outcome.replaceChildren(h('p', { class: 'error', id: 'failure-reason' }, current.failure ?? 'The task failed.'));
    }
    if (!unfinished(current.state)) done?.(current);
  };
  const tickClock = () => {
    if (!mine()) return;
    elapsed.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`;
    if (unfinished(panel.dataset.state)) requestAnimationFrame(tickClock);
  };
  show({ state: 'pending' });
  tickClock();
  followEvents(face.path + encodeURIComponent(id) + '/stream', mine, (raw) => {
    const current = face.read(raw);
    show(current);
    if (!unfinished(current.state)) elapsed.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`;
    return !unfinished(current.state);
  }).catch((error) => { if (mine()) outcome.replaceChildren(h('p', { class: 'error' }, error.message)); });
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

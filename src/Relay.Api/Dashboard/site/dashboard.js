// Relay operator dashboard: one plain ES module, no dependencies, no build step.
// Every API call carries the signed-in key as a Bearer token; the key lives in
// sessionStorage only, so it is gone when the tab closes.

const API = '/api/v1/dashboard';
const KEY_STORAGE = 'relay.dashboard.key';
const ACCOUNT_STORAGE = 'relay.dashboard.account';
const FEED_LIMIT = 100;
const FEED_TAIL = 50;
const REJECTED_MESSAGE = "That key was not accepted. Use the relay's admin key or one of an account's API keys.";
const REVOKED_MESSAGE = 'Your key is no longer accepted; sign in again.';

// Each panel: where its data comes from, how often it is refetched, how it is drawn.
const PANELS = {
  fleet: { path: '/terminals', everyMs: 60_000, render: renderFleet },
  open: { path: '/open-transactions', everyMs: 10_000, render: renderOpen },
  webhooks: { path: '/webhooks', everyMs: 30_000, render: renderWebhooks },
  activity: { path: '/activity', everyMs: 30_000, render: renderActivity },
};

const $ = (selector, root = document) => root.querySelector(selector);

const els = {
  boot: $('#boot-status'),
  signin: $('#signin'),
  form: $('#signin-form'),
  key: $('#key'),
  submit: $('#signin-submit'),
  signinError: $('#signin-error'),
  session: $('#session'),
  whoami: $('#whoami'),
  accountPicker: $('#account-picker'),
  account: $('#account'),
  signout: $('#signout'),
  main: $('#main'),
  dashboard: $('#dashboard'),
  overview: $('#overview'),
  detail: $('#detail'),
  detailTitle: $('#detail-title'),
  detailBody: $('#detail-body'),
  feedList: $('#feed-list'),
  feedStatus: $('#feed-status'),
  feedNote: $('#feed-note'),
  feedScroll: $('#feed .feed-scroll'),
  fleetCount: $('#fleet-count'),
  openMeta: $('#open-meta'),
};

// The signed-in session: { key, scope, accountId }. Null when signed out.
let session = null;
// The running view for the current account choice; replaced on every change so
// late responses from an old view can be recognised and dropped.
let view = null;
let viewGeneration = 0;

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

// ---------------------------------------------------------------- formatting

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const minuteFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const digitCache = new Map();

function minorDigits(currency) {
  if (!currency) return 2;
  if (!digitCache.has(currency)) {
    let digits = 2;
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
    } catch {
      // Unknown currency code: two decimals is the common case.
    }
    digitCache.set(currency, digits);
  }
  return digitCache.get(currency);
}

function formatMoney(amount, currency) {
  if (amount == null) return '';
  const digits = minorDigits(currency);
  const value = new Intl.NumberFormat(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits })
    .format(amount / 10 ** digits);
  return currency ? `${value} ${currency}` : value;
}

function humanize(word) {
  return String(word ?? '').replaceAll('_', ' ');
}

function formatAge(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

function relativeTime(iso, now = Date.now()) {
  if (!iso) return 'never';
  const seconds = (now - Date.parse(iso)) / 1000;
  if (!Number.isFinite(seconds)) return iso;
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

function clockTime(iso, format = timeFormat) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso ?? '') : format.format(date);
}

function shortId(id) {
  return id ? String(id).slice(0, 8) : '';
}

// ---------------------------------------------------------------- DOM helpers

// Builds an element; children may be strings (set as text, never parsed) or nodes.
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else if (name.startsWith('data-') || name.startsWith('aria-') || name === 'role') el.setAttribute(name, value);
    else el[name] = value;
  }
  el.append(...children.flat().filter((c) => c != null && c !== false));
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value != null) el.setAttribute(name, String(value));
  }
  el.append(...children.filter((c) => c != null));
  return el;
}

function timeEl(iso, text) {
  if (!iso) return h('span', { class: 'muted' }, text ?? '—');
  return h('time', { dateTime: iso, title: iso }, text ?? clockTime(iso, dateTimeFormat));
}

function relativeTimeEl(iso) {
  const el = timeEl(iso, relativeTime(iso));
  if (iso) el.dataset.relative = iso;
  return el;
}

function stateText(online) {
  return online ? 'online' : 'offline';
}

function stateBadge(online, attrs = {}) {
  return h('span', { class: `state-inline ${online ? 'is-online' : 'is-offline'}`, ...attrs }, stateText(online));
}

function statusBadge(status) {
  return h('span', { class: `status status-${status}` }, humanize(status));
}

function transactionHref(id) {
  return `#/transactions/${encodeURIComponent(id)}`;
}

function transactionSummary(tx) {
  const money = formatMoney(tx.amount, tx.currency);
  return money ? `${humanize(tx.type)} ${money}` : humanize(tx.type);
}

// A table inside a scrollable, keyboard-focusable wrapper so wide tables never widen the page.
function table(caption, headers, rows) {
  const head = h('tr', {}, headers.map((label) => h('th', { scope: 'col' }, label)));
  return h('div', { class: 'table-wrap', tabIndex: 0, role: 'region', 'aria-label': caption },
    h('table', {}, h('caption', { class: 'visually-hidden' }, caption), h('thead', {}, head), h('tbody', {}, rows)));
}

function showAllAccounts() {
  return session?.scope.role === 'admin' && !session.accountId;
}

// ---------------------------------------------------------------- API

async function send(path, key, { params = {}, signal, headers = {} } = {}) {
  const url = new URL(API + path, location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value != null && value !== '') url.searchParams.set(name, value);
  }
  try {
    return await fetch(url, { headers: { Authorization: `Bearer ${key}`, Accept: 'application/json', ...headers }, signal, cache: 'no-store' });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, error.message || 'network error');
  }
}

async function problemMessage(response) {
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    // Not problem+json; the status alone has to do.
  }
  const text = problem?.detail || problem?.title;
  return text ? `${text} (HTTP ${response.status})` : `HTTP ${response.status}`;
}

// A call on behalf of the signed-in session; a 401 means the key was revoked.
async function api(path, params = {}) {
  const scoped = session.scope.role === 'admin' ? { accountId: session.accountId, ...params } : params;
  const response = await send(path, session.key, { params: scoped, signal: view?.abort.signal });
  if (response.status === 401) {
    keyRevoked();
    throw new ApiError(401, 'key not accepted');
  }
  if (!response.ok) throw new ApiError(response.status, await problemMessage(response));
  return response.json();
}

// ---------------------------------------------------------------- sign-in

async function checkKey(key) {
  let response;
  try {
    response = await send('/scope', key);
  } catch (error) {
    return { ok: false, message: unreachable(error.message) };
  }
  if (response.status === 401) return { ok: false, rejected: true, message: REJECTED_MESSAGE };
  if (!response.ok) return { ok: false, message: unreachable(`HTTP ${response.status}`) };
  try {
    return { ok: true, scope: await response.json() };
  } catch {
    return { ok: false, message: unreachable('unreadable response') };
  }
}

function unreachable(detail) {
  return `The relay could not be reached (${detail}). Try again.`;
}

async function onSignInSubmit(event) {
  event.preventDefault();
  const key = els.key.value.trim();
  if (!key) {
    els.signinError.textContent = 'Enter an API key.';
    els.key.focus();
    return;
  }
  els.submit.disabled = true;
  els.signinError.textContent = '';
  const result = await checkKey(key);
  els.submit.disabled = false;
  if (!result.ok) {
    els.signinError.textContent = result.message;
    els.key.select();
    return;
  }
  els.key.value = '';
  sessionStorage.setItem(KEY_STORAGE, key);
  startSession(key, result.scope);
  els.main.focus();
}

async function resumeStoredKey() {
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) return showSignIn('');
  els.signin.hidden = true;
  els.boot.hidden = false;
  const result = await checkKey(key);
  els.boot.hidden = true;
  if (result.ok) return startSession(key, result.scope);
  if (result.rejected) sessionStorage.removeItem(KEY_STORAGE);
  showSignIn(result.rejected ? '' : result.message);
}

function showSignIn(message) {
  els.signinError.textContent = message;
  els.session.hidden = true;
  els.dashboard.hidden = true;
  els.signin.hidden = false;
}

function startSession(key, scope) {
  const accounts = [...(scope.accounts ?? [])].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  session = { key, scope: { ...scope, accounts }, accountId: '' };
  const admin = scope.role === 'admin';
  els.whoami.textContent = admin ? 'Operator (all accounts)' : (accounts[0]?.name ?? 'Account');
  els.accountPicker.hidden = !admin;
  if (admin) {
    fillAccountPicker(accounts);
    const remembered = sessionStorage.getItem(ACCOUNT_STORAGE) ?? '';
    session.accountId = accounts.some((a) => a.id === remembered) ? remembered : '';
    els.account.value = session.accountId;
  }
  els.signin.hidden = true;
  els.session.hidden = false;
  els.dashboard.hidden = false;
  startView();
  route();
}

function fillAccountPicker(accounts) {
  els.account.replaceChildren(h('option', { value: '' }, 'All accounts'),
    ...accounts.map((a) => h('option', { value: a.id }, a.name)));
}

function signOut(message = '') {
  stopView();
  session = null;
  sessionStorage.removeItem(KEY_STORAGE);
  sessionStorage.removeItem(ACCOUNT_STORAGE);
  showSignIn(message);
  els.key.focus();
}

function keyRevoked() {
  if (session) signOut(REVOKED_MESSAGE);
}

function onAccountChange() {
  session.accountId = els.account.value;
  sessionStorage.setItem(ACCOUNT_STORAGE, session.accountId);
  startView();
  if (currentDetailId()) route();
}

// ---------------------------------------------------------------- view lifecycle

function startView() {
  stopView();
  view = {
    generation: ++viewGeneration,
    abort: new AbortController(),
    timers: [],
    debounced: new Map(),
    requestSeq: {},
    lastEventId: null,
    fleet: new Map(),
    openAges: [],
    lastActivity: null,
  };
  for (const name of Object.keys(PANELS)) resetPanel(name);
  refresh(Object.keys(PANELS));
  for (const [name, panel] of Object.entries(PANELS)) {
    view.timers.push(setInterval(() => { if (!document.hidden) refresh([name]); }, panel.everyMs));
  }
  view.timers.push(setInterval(tick, 1000));
  startFeed();
}

function stopView() {
  if (!view) return;
  view.abort.abort();
  view.timers.forEach(clearInterval);
  view.debounced.forEach(clearTimeout);
  view = null;
}

function panelParts(name) {
  const section = document.getElementById(name);
  return { error: $('.panel-error', section), body: $('.panel-body', section) };
}

function resetPanel(name) {
  const { error, body } = panelParts(name);
  error.hidden = true;
  delete body.dataset.loaded;
  body.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  if (name === 'fleet') els.fleetCount.textContent = '';
  if (name === 'open') els.openMeta.textContent = '';
}

// Fetches several panels at once; one failing panel shows its own error and leaves the others alone.
async function refresh(names) {
  const current = view;
  if (!current) return;
  const tickets = names.map((name) => (current.requestSeq[name] = (current.requestSeq[name] ?? 0) + 1));
  const results = await Promise.allSettled(names.map((name) => api(PANELS[name].path)));
  results.forEach((result, i) => {
    const name = names[i];
    // Drop answers for an older view, or older than a newer request for the same panel.
    if (view !== current || current.requestSeq[name] !== tickets[i]) return;
    if (result.status === 'fulfilled') drawPanel(name, result.value);
    else panelFailed(name, result.reason);
  });
}

function drawPanel(name, data) {
  const { error, body } = panelParts(name);
  try {
    PANELS[name].render(data);
    body.dataset.loaded = 'true';
    error.hidden = true;
  } catch (failure) {
    panelFailed(name, failure);
  }
}

function panelFailed(name, reason) {
  if (reason?.name === 'AbortError' || reason?.status === 401) return;
  const { error, body } = panelParts(name);
  const loaded = body.dataset.loaded === 'true';
  const message = reason?.message || String(reason);
  error.textContent = loaded
    ? `Could not refresh: ${message}. Showing the last data loaded.`
    : `Could not load: ${message}`;
  error.hidden = false;
  if (!loaded) body.replaceChildren();
}

function refreshSoon(name, delayMs) {
  if (!view) return;
  clearTimeout(view.debounced.get(name));
  view.debounced.set(name, setTimeout(() => {
    view?.debounced.delete(name);
    refresh([name]);
  }, delayMs));
}

// Once a second: open-transaction ages and "last seen" times move on without a refetch.
function tick() {
  if (!view) return;
  const now = performance.now();
  for (const { cell, ageSeconds, fetchedAt } of view.openAges) {
    cell.textContent = formatAge(ageSeconds + (now - fetchedAt) / 1000);
  }
  for (const el of document.querySelectorAll('time[data-relative]')) {
    el.textContent = relativeTime(el.dataset.relative);
  }
}

function onVisibilityChange() {
  if (!document.hidden && view) refresh(Object.keys(PANELS));
}

// ---------------------------------------------------------------- fleet

function terminalLabel(terminal) {
  return terminal?.label || '(no label)';
}

// By label; terminals without one go last, so named ones are easy to scan.
function byLabel(a, b) {
  const la = a.terminal.label || '';
  const lb = b.terminal.label || '';
  if (!la !== !lb) return la ? -1 : 1;
  return la.localeCompare(lb, undefined, { numeric: true }) || String(a.terminal.id).localeCompare(String(b.terminal.id));
}

function renderFleet(data) {
  const items = [...(data.items ?? [])].sort(byLabel);
  view.fleet = new Map(items.map((item) => [item.terminal.id, { ...item }]));
  const { body } = panelParts('fleet');
  if (!items.length) {
    body.replaceChildren(h('p', { class: 'empty' }, 'No terminals yet.'));
  } else {
    const headers = ['Terminal', 'Store', ...(showAllAccounts() ? ['Account'] : []), 'State', 'Last seen', 'Registers', 'App version', 'Model / serial'];
    body.replaceChildren(table('Terminals', headers, items.map(fleetRow)));
  }
  updateFleetCount(data.total ?? items.length);
}

function fleetRow(item) {
  const t = item.terminal;
  const labelCell = h('th', { scope: 'row' }, terminalLabel(t));
  if (t.status && t.status !== 'activated') labelCell.append(' ', h('span', { class: 'badge' }, 'not activated'));
  return h('tr', { 'data-terminal-id': t.id },
    labelCell,
    h('td', {}, t.storeId || '—'),
    showAllAccounts() ? h('td', {}, item.accountName ?? '') : null,
    h('td', { class: `state ${t.online ? 'is-online' : 'is-offline'}` }, stateText(t.online)),
    h('td', { class: 'last-seen' }, relativeTimeEl(t.lastSeenAt)),
    h('td', {}, (t.registers ?? []).join(', ') || '—'),
    h('td', {}, t.appVersion || '—'),
    h('td', {}, [t.model, t.serialNumber].filter(Boolean).join(' / ') || '—'));
}

function updateFleetCount(total) {
  const items = [...view.fleet.values()];
  const online = items.filter((item) => item.terminal.online).length;
  let text = `${online} of ${items.length} online`;
  if (total > items.length) text += ` (showing ${items.length} of ${total} terminals)`;
  els.fleetCount.textContent = text;
  view.fleetTotal = total;
}

// A terminal.online/offline event: update the row at once, the refetch comes later.
function applyTerminalState(data) {
  const item = view.fleet.get(data.terminalId);
  if (item) {
    item.terminal = { ...item.terminal, online: Boolean(data.online), lastSeenAt: data.lastSeenAt ?? item.terminal.lastSeenAt };
    const row = document.querySelector(`#fleet tr[data-terminal-id="${CSS.escape(data.terminalId)}"]`);
    if (row) row.replaceWith(fleetRow(item));
    updateFleetCount(view.fleetTotal ?? view.fleet.size);
  }
  for (const badge of document.querySelectorAll(`#open [data-state-of="${CSS.escape(data.terminalId)}"]`)) {
    badge.replaceWith(stateBadge(data.online, { 'data-state-of': data.terminalId }));
  }
}

// ---------------------------------------------------------------- open transactions

function renderOpen(data) {
  const items = data.items ?? [];
  const { body } = panelParts('open');
  const fetchedAt = performance.now();
  view.openAges = [];
  const stuck = items.filter((item) => item.stuck).length;
  els.openMeta.textContent = items.length
    ? `${items.length} open${stuck ? `, ${stuck} stuck` : ''} · stuck after ${data.stuckAfterSeconds ?? '?'} s`
    : `Stuck after ${data.stuckAfterSeconds ?? '?'} s`;
  if (!items.length) {
    body.replaceChildren(h('p', { class: 'empty' }, 'No open transactions.'));
    return;
  }
  const headers = ['Age', 'Status', 'Transaction', ...(showAllAccounts() ? ['Account'] : []), 'Register', 'Terminal'];
  body.replaceChildren(table('Open transactions, oldest first', headers, items.map((item) => openRow(item, fetchedAt))));
}

function openRow(item, fetchedAt) {
  const tx = item.transaction;
  const ageCell = h('td', { class: 'age' }, formatAge(item.ageSeconds));
  view.openAges.push({ cell: ageCell, ageSeconds: item.ageSeconds, fetchedAt });
  const statusCell = h('td', {}, statusBadge(tx.status));
  if (item.stuck) statusCell.append(' ', h('span', { class: 'badge badge-stuck' }, 'stuck'));
  const terminal = item.terminalLabel || (tx.terminalId ? shortId(tx.terminalId) : '');
  return h('tr', { 'data-transaction-id': tx.id, class: item.stuck ? 'is-stuck' : null },
    ageCell,
    statusCell,
    h('td', {}, h('a', { href: transactionHref(tx.id) }, transactionSummary(tx))),
    showAllAccounts() ? h('td', { class: 'wrap' }, item.accountName ?? '') : null,
    h('td', {}, tx.registerId || '—'),
    h('td', { class: 'wrap' }, terminal ? [terminal, ' ', stateBadge(tx.terminalOnline, { 'data-state-of': tx.terminalId })] : h('span', { class: 'muted' }, 'none')));
}

// ---------------------------------------------------------------- webhooks

function renderWebhooks(data) {
  const items = data.items ?? [];
  const { body } = panelParts('webhooks');
  if (!items.length) {
    body.replaceChildren(h('p', { class: 'empty' }, 'No webhook endpoints.'));
    return;
  }
  body.replaceChildren(h('ul', { class: 'webhook-list' }, items.map(webhookItem)));
}

function webhookItem(item) {
  const ep = item.endpoint;
  const events = ep.events?.length ? ep.events.join(', ') : 'all events';
  const enabled = ep.enabled
    ? h('span', { class: 'badge badge-ok' }, 'enabled')
    : h('span', { class: 'badge badge-bad' }, ep.disabledReason ? `disabled: ${ep.disabledReason}` : 'disabled');
  const failing = item.failing
    ? h('span', { class: 'badge badge-bad' }, `${item.failing} failing in the last 24 h`)
    : h('span', { class: 'muted' }, 'no failures in the last 24 h');
  return h('li', { class: 'webhook', 'data-endpoint-id': ep.id },
    h('h3', { class: 'webhook-url' }, ep.url),
    h('p', { class: 'webhook-meta' }, enabled, ' ', failing),
    h('p', { class: 'webhook-meta' }, `Events: ${events}`, showAllAccounts() && item.accountName ? ` · Account: ${item.accountName}` : ''),
    item.recentFailures?.length ? failuresTable(ep, item.recentFailures) : null);
}

function failuresTable(endpoint, failures) {
  const rows = failures.map((f) => {
    const last = f.attempts?.length ? f.attempts[f.attempts.length - 1] : null;
    const outcome = !last ? '—' : last.statusCode != null ? `HTTP ${last.statusCode}` : (last.error || 'no response');
    return h('tr', { 'data-delivery-id': f.id },
      h('th', { scope: 'row' }, f.eventType),
      h('td', {}, statusBadge(f.status)),
      h('td', {}, String(f.attemptCount ?? f.attempts?.length ?? 0)),
      h('td', { class: 'wrap' }, outcome),
      h('td', {}, f.status === 'pending' && f.nextAttemptAt ? relativeOrClock(f.nextAttemptAt) : h('span', { class: 'muted' }, 'none')));
  });
  return table(`Recent failed deliveries to ${endpoint.url}`, ['Event', 'Status', 'Attempts', 'Last result', 'Next attempt'], rows);
}

function relativeOrClock(iso) {
  return timeEl(iso, clockTime(iso));
}

// ---------------------------------------------------------------- activity chart

function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

// Payment-axis ticks from 0 to a round top value, about four steps.
function axisTicks(max) {
  const step = Math.max(1, Math.round(niceStep(Math.max(max, 1) / 4)));
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return { top, ticks };
}

// The latency axis shares the payment axis' grid lines, so it gets the same number of round steps.
function sharedAxisTop(max, steps) {
  let step = niceStep(Math.max(max, 1) / steps);
  while (step * steps < max) step = niceStep(step * 1.01);
  return step * steps;
}

function weightedMedian(minutes) {
  const points = minutes.filter((m) => m.deliveryP50Ms != null && m.payments > 0)
    .map((m) => ({ value: m.deliveryP50Ms, weight: m.payments }))
    .sort((a, b) => a.value - b.value);
  const total = points.reduce((sum, p) => sum + p.weight, 0);
  let seen = 0;
  for (const p of points) {
    seen += p.weight;
    if (seen >= total / 2) return p.value;
  }
  return null;
}

function formatMs(ms) {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${Number(ms.toPrecision(2))} ms`;
}

function activitySummary(minutes) {
  const payments = minutes.reduce((sum, m) => sum + (m.payments ?? 0), 0);
  const approved = minutes.reduce((sum, m) => sum + (m.approved ?? 0), 0);
  const median = weightedMedian(minutes);
  const slowest = Math.max(...minutes.map((m) => m.deliveryP95Ms ?? 0));
  let text = `${payments} payment${payments === 1 ? '' : 's'} in the last hour (${approved} approved)`;
  text += median != null ? `; median delivery ${formatMs(median)}` : '; no delivery times measured';
  if (slowest > 0) text += `; slowest minute p95 ${formatMs(slowest)}`;
  return `${text}.`;
}

function renderActivity(data) {
  view.lastActivity = data;
  const minutes = data.minutes ?? [];
  const container = document.getElementById('chart');
  const summary = activitySummary(minutes);
  const legend = h('ul', { class: 'legend' },
    h('li', {}, h('span', { class: 'swatch swatch-bar', 'aria-hidden': 'true' }), 'Payments per minute (left axis)'),
    h('li', {}, h('span', { class: 'swatch swatch-approved', 'aria-hidden': 'true' }), 'of which approved'),
    h('li', {}, h('span', { class: 'swatch swatch-line', 'aria-hidden': 'true' }), 'Median (p50) delivery time, ms (right axis)'));
  const width = Math.max(300, Math.min(960, Math.floor(container.clientWidth || 640)));
  const figure = h('figure', { class: 'chart-figure' },
    h('figcaption', { class: 'chart-summary' }, summary),
    activitySvg(minutes, width, summary),
    legend);
  container.replaceChildren(figure);
  view.chartWidth = width;
}

function activitySvg(minutes, width, summary) {
  const height = 240;
  const m = { top: 28, right: 52, bottom: 34, left: 44 };
  const innerW = width - m.left - m.right;
  const innerH = height - m.top - m.bottom;
  const pay = axisTicks(Math.max(0, ...minutes.map((x) => x.payments ?? 0)));
  const lat = { top: sharedAxisTop(Math.max(0, ...minutes.map((x) => x.deliveryP50Ms ?? 0)), pay.ticks.length - 1) };
  const slot = innerW / Math.max(1, minutes.length);
  const yPay = (v) => m.top + innerH - (v / pay.top) * innerH;
  const yLat = (v) => m.top + innerH - (v / lat.top) * innerH;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': summary, class: 'chart-svg' });
  root.append(svg('title', {}, `Payments and delivery time per minute. ${summary}`));

  // Grid lines and both y-axes.
  pay.ticks.forEach((v, i) => {
    const y = yPay(v);
    root.append(svg('line', { x1: m.left, x2: width - m.right, y1: y, y2: y, class: 'grid' }));
    root.append(svg('text', { x: m.left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, String(v)));
    const latValue = (lat.top / (pay.ticks.length - 1)) * i;
    root.append(svg('text', { x: width - m.right + 6, y: y + 4, 'text-anchor': 'start', class: 'tick tick-line' }, String(Number(latValue.toPrecision(3)))));
  });
  root.append(svg('text', { x: m.left - 6, y: 14, 'text-anchor': 'start', class: 'axis-title' }, 'payments'));
  root.append(svg('text', { x: width - 4, y: 14, 'text-anchor': 'end', class: 'axis-title tick-line' }, 'p50 ms'));

  // Bars: all payments, with the approved part drawn over them.
  const barW = Math.max(1, slot * 0.7);
  minutes.forEach((minute, i) => {
    const x = m.left + i * slot + (slot - barW) / 2;
    const group = svg('g', {}, svg('title', {}, minuteTooltip(minute)));
    if (minute.payments > 0) {
      group.append(svg('rect', { x, y: yPay(minute.payments), width: barW, height: innerH - (yPay(minute.payments) - m.top), class: 'bar' }));
    }
    if (minute.approved > 0) {
      group.append(svg('rect', { x, y: yPay(minute.approved), width: barW, height: innerH - (yPay(minute.approved) - m.top), class: 'bar-approved' }));
    }
    // An invisible full-height target so the tooltip works on empty minutes too.
    group.append(svg('rect', { x: m.left + i * slot, y: m.top, width: slot, height: innerH, class: 'hit' }));
    root.append(group);
  });

  // The p50 line, broken where a minute had no measurement.
  let path = '';
  let drawing = false;
  minutes.forEach((minute, i) => {
    if (minute.deliveryP50Ms == null) { drawing = false; return; }
    const x = m.left + (i + 0.5) * slot;
    path += `${drawing ? 'L' : 'M'}${x.toFixed(1)},${yLat(minute.deliveryP50Ms).toFixed(1)}`;
    drawing = true;
    root.append(svg('circle', { cx: x.toFixed(1), cy: yLat(minute.deliveryP50Ms).toFixed(1), r: 2, class: 'line-point' }));
  });
  if (path) root.append(svg('path', { d: path, class: 'line' }));

  // X axis: a clock label every 10 minutes (every 20 when narrow).
  root.append(svg('line', { x1: m.left, x2: width - m.right, y1: m.top + innerH, y2: m.top + innerH, class: 'axis' }));
  const every = slot * 10 < 60 ? 20 : 10;
  minutes.forEach((minute, i) => {
    if (i % every !== 0 && i !== minutes.length - 1) return;
    if (i === minutes.length - 1 && i % every < every / 2) return;
    const x = m.left + (i + 0.5) * slot;
    root.append(svg('text', { x, y: height - 12, 'text-anchor': 'middle', class: 'tick' }, clockTime(minute.at, minuteFormat)));
  });
  return root;
}

function minuteTooltip(minute) {
  const p50 = minute.deliveryP50Ms != null ? `, p50 ${formatMs(minute.deliveryP50Ms)}` : '';
  const p95 = minute.deliveryP95Ms != null ? `, p95 ${formatMs(minute.deliveryP95Ms)}` : '';
  return `${clockTime(minute.at, minuteFormat)}: ${minute.payments} payments, ${minute.approved} approved${p50}${p95}`;
}

let resizeTimer = 0;
function onResize() {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    const container = document.getElementById('chart');
    if (view?.lastActivity && Math.abs(container.clientWidth - (view.chartWidth ?? 0)) > 8) renderActivity(view.lastActivity);
  }, 150);
}

// ---------------------------------------------------------------- live feed (SSE over fetch)

// Parses a text/event-stream incrementally; chunks may split lines anywhere.
class SseParser {
  constructor(onMessage, onRetry) {
    this.onMessage = onMessage;
    this.onRetry = onRetry;
    this.buffer = '';
    this.reset();
  }

  reset() {
    this.event = '';
    this.data = [];
    this.id = null;
  }

  push(text) {
    this.buffer += text;
    let start = 0;
    for (;;) {
      const cr = this.buffer.indexOf('\r', start);
      const lf = this.buffer.indexOf('\n', start);
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (end < 0) break;
      // A trailing '\r' may be the first half of '\r\n': wait for the next chunk.
      if (end === cr && cr === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, end));
      start = end + (end === cr && this.buffer[cr + 1] === '\n' ? 2 : 1);
    }
    this.buffer = this.buffer.slice(start);
  }

  line(line) {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return; // heartbeat comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.onRetry(Number(value));
  }

  dispatch() {
    if (this.data.length) this.onMessage({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
    this.reset();
  }
}

function setFeedStatus(state) {
  const text = {
    live: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…', paused: 'paused (choose an account)', stopped: 'stopped',
  }[state];
  els.feedStatus.textContent = text;
  els.feedStatus.dataset.state = state;
}

function startFeed() {
  els.feedList.replaceChildren();
  els.feedScroll.hidden = true;
  if (showAllAccounts()) {
    setFeedStatus('paused');
    els.feedNote.textContent = 'Choose an account to follow its live feed.';
    els.feedNote.hidden = false;
    return;
  }
  els.feedNote.textContent = 'Waiting for events…';
  els.feedNote.hidden = false;
  runStream(view);
}

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

// Reads the stream until it ends or fails, then reconnects after 1-5 s from the last id seen.
async function runStream(owner) {
  const { signal } = owner.abort;
  let retryMs = 2000;
  let failures = 0;
  setFeedStatus('connecting');
  while (!signal.aborted) {
    try {
      await readStream(owner, (ms) => { retryMs = ms; }, () => { failures = 0; });
    } catch (error) {
      if (signal.aborted || error?.status === 401) return;
      // A request the relay refuses (an account that is gone, say) will not succeed by trying again: say why and stop.
      if (error?.status >= 400 && error?.status < 500 && error?.status !== 408 && error?.status !== 429) {
        setFeedStatus('stopped');
        els.feedNote.textContent = `The live feed stopped: ${error.message}`;
        els.feedNote.hidden = false;
        return;
      }
    }
    if (signal.aborted) return;
    failures += 1;
    setFeedStatus('reconnecting');
    // Grows with repeated failures, a little jitter so many tabs do not reconnect in step.
    const delay = Math.max(1000, retryMs) * Math.min(failures, 3) * (0.8 + Math.random() * 0.2);
    await sleep(Math.min(5000, Math.max(1000, delay)), signal);
  }
}

// The relay sends a heartbeat every 15 s on an idle stream: silence for this long means a connection that died without
// closing (a dropped NAT mapping, a laptop that slept), so it is abandoned and the feed reconnects.
const STREAM_SILENCE_MS = 45000;

async function readStream(owner, onRetry, onOpen) {
  const params = session.scope.role === 'admin' ? { accountId: session.accountId } : {};
  const headers = { Accept: 'text/event-stream' };
  if (owner.lastEventId != null) headers['Last-Event-ID'] = owner.lastEventId;
  else params.tail = FEED_TAIL;
  // This connection's own abort: the view's (sign-out, another account) or the silence watchdog's.
  const connection = new AbortController();
  const stop = () => connection.abort();
  owner.abort.signal.addEventListener('abort', stop, { once: true });
  let watchdog = setTimeout(stop, STREAM_SILENCE_MS);
  try {
    const response = await send('/events', session.key, { params, signal: connection.signal, headers });
    if (response.status === 401) {
      keyRevoked();
      throw new ApiError(401, 'key not accepted');
    }
    if (!response.ok || !response.body) throw new ApiError(response.status, await problemMessage(response));
    setFeedStatus('live');
    onOpen();
    const parser = new SseParser((message) => onStreamMessage(owner, message), onRetry);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        clearTimeout(watchdog);
        watchdog = setTimeout(stop, STREAM_SILENCE_MS);
        parser.push(decoder.decode(value, { stream: true }));
      }
    } finally {
      reader.releaseLock();
    }
  } finally {
    clearTimeout(watchdog);
    owner.abort.signal.removeEventListener('abort', stop);
  }
}

function onStreamMessage(owner, message) {
  if (view !== owner) return;
  let event;
  try {
    event = JSON.parse(message.data);
  } catch {
    return; // not an event we can read; the id still moves on below
  } finally {
    if (message.id != null) owner.lastEventId = message.id;
  }
  if (event == null || typeof event !== 'object') return;
  event.type ??= message.event;
  const seq = message.id ?? (event.id != null ? String(event.id) : '');
  if (seq && els.feedList.querySelector(`li[data-event-id="${CSS.escape(seq)}"]`)) return;
  addFeedEntry(event, seq);
  reactToEvent(event);
}

// Side effects of an event on the other panels.
function reactToEvent(event) {
  switch (event.type) {
    case 'transaction.updated':
      refreshSoon('open', 300);
      refreshSoon('activity', 2000);
      if (detailContext && event.data?.id && event.data.id === currentDetailId()) renderDetail({ ...detailContext, transaction: event.data });
      break;
    case 'terminal.online':
    case 'terminal.offline':
      if (event.data?.terminalId) applyTerminalState({ ...event.data, online: event.data.online ?? event.type === 'terminal.online' });
      refreshSoon('fleet', 1500);
      break;
    case 'pairing.changed':
      refreshSoon('fleet', 1500);
      break;
    default:
      break;
  }
}

function addFeedEntry(event, seq) {
  els.feedNote.hidden = true;
  els.feedScroll.hidden = false;
  const attrs = { class: 'feed-entry', 'data-event-id': seq, 'data-type': event.type };
  if (event.type === 'transaction.updated' && event.data?.id) attrs['data-transaction-id'] = event.data.id;
  const parts = describeEvent(event);
  const li = h('li', attrs, timeEl(event.occurredAt, clockTime(event.occurredAt)));
  for (const part of parts) li.append(' · ', part);
  els.feedList.prepend(li);
  while (els.feedList.children.length > FEED_LIMIT) els.feedList.lastElementChild.remove();
}

function terminalName(terminalId, fallbackLabel) {
  if (fallbackLabel) return fallbackLabel;
  const item = view?.fleet.get(terminalId);
  if (item) return terminalLabel(item.terminal);
  return terminalId ? `terminal ${shortId(terminalId)}` : 'a terminal';
}

// The text parts of a feed entry, after its time; each is a string or a node.
function describeEvent(event) {
  const data = event.data ?? {};
  const terminal = () => terminalName(data.terminalId ?? event.terminalId, data.label);
  const txLink = (id, text) => (id ? h('a', { href: transactionHref(id) }, text) : text);
  const related = () => (data.transactionId ? [txLink(data.transactionId, `transaction ${shortId(data.transactionId)}`)] : []);
  switch (event.type) {
    case 'transaction.updated': {
      const parts = [txLink(data.id, transactionSummary(data))];
      if (data.registerId) parts.push(data.registerId);
      else if (data.origin === 'terminal') parts.push(`made on ${terminal()}`);
      const status = statusBadge(data.status);
      const reason = data.result?.responseText && data.status !== 'approved' ? ` (${data.result.responseText})` : '';
      parts.push(reason ? h('span', {}, status, reason) : status);
      return parts;
    }
    case 'terminal.online':
    case 'terminal.offline': {
      const online = data.online ?? event.type === 'terminal.online';
      return [h('span', {}, `${terminal()} `, h('span', { class: `state-inline ${online ? 'is-online' : 'is-offline'}` }, online ? 'came online' : 'went offline'))];
    }
    case 'pairing.changed': {
      const register = data.registerName || data.registerId || 'a register';
      const replaced = data.replacedTerminalId ? ` (replacing ${terminalName(data.replacedTerminalId)})` : '';
      return [data.paired ? `${register} paired with ${terminal()}${replaced}` : `${register} unpaired from ${terminal()}`];
    }
    case 'terminal.display':
      return [`${terminal()} shows “${data.text ?? ''}”`, ...related()];
    case 'terminal.print':
      return [`${terminal()} printed ${data.receipt ? `a ${humanize(data.receipt)} receipt` : 'a receipt'}`, ...related()];
    case 'terminal.input_requested':
      return [`${terminal()} asks: ${data.prompt ?? humanize(data.kind)}`, ...related()];
    case 'terminal.event':
      return [`${terminal()}: ${humanize(data.kind ?? 'event')}`];
    case 'settlement.reported':
      return [`${terminal()} settled batch ${data.batchId ?? ''}`.trim()];
    case 'terminal_action.updated':
      return [`${terminal()} action ${humanize(data.type ?? '')}`.trim(), statusBadge(data.status ?? 'unknown')];
    default:
      return [String(event.type ?? 'event')];
  }
}

// ---------------------------------------------------------------- transaction detail (hash route)

let detailContext = null;
let detailRequest = 0;

function currentDetailId() {
  const match = /^#\/transactions\/([^/?#]+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

function route() {
  if (!session) return;
  const id = currentDetailId();
  els.overview.hidden = Boolean(id);
  els.detail.hidden = !id;
  if (id) {
    showDetail(id);
  } else {
    // The chart was sized while hidden if the page opened on a detail view.
    if (view?.lastActivity) onResize();
    if (detailContext) {
      detailContext = null;
      els.main.focus();
    }
  }
}

function onHashChange() {
  // Only the app's own routes change the view; other fragments (the skip link) are ordinary anchors.
  if (location.hash === '' || location.hash.startsWith('#/')) route();
}

async function showDetail(id) {
  const request = ++detailRequest;
  els.detailTitle.textContent = 'Transaction';
  els.detailBody.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  els.detailTitle.focus();
  try {
    const data = await api(`/transactions/${encodeURIComponent(id)}`);
    if (request === detailRequest && currentDetailId() === id) renderDetail(data);
  } catch (error) {
    if (request !== detailRequest || error?.name === 'AbortError' || error?.status === 401) return;
    const text = error?.status === 404
      ? 'Transaction not found. It may belong to an account that is not selected.'
      : `Could not load: ${error?.message ?? error}`;
    els.detailBody.replaceChildren(h('p', { class: 'panel-error' }, text));
  }
}

const MONEY_FIELDS = new Set(['amount', 'cashOutAmount', 'tipAmount', 'amountAuthorised', 'surchargeAmount']);
const RECEIPT_FIELDS = new Set(['merchantReceipt', 'customerReceipt']);

function fieldLabel(name) {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ')
    .map((w) => ({ id: 'ID', url: 'URL', pan: 'PAN' }[w] ?? w));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fieldValue(name, value, currency) {
  if (value == null || value === '') return h('span', { class: 'muted' }, '—');
  if (MONEY_FIELDS.has(name) && typeof value === 'number') return `${formatMoney(value, currency)} (${value} minor units)`;
  if (RECEIPT_FIELDS.has(name)) return h('pre', { class: 'receipt' }, String(value));
  if (name === 'terminalOnline') return stateBadge(value);
  if (name === 'status' || name === 'outcome') return statusBadge(value);
  if (name === 'originalTransactionId') return h('a', { href: transactionHref(value) }, String(value));
  if (/At$/.test(name) && typeof value === 'string') return h('span', {}, timeEl(value), ' ', h('span', { class: 'muted' }, `(${relativeTime(value)})`));
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
  return String(value);
}

function fieldList(object, currency) {
  return h('dl', { class: 'fields' }, Object.entries(object).flatMap(([name, value]) =>
    [h('dt', {}, fieldLabel(name)), h('dd', { 'data-field': name }, fieldValue(name, value, currency))]));
}

function renderDetail(data) {
  detailContext = { accountId: data.accountId, accountName: data.accountName };
  const tx = data.transaction;
  const { result, resolution, ...fields } = tx;
  els.detailTitle.textContent = `${transactionSummary(tx)} · ${humanize(tx.status)}`;
  els.detailBody.replaceChildren(
    h('p', { class: 'muted' }, `Account: ${data.accountName ?? data.accountId ?? ''} · Transaction ${tx.id}`),
    h('h3', {}, 'Transaction'),
    fieldList(fields, tx.currency),
    h('h3', {}, 'Result'),
    result ? fieldList(result, tx.currency) : h('p', { class: 'muted' }, 'No result yet.'),
    h('h3', {}, 'Resolution'),
    resolution ? fieldList(resolution, tx.currency) : h('p', { class: 'muted' }, 'Not resolved by hand.'));
}

// ---------------------------------------------------------------- start

function onSkipLink(event) {
  // Focus main without touching the hash, which the router owns.
  event.preventDefault();
  els.main.focus();
  els.main.scrollIntoView();
}

els.form.addEventListener('submit', onSignInSubmit);
els.signout.addEventListener('click', () => signOut(''));
els.account.addEventListener('change', onAccountChange);
$('.skip-link').addEventListener('click', onSkipLink);
window.addEventListener('hashchange', onHashChange);
window.addEventListener('resize', onResize);
document.addEventListener('visibilitychange', onVisibilityChange);
resumeStoredKey();

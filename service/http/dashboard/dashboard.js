// The dashboard's script: every few seconds it reads the funnel, the metrics and the stuck
// listing of the server that served the page, and renders them. Every figure goes into an
// element with data-* attributes, so that tests can read them from the DOM. Text is set with
// textContent only (registration ids and channels come from clients).
'use strict';

const REFRESH_MS = 5000;
const STUCK_LIMIT = 20;

// Prometheus text format: [{name, labels: {..}, value}] for every sample line.
function parseMetrics(text) {
  const samples = [];
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  const unescape = (v) => v.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
  for (const row of text.split('\n')) {
    if (row === '' || row.startsWith('#')) continue;
    const m = line.exec(row);
    if (!m) continue;
    const labels = {};
    for (const l of (m[2] || '').matchAll(label)) labels[l[1]] = unescape(l[2]);
    samples.push({name: m[1], labels, value: Number(m[3])});
  }
  return samples;
}

// The sum of a family's samples, or null if it has none (e.g. a gauge only Redis fills).
function total(samples, name) {
  const of = samples.filter((s) => s.name === name);
  return of.length === 0 ? null : of.reduce((sum, s) => sum + s.value, 0);
}

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function replaceRows(table, rows, empty, columns) {
  const body = table.tBodies[0];
  body.replaceChildren(...rows);
  if (rows.length === 0) {
    body.append(el('tr', undefined, {class: 'empty'}));
    body.lastChild.append(el('td', empty, {colspan: String(columns)}));
  }
}

// reached: phases per channel; statuses: statuses and the total per channel.
function renderFunnel(funnel) {
  const channels = Object.entries(funnel.channels);
  const first = channels.length > 0 ? channels[0][1] : {reached: {}, status: {}};
  const header = (names, last) => {
    const tr = el('tr');
    tr.append(el('th', 'Channel', {scope: 'col'}));
    for (const n of names) tr.append(el('th', n, {scope: 'col'}));
    if (last) tr.append(el('th', last, {scope: 'col'}));
    return tr;
  };
  const reached = document.getElementById('reached');
  const statuses = document.getElementById('statuses');
  reached.tHead.replaceChildren(header(Object.keys(first.reached)));
  statuses.tHead.replaceChildren(header(Object.keys(first.status), 'Total'));
  const reachedRows = [];
  const statusRows = [];
  for (const [channel, c] of channels) {
    let tr = el('tr');
    tr.append(el('th', channel, {scope: 'row'}));
    for (const [phase, n] of Object.entries(c.reached)) {
      tr.append(el('td', n, {'data-channel': channel, 'data-phase': phase}));
    }
    reachedRows.push(tr);
    tr = el('tr');
    tr.append(el('th', channel, {scope: 'row'}));
    for (const [status, n] of Object.entries(c.status)) {
      tr.append(el('td', n, {'data-channel': channel, 'data-status': status}));
    }
    tr.append(el('td', c.registrations, {'data-channel': channel, 'data-registrations': ''}));
    statusRows.push(tr);
  }
  replaceRows(reached, reachedRows, 'No channels', 1);
  replaceRows(statuses, statusRows, 'No channels', 1);
}

function renderFailures(samples) {
  const rows = samples
    .filter((s) => s.name === 'enroll_step_failures_total' && s.value > 0)
    .sort((a, b) => b.value - a.value)
    .map((s) => {
      const tr = el('tr');
      tr.append(el('td', s.labels.task), el('td', s.labels.code));
      tr.append(el('td', s.value, {'data-task': s.labels.task, 'data-code': s.labels.code}));
      return tr;
    });
  replaceRows(document.getElementById('failures'), rows, 'No failures', 3);
}

function renderStuck(samples, page) {
  const count = total(samples, 'enroll_registrations_stuck');
  setFigure('enroll_registrations_stuck', count === null ? 'unknown (Redis?)' : count);
  const rows = page.items.map((r) => {
    const tr = el('tr', undefined, {'data-registration': r.id});
    tr.append(el('td', r.id, {'data-field': 'id'}));
    tr.append(el('td', r.channel, {'data-field': 'channel'}));
    tr.append(el('td', r.phase, {'data-field': 'phase'}));
    const cell = el('td', undefined, {'data-field': 'updated_at'});
    cell.append(el('time', new Date(r.updated_at).toLocaleString(), {datetime: r.updated_at}));
    tr.append(cell);
    return tr;
  });
  replaceRows(document.getElementById('stuck'), rows, 'None stuck', 4);
}

function setFigure(name, value) {
  document.querySelector(`[data-metric="${name}"]`).textContent = String(value);
}

// Events applied per second: the counter's growth since the previous refresh.
let previous = null;
function renderThroughput(samples, at) {
  for (const name of ['enroll_events_applied_total', 'enroll_events_consumed_total',
                      'enroll_events_rejected_total', 'enroll_events_dead_lettered_total',
                      'enroll_timers_fired_total']) {
    const v = total(samples, name);
    setFigure(name, v === null ? '–' : v);
  }
  const applied = total(samples, 'enroll_events_applied_total');
  let rate = '–';
  // A smaller value means enrollmentd restarted: no rate this time.
  if (previous !== null && applied !== null && applied >= previous.applied && at > previous.at) {
    rate = ((applied - previous.applied) / ((at - previous.at) / 1000)).toFixed(1);
  }
  setFigure('applied_per_second', rate);
  previous = applied === null ? null : {applied, at};
}

async function get(path, as) {
  const response = await fetch(path, {cache: 'no-store'});
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return as === 'json' ? response.json() : response.text();
}

async function refresh() {
  const stuckFor = document.body.dataset.stuckAfter;
  const banner = document.getElementById('error');
  try {
    const [funnel, metrics, stuck] = await Promise.all([
      get('/v1/stats/funnel', 'json'),
      get('/metrics', 'text'),
      get(`/v1/registrations?stuck_for=${encodeURIComponent(stuckFor)}&limit=${STUCK_LIMIT}`,
          'json'),
    ]);
    const samples = parseMetrics(metrics);
    const now = new Date();
    renderFunnel(funnel);
    renderFailures(samples);
    renderStuck(samples, stuck);
    renderThroughput(samples, now.getTime());
    const updated = document.getElementById('updated');
    updated.textContent = now.toLocaleTimeString();
    updated.dateTime = now.toISOString();
    updated.dataset.updated = now.toISOString();
    banner.hidden = true;
    banner.textContent = '';
    document.body.dataset.loaded = 'true';
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed) + 1);
  } catch (e) {
    // The figures shown stay, marked stale by the banner and the last-updated time.
    banner.textContent = `Cannot read the enrollmentd API (${e.message}); trying again.`;
    banner.hidden = false;
  }
}

// "900000ms" (as the server fills it in) as people write it: "15m".
function readableDuration(text) {
  const ms = Number(text.replace(/ms$/, ''));
  for (const [unit, size] of [['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000]]) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return text;
}

document.getElementById('stuck-after').textContent =
    readableDuration(document.body.dataset.stuckAfter);
refresh();
setInterval(refresh, REFRESH_MS);

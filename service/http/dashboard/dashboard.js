// The dashboard's script: every few seconds it reads the funnel, the metrics, the journey of
// the chosen channel, the last hour's activity, the incidents and the stuck listing of the
// server that served the page, and renders them: the journey as a graph, the funnel as bars,
// the activity as charts (hand-written SVG: two charts and some bars need no library, and
// nothing is fetched from elsewhere). A registration's timeline is read when asked for.
// Every figure goes into an element with data-* attributes, so that tests can read them from
// the DOM. Text is set with textContent only (registration ids and channels come from
// clients); no inline style (the page's CSP forbids it): classes and SVG attributes only.
// The /v1 reads need a reader's (or an operator's) bearer token: the page asks for it in its
// sign-in form, keeps it in sessionStorage (this tab only, gone when it closes; never
// localStorage), sends it with every API read, and forgets it on a 401, asking again.
'use strict';

const REFRESH_MS = 5000;
const STUCK_LIMIT = 20;
const INCIDENT_LIMIT = 20;
const HISTORY_PAGE = 200;
const HISTORY_PAGES = 5;  // the history list in Redis keeps 1000 records at most
const SVG = 'http://www.w3.org/2000/svg';
const TOKEN_KEY = 'enroll.readerToken';

// ---- signing in ----------------------------------------------------------------------------

// Thrown by api() when there is no token, or the API refused it: the sign-in form shows.
class SignedOut extends Error {
  constructor() {
    super('not signed in');
  }
}

function readerToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function showSignedIn(signedIn, message = '') {
  document.body.dataset.signedIn = String(signedIn);
  document.getElementById('sign-in').hidden = signedIn;
  document.getElementById('sign-out').hidden = !signedIn;
  document.querySelector('main').hidden = !signedIn;
  const note = document.getElementById('sign-in-note');
  note.textContent = message;
  note.hidden = message === '';
  if (!signedIn) document.getElementById('sign-in-token').focus();
}

// Forgets the token and asks for one again, saying why.
function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  document.body.dataset.loaded = 'false';
  document.getElementById('error').hidden = true;  // the form says what is wrong
  showSignedIn(false, message);
}

// A GET of the API with the reader's token. Throws SignedOut without a token, and after a 401
// (an unknown or revoked token), which also signs out.
async function api(path) {
  const token = readerToken();
  if (!token) throw new SignedOut();
  const response =
      await fetch(path, {cache: 'no-store', headers: {'Authorization': `Bearer ${token}`}});
  if (response.status === 401) {
    // Only if it is still the token in use: a read sent with a refused token may answer after
    // the user has signed in again with a good one.
    if (readerToken() === token) {
      signOut('The API refused that token (unknown, revoked, or mistyped): sign in again ' +
              'with a reader\'s or an operator\'s token.');
    }
    throw new SignedOut();
  }
  return response;
}

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


function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  return e;
}

// ---- the journey graph -----------------------------------------------------------------

const BOX_W = 138;
const BOX_H = 54;
const COL_W = 168;
const ROW_H = 90;
const TOP = 56;  // room above the steps for the arrows going back
const LEFT = 12;

// Where each node goes: steps in columns by phase (the phases in their order), stacked in
// definition order within a phase; `issued` right of the last column; the other outcomes in
// a row below, in the graph's order.
function layout(nodes) {
  const phases = [];
  for (const n of nodes) if (n.kind === 'step' && !phases.includes(n.phase)) phases.push(n.phase);
  const rows = new Map();
  const at = [];
  let deepest = 0;
  for (const n of nodes) {
    if (n.kind !== 'step') continue;
    const col = phases.indexOf(n.phase);
    const row = rows.get(col) || 0;
    rows.set(col, row + 1);
    deepest = Math.max(deepest, row + 1);
    at.push({x: LEFT + col * COL_W, y: TOP + row * ROW_H});
  }
  const outcomes = nodes.filter((n) => n.kind === 'outcome');
  const bottom = TOP + deepest * ROW_H + 30;
  let slot = 0;
  for (const n of outcomes) {
    if (n.name === 'issued') {
      at.push({x: LEFT + phases.length * COL_W, y: TOP, outcome: true});
    } else {
      at.push({x: LEFT + slot * COL_W, y: bottom, outcome: true});
      slot += 1;
    }
  }
  // The graph lists the steps first, then the outcomes: `at` is in the nodes' order.
  const width = LEFT * 2 + Math.max(phases.length + 1, slot) * COL_W;
  return {placed: at, width, height: bottom + BOX_H + 16};
}

// A cubic Bézier from box a to box b and its middle point (for the label).
function route(a, b, kind) {
  const ax = a.x + BOX_W / 2;
  const bx = b.x + BOX_W / 2;
  let p0;
  let p1;
  let p2;
  let p3;
  if (kind === 'back' && a.x === b.x) {  // up the same column: round the right side
    p0 = [a.x + BOX_W, a.y + BOX_H / 2];
    p3 = [b.x + BOX_W, b.y + BOX_H / 2];
    p1 = [p0[0] + 40, p0[1]];
    p2 = [p3[0] + 40, p3[1]];
  } else if (kind === 'back') {  // over the top
    p0 = [ax, a.y];
    p3 = [bx, b.y];
    const lift = Math.min(a.y, b.y) - 40 - Math.abs(ax - bx) / 12;
    p1 = [ax, lift];
    p2 = [bx, lift];
  } else if (b.x >= a.x + BOX_W) {  // rightwards
    p0 = [a.x + BOX_W, a.y + BOX_H / 2];
    p3 = [b.x, b.y + BOX_H / 2];
    const dx = (p3[0] - p0[0]) / 2;
    p1 = [p0[0] + dx, p0[1]];
    p2 = [p3[0] - dx, p3[1]];
  } else if (b.y > a.y) {  // down
    p0 = [ax, a.y + BOX_H];
    p3 = [bx, b.y];
    const dy = (p3[1] - p0[1]) / 2;
    p1 = [p0[0], p0[1] + dy];
    p2 = [p3[0], p3[1] - dy];
  } else {  // up (cool-down back to a step) or leftwards
    p0 = [ax + 20, a.y];
    p3 = [bx + 20, b.y + BOX_H];
    const dy = (p0[1] - p3[1]) / 2;
    p1 = [p0[0], p0[1] - dy];
    p2 = [p3[0], p3[1] + dy];
  }
  const d = `M${p0} C${p1} ${p2} ${p3}`;
  // The label's place on the curve: the middle, or near the end for an arrow down into the
  // outcomes' row (their middles pass over the steps in between).
  const t = b.outcome && b.y > a.y + BOX_H ? 0.85 : 0.5;
  const u = 1 - t;
  const mid = [0, 1].map((i) => u * u * u * p0[i] + 3 * u * u * t * p1[i] +
                                 3 * u * t * t * p2[i] + t * t * t * p3[i]);
  return {d, mid};
}

function renderJourney(journey) {
  const box = document.getElementById('journey');
  const {nodes, edges} = journey;
  const {placed, width, height} = layout(nodes);
  // Scaled to the page's width (CSS), its proportions kept.
  const root = svg('svg', {viewBox: `0 0 ${width} ${height}`, role: 'img',
                           'aria-label': `Journey of ${journey.channel}`,
                           'data-journey': journey.channel});
  const defs = svg('defs');
  // One size whatever the line's width (a busy edge is drawn thicker).
  const marker = svg('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5,
                                markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse',
                                orient: 'auto-start-reverse'});
  marker.append(svg('path', {d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head'}));
  defs.append(marker);
  root.append(defs);

  const busiest = Math.max(1, ...edges.map((e) => e.last_hour));
  const lines = svg('g', {class: 'edges'});
  const labels = svg('g', {class: 'edge-labels'});
  for (const e of edges) {
    // Retakes and retries stay at their step (not moves); cancel and expire leave from every
    // step: drawn only when someone took them.
    if (e.from === e.to) continue;
    if ((e.kind === 'cancel' || e.kind === 'expire') && e.last_hour === 0) continue;
    const {d, mid} = route(placed[e.from], placed[e.to], e.kind);
    const used = e.last_hour > 0 ? ' used' : '';
    lines.append(svg('path', {d, class: `edge edge-${e.kind.replace(/\s/g, '-')}${used}`,
                              'stroke-width': 1.5 + 4 * (e.last_hour / busiest),
                              'marker-end': 'url(#arrow)'}));
    // A count on every way forward, and on any other edge that someone took.
    if (e.kind !== 'done' && e.last_hour === 0) continue;
    const g = svg('g', {class: `edge-label${used}`});
    g.append(svg('title', {}, `${nodes[e.from].name} → ${nodes[e.to].name} (${e.kind}): ` +
                              `${e.last_hour} in the last hour`));
    g.append(svg('rect', {x: mid[0] - 14, y: mid[1] - 9, width: 28, height: 16, rx: 4}));
    g.append(svg('text', {x: mid[0], y: mid[1] + 3, 'text-anchor': 'middle',
                          'data-edge-from': nodes[e.from].name, 'data-edge-to': nodes[e.to].name,
                          'data-edge-kind': e.kind}, e.last_hour));
    labels.append(g);
  }
  root.append(lines);

  const boxes = svg('g', {class: 'nodes'});
  nodes.forEach((n, i) => {
    const {x, y} = placed[i];
    const g = svg('g', {class: `node node-${n.kind}`});
    if (n.kind === 'step') {
      const waiting = n.registrations.active || 0;
      const incidents = n.registrations.incident || 0;
      g.append(svg('title', {}, `${n.name} (${n.step_kind}, phase ${n.phase}` +
                                (n.task ? `, task ${n.task}` : '') + ')'));
      g.append(svg('rect', {x, y, width: BOX_W, height: BOX_H, rx: 6,
                            class: incidents > 0 ? 'step has-incidents' : 'step'}));
      g.append(svg('text', {x: x + 8, y: y + 18, class: 'step-name'}, n.name));
      const line = svg('text', {x: x + 8, y: y + 40});
      line.append(svg('tspan', {class: 'waiting', 'data-step': n.name,
                                'data-step-status': 'active'}, waiting));
      line.append(svg('tspan', {class: 'badge-note'}, ' waiting'));
      g.append(line);
      const bx = x + BOX_W - 34;
      const badge = svg('g', {class: 'badge'});
      badge.append(svg('title', {}, `${incidents} incident(s)`));
      badge.append(svg('rect', {x: bx, y: y + 27, width: 28, height: 18, rx: 9,
                                class: incidents > 0 ? 'incident-badge hot' : 'incident-badge'}));
      g.append(badge);
      g.append(svg('text', {x: bx + 14, y: y + 40, 'text-anchor': 'middle',
                            class: incidents > 0 ? 'incidents hot' : 'incidents',
                            'data-step': n.name, 'data-step-status': 'incident'}, incidents));
    } else {
      g.append(svg('rect', {x, y, width: BOX_W, height: BOX_H - 16, rx: 21,
                            class: `outcome outcome-${n.name.replace(/[^a-z]/g, '')}`}));
      g.append(svg('text', {x: x + BOX_W / 2, y: y + 26, 'text-anchor': 'middle',
                            'data-outcome': n.name}, n.name));
    }
    boxes.append(g);
  });
  root.append(boxes, labels);
  box.replaceChildren(root);

  // What the graph has no place for: said in words, so that no count is lost.
  const other = [];
  for (const [step, byStatus] of Object.entries(journey.elsewhere.steps)) {
    other.push(`${Object.entries(byStatus).map(([s, n]) => `${n} ${s}`).join(', ')} at ${step}`);
  }
  for (const m of journey.elsewhere.moves) other.push(`${m.last_hour} moved ${m.from} → ${m.to}`);
  const note = document.getElementById('elsewhere');
  note.textContent = other.length ? `Not on this graph: ${other.join('; ')}.` : '';
  note.hidden = other.length === 0;
}

function renderChannels(funnel) {
  const select = document.getElementById('channel');
  const names = Object.keys(funnel.channels);
  if (select.options.length === names.length) return;
  const chosen = select.value || (names.includes('self-service') ? 'self-service' : names[0]);
  select.replaceChildren(...names.map((n) => el('option', n, {value: n})));
  select.value = chosen;
}

// ---- the funnel as bars ----------------------------------------------------------------

function renderFunnelBars(funnel) {
  const out = [];
  const BAR = 380;
  for (const [channel, c] of Object.entries(funnel.channels)) {
    const phases = Object.entries(c.reached);
    const most = Math.max(1, ...phases.map(([, n]) => n));
    const root = svg('svg', {width: 150 + BAR + 60, height: 22 * phases.length + 8, role: 'img',
                             'aria-label': `Funnel of ${channel}`, class: 'bars'});
    phases.forEach(([phase, n], i) => {
      const y = 4 + i * 22;
      root.append(svg('text', {x: 140, y: y + 13, 'text-anchor': 'end'}, phase));
      root.append(svg('rect', {x: 150, y, width: BAR, height: 16, class: 'bar-track'}));
      root.append(svg('rect', {x: 150, y, width: Math.round(BAR * n / most), height: 16,
                               class: 'bar'}));
      root.append(svg('text', {x: 150 + BAR + 6, y: y + 13, 'data-bar-channel': channel,
                               'data-bar-phase': phase}, n));
    });
    const figure = el('figure', undefined, {class: 'funnel'});
    figure.append(el('figcaption', `${channel}: ${c.registrations} registrations`), root);
    out.push(figure);
  }
  document.getElementById('funnel-bars').replaceChildren(...out);
}

// ---- the last hour as charts -----------------------------------------------------------

// A chart of one value per minute: a line (`line`) or columns, with its scale and the
// minutes' times along the bottom.
function chart(figureId, name, minutes, value, line) {
  const W = 560;
  const H = 180;
  const L = 40;
  const B = 22;
  const values = minutes.map(value);
  const top = Math.max(1, ...values);
  const total = values.reduce((a, b) => a + b, 0);
  const x = (i) => L + (i + 0.5) * ((W - L - 8) / values.length);
  const y = (v) => H - B - (v / top) * (H - B - 12);
  const root = svg('svg', {width: W, height: H, role: 'img', 'data-chart': name,
                           'data-total': total, 'data-points': values.length,
                           'aria-label': `${name} per minute, last hour: ${total} in all`});
  root.append(svg('line', {x1: L, y1: H - B, x2: W - 8, y2: H - B, class: 'axis'}));
  root.append(svg('line', {x1: L, y1: 12, x2: L, y2: H - B, class: 'axis'}));
  root.append(svg('text', {x: L - 4, y: 16, 'text-anchor': 'end', class: 'tick'}, top));
  root.append(svg('text', {x: L - 4, y: H - B, 'text-anchor': 'end', class: 'tick'}, 0));
  for (const i of [0, Math.floor(values.length / 2), values.length - 1]) {
    if (!minutes[i]) continue;
    const t = new Date(minutes[i].at);
    root.append(svg('text', {x: x(i), y: H - 6, 'text-anchor': 'middle', class: 'tick'},
                    t.toTimeString().slice(0, 5)));
  }
  if (line) {
    const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    root.append(svg('polygon', {points: `${x(0)},${H - B} ${points.join(' ')} ` +
                                        `${x(values.length - 1)},${H - B}`, class: 'area'}));
    root.append(svg('polyline', {points: points.join(' '), class: 'line'}));
  } else {
    const w = Math.max(1, (W - L - 8) / values.length - 2);
    values.forEach((v, i) => {
      if (v > 0) {
        root.append(svg('rect', {x: x(i) - w / 2, y: y(v), width: w, height: H - B - y(v),
                                 class: 'column'}));
      }
    });
  }
  const figure = document.getElementById(figureId);
  figure.replaceChildren(figure.querySelector('figcaption'), root);
}

function renderActivity(activity) {
  const minutes = activity.minutes;
  chart('throughput-chart', 'applied', minutes, (m) => m.applied, true);
  chart('failures-chart', 'failed', minutes, (m) => m.failed, false);
  const byTask = {};
  for (const m of minutes) {
    for (const [task, n] of Object.entries(m.failures)) byTask[task] = (byTask[task] || 0) + n;
  }
  const rows = Object.entries(byTask).sort((a, b) => b[1] - a[1]).map(([task, n]) => {
    const tr = el('tr');
    tr.append(el('td', task), el('td', n, {'data-hour-task': task}));
    return tr;
  });
  replaceRows(document.getElementById('failures-hour'), rows, 'No failures in the last hour', 2);
}

// ---- incidents -------------------------------------------------------------------------

// The incidents, oldest first, each with its step and error from its status. A server that
// knows no status `incident` answers 400: said so, not as an error.
async function readIncidents() {
  const response = await api(`/v1/registrations?status=incident&limit=${INCIDENT_LIMIT}`);
  if (response.status === 400) return null;
  if (!response.ok) throw new Error(`the incident listing answered ${response.status}`);
  const page = await response.json();
  return Promise.all(page.items.map(async (item) => {
    const r = await api(`/v1/registrations/${encodeURIComponent(item.id)}`);
    return {item, view: r.ok ? await r.json() : null};
  }));
}

function renderIncidents(incidents) {
  const table = document.getElementById('incidents');
  if (incidents === null) {
    replaceRows(table, [], 'This server knows no incidents', 6);
    return;
  }
  const rows = incidents.map(({item, view}) => {
    const incident = (view && view.incident) || {};
    const tr = el('tr', undefined, {'data-incident': item.id});
    tr.append(el('td', item.id, {'data-field': 'incident-id'}));
    tr.append(el('td', item.channel));
    tr.append(el('td', (view && view.step) || incident.step || item.phase,
                 {'data-field': 'incident-step'}));
    const error = incident.error;
    tr.append(el('td', typeof error === 'object' && error !== null ?
                           [error.code, error.message].filter(Boolean).join(': ') :
                           [incident.task, error].filter(Boolean).join(': ')));
    const since = incident.since || item.updated_at;
    const cell = el('td');
    cell.append(el('time', new Date(since).toLocaleString(), {datetime: since}));
    tr.append(cell);
    const action = el('td');
    const button = el('button', 'Retry', {type: 'button', 'data-retry': item.id});
    button.addEventListener('click', () => retry(item.id));
    action.append(button);
    tr.append(action);
    return tr;
  });
  replaceRows(table, rows, 'No incidents', 6);
}

// Asks for the operator's token and a reason in a dialog, sends the retry with them, and
// forgets the token: it lives in this function only (the reader token signed in with is not
// used to act, and a refusal here does not sign out).
function retry(id) {
  const dialog = el('dialog', undefined, {class: 'retry'});
  const form = el('form', undefined, {method: 'dialog'});
  form.append(el('p', `Retry ${id}`));
  const token = el('input', undefined, {type: 'password', autocomplete: 'off', required: '',
                                        'aria-label': 'Operator token'});
  const reason = el('input', undefined, {type: 'text', maxlength: '1000', required: '',
                                         'aria-label': 'Reason', value: 'incident resolved'});
  const tokenLabel = el('label', 'Operator token ');
  tokenLabel.append(token);
  const reasonLabel = el('label', 'Reason ');
  reasonLabel.append(reason);
  const send = el('button', 'Retry', {value: 'send'});
  const cancel = el('button', 'Cancel', {value: 'cancel', formnovalidate: ''});
  form.append(tokenLabel, reasonLabel, send, cancel);
  dialog.append(form);
  document.body.append(dialog);
  const status = document.getElementById('retry-result');
  dialog.addEventListener('close', async () => {
    const secret = token.value;
    token.value = '';
    dialog.remove();
    if (dialog.returnValue !== 'send' || secret === '') return;
    try {
      const r = await fetch(`/v1/registrations/${encodeURIComponent(id)}/retry`, {
        method: 'POST',
        cache: 'no-store',
        headers: {'Authorization': `Bearer ${secret}`, 'Content-Type': 'application/json'},
        body: JSON.stringify({reason: reason.value}),
      });
      const answer = await r.json().catch(() => ({}));
      status.textContent = r.ok ? `Retry of ${id} sent (command ${answer.command_id}).` :
                                  `Retry of ${id} refused: ${r.status} ${answer.code || ''} ` +
                                      `${answer.message || ''}`;
    } catch (e) {
      status.textContent = `Retry of ${id} not sent: ${e.message}`;
    }
    refresh();
  });
  dialog.showModal();
}

// ---- a registration's timeline -----------------------------------------------------------

async function showTimeline(id) {
  const list = document.getElementById('timeline');
  const note = document.getElementById('timeline-note');
  document.getElementById('timeline-id').value = id;
  list.replaceChildren();
  list.dataset.registration = id;
  list.dataset.loaded = 'false';
  note.textContent = 'Reading…';
  const records = [];
  let cursor = null;
  let page = null;
  try {
    for (let i = 0; i < HISTORY_PAGES; ++i) {
      const q = `limit=${HISTORY_PAGE}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
      const r = await api(`/v1/registrations/${encodeURIComponent(id)}/history?${q}`);
      page = await r.json().catch(() => ({}));
      if (!r.ok) {
        note.textContent = `${id}: ${page.message || r.status}`;
        return;
      }
      records.push(...page.records);
      cursor = page.next_cursor;
      if (!cursor) break;
    }
  } catch (e) {
    note.textContent = e instanceof SignedOut ? `Sign in to read the history of ${id}.` :
                                                `Cannot read the history of ${id} (${e.message}).`;
    return;
  }
  if (list.dataset.registration !== id) return;  // another one was asked for meanwhile
  list.replaceChildren(...records.map((rec) => {
    const li = el('li', undefined, {'data-seq': rec.seq, class: `record`});
    li.append(el('time', new Date(rec.at).toLocaleString(), {datetime: rec.at}));
    const what = el('div', undefined, {class: 'what'});
    what.append(el('strong', rec.outcome, {'data-record-outcome': rec.seq}));
    // from and to are <phase>/<step> (or the outcome).
    what.append(el('span', rec.from === rec.to ? ` at ${rec.to}` : ` ${rec.from} → ${rec.to}`));
    // Who acted, by role (and the officer's or operator's id), never the principal's id.
    const actor = rec.actor || {};
    const who = [actor.role, actor.officer && `officer ${actor.officer}`,
                 actor.operator && `operator ${actor.operator}`].filter(Boolean).join(', ');
    if (who) what.append(el('span', ` by ${who}`, {class: 'note'}));
    li.append(what);
    return li;
  }));
  const more = page && page.total > records.length ? ` (the first ${records.length})` : '';
  const dropped = page && page.dropped ? `; ${page.dropped} more are on enroll.audit only` : '';
  // An issued registration keeps no history in Redis (its records are all dropped).
  note.textContent = page && page.total === 0 && page.dropped ?
      `No records kept here (an issued registration's history is not kept); ` +
          `its ${page.dropped} records are on enroll.audit.` :
      `${page ? page.total : 0} records${more}${dropped}.`;
  list.dataset.loaded = 'true';
}

// ---- views -------------------------------------------------------------------------------

function showView() {
  const [view, arg] = location.hash.replace(/^#/, '').split('/');
  const name = ['journey', 'activity', 'incidents', 'timeline'].includes(view) ? view : 'journey';
  for (const v of document.querySelectorAll('[data-view]')) v.hidden = v.dataset.view !== name;
  for (const a of document.querySelectorAll('[data-view-link]')) {
    if (a.dataset.viewLink === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.body.dataset.view = name;
  if (name === 'timeline' && arg) {
    let id = null;
    try {
      id = decodeURIComponent(arg);
    } catch (e) {  // a hand-typed address with a broken escape
      document.getElementById('timeline-note').textContent = `Not a registration id: ${arg}`;
    }
    if (id) showTimeline(id);
  }
}

async function get(path, as) {
  const response = await api(path);
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return as === 'json' ? response.json() : response.text();
}

async function refresh() {
  const stuckFor = document.body.dataset.stuckAfter;
  const banner = document.getElementById('error');
  if (!readerToken()) return;  // the sign-in form is up
  try {
    const [funnel, metrics, stuck, activity, incidents] = await Promise.all([
      get('/v1/stats/funnel', 'json'),
      get('/metrics', 'text'),
      get(`/v1/registrations?stuck_for=${encodeURIComponent(stuckFor)}&limit=${STUCK_LIMIT}`,
          'json'),
      get('/v1/stats/activity', 'json'),
      readIncidents(),
    ]);
    renderChannels(funnel);
    const channel = document.getElementById('channel').value;
    const journey = channel ?
        await get(`/v1/stats/journey?channel=${encodeURIComponent(channel)}`, 'json') : null;
    const samples = parseMetrics(metrics);
    const now = new Date();
    renderFunnel(funnel);
    renderFunnelBars(funnel);
    if (journey) renderJourney(journey);
    renderActivity(activity);
    renderIncidents(incidents);
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
    if (e instanceof SignedOut) return;  // the sign-in form says why
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
document.getElementById('channel').addEventListener('change', refresh);
document.getElementById('timeline-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = document.getElementById('timeline-id').value.trim();
  if (!id) return;
  const hash = `#timeline/${encodeURIComponent(id)}`;
  if (location.hash === hash) showTimeline(id);  // asked again: no hashchange
  else location.hash = hash;
});
document.getElementById('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('sign-in-token');
  const token = input.value.trim();
  input.value = '';
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  showSignedIn(true);
  showView();  // e.g. the timeline asked for in the address
  refresh();
});
document.getElementById('sign-out').addEventListener('click', () => signOut(''));
window.addEventListener('hashchange', showView);
showSignedIn(readerToken() !== null);
showView();
refresh();
setInterval(refresh, REFRESH_MS);

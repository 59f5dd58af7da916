// hub.js - the live lecture hub: reads /netdemo.json once, follows
// /events (Server-Sent Events, stream.js) and polls /stats, and draws the diagram,
// the four server panels, the ladder of the chosen connection and the
// "try it" commands.
//
// Everything that came from the network goes into the page as text only
// (textContent, SVG text nodes); no markup is ever built from it.

import * as i18n from './i18n.js';
import { buildArch, setPorts } from './arch.js';
import { Store, SERVERS } from './model.js';
import { drawLadder, showPreview } from './ladder.js';
import { follow } from './stream.js';
import { setupMeasure } from './measure.js';

const t = i18n.t;
const FRAME_MS = 100; // at most ten frames a second
const STATS_MS = 1000;
const STATS_SOON_MS = 250; // an event asks for fresh counters this soon
const LOG_LINES = 6;
const LIST_MS = 1000; // the connection list is rebuilt at most this often
const MISSED_SHOW_MS = 15000;

const store = new Store();
const delays = []; // µs from a call to its row being drawn
const state = {
  info: null,
  picked: 'follow',
  showOwn: false,
  drawnConn: null,
  redraw: true,
  frameQueued: false,
  streamOpenedUs: 0,
  listAt: 0,
  statsAt: 0,
  statsBusy: false,
  statsSoon: false,
  missedAt: 0,
  host: '',
  lastStats: {},
};

// Read by the browser test: how long after the call each row was drawn.
window.netdemoHub = Object.freeze({ delays, p99 });

const $ = (id) => document.getElementById(id);

function p99() {
  if (!delays.length) return null;
  const sorted = [...delays].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
}

function fmtNum(n) {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : '0';
}

function clock(us) {
  const d = new Date(us / 1000);
  return Number.isFinite(d.getTime()) ? d.toTimeString().slice(0, 8) : '';
}

// --- the event stream ---------------------------------------------------

function openStream() {
  follow('/events', {
    message: (json) => {
      store.push(json);
      queueFrame();
    },
    missed: (n) => {
      store.missed += n;
      state.missedAt = performance.now();
      queueFrame();
    },
    state: (s) => {
      if (s === 'live' && !state.streamOpenedUs) state.streamOpenedUs = Date.now() * 1000;
      setStatus(s);
    },
  });
}

function setStatus(s) {
  const el = $('status');
  el.setAttribute('data-state', s);
  el.setAttribute('data-i18n', `status.${s}`);
  el.textContent = t(`status.${s}`);
}

// --- frames: the buffered events drawn at most ten times a second ---------

function queueFrame() {
  if (state.frameQueued) return;
  state.frameQueued = true;
  setTimeout(() => requestAnimationFrame(frame), FRAME_MS);
}

function frame() {
  state.frameQueued = false;
  const target = currentConn();
  const keep = new Set(target ? [target.id] : []);
  store.drain(keep);
  if (store.touched.size) askStatsSoon();
  drawPanels();
  drawList();
  drawLadderNow();
  drawNotices();
}

function currentConn() {
  if (state.picked === 'follow') return store.latest(state.showOwn);
  const c = store.conns.get(Number(state.picked));
  return c || null;
}

function drawLadderNow() {
  let c = currentConn();
  if (!c && state.picked !== 'follow') {
    state.picked = 'follow'; // the chosen connection was forgotten
    $('conn-pick').value = 'follow';
    c = currentConn();
  }
  const changed = c && (store.changed.has(c.id) || c.children.some((id) => store.changed.has(id)));
  store.changed.clear();
  if (!state.redraw && c === state.drawnConn && !changed) return;
  state.redraw = false;
  state.drawnConn = c;
  $('ladder-empty').hidden = Boolean(c);
  const fresh = drawLadder($('ladder-svg'), store, c);
  const now = Date.now() * 1000;
  for (const ev of fresh) {
    if (ev.t >= state.streamOpenedUs && state.streamOpenedUs) {
      delays.push(now - ev.t);
      if (delays.length > 2000) delays.splice(0, 1000);
    }
  }
  if (state.picked === 'follow') {
    const box = $('ladder-box');
    box.scrollTop = box.scrollHeight;
  }
}

function drawNotices() {
  const el = $('missed');
  const parts = [];
  if (store.missed && performance.now() - state.missedAt < MISSED_SHOW_MS) {
    parts.push(t('status.missed', { n: fmtNum(store.missed) }));
  }
  if (store.coalesced) parts.push(t('status.coalesced', { n: fmtNum(store.coalesced) }));
  el.hidden = parts.length === 0;
  el.textContent = parts.join(' · ');
  const d = p99();
  $('delay').textContent = d === null ? '' : t('status.delay', { ms: Math.max(0, Math.round(d / 1000)) });
}

// --- the connection list ---------------------------------------------------

function optionText(c) {
  const who = c.user ? `${c.user}@${c.peer}` : c.peer || '?';
  const what = c.request ? ` ${c.request}` : '';
  const st = c.closed ? t('ladder.closed') : t('ladder.open');
  return `#${c.id} ${c.server.toUpperCase()} ${who}${what} (${st})`;
}

function drawList(force) {
  const now = performance.now();
  if (!force && (!store.listChanged || now - state.listAt < LIST_MS)) return;
  store.listChanged = false;
  state.listAt = now;
  const sel = $('conn-pick');
  const opts = [sel.options[0]]; // "Follow the latest" stays first
  for (const c of store.list(state.showOwn)) {
    const o = document.createElement('option');
    o.value = String(c.id);
    o.textContent = optionText(c);
    opts.push(o);
  }
  sel.replaceChildren(...opts);
  if (state.picked !== 'follow' && !store.conns.has(Number(state.picked))) state.picked = 'follow';
  sel.value = state.picked;
  if (sel.value !== state.picked) sel.value = 'follow';
}

// --- the four panels -------------------------------------------------------

// logLine: one event in plain words for its server's panel, or null when
// it says nothing a class would want to read there.
function logLine(ev) {
  const c = ev.conn ? store.conns.get(ev.conn) : null;
  if (((c && c.own) || ev.own) && !state.showOwn) return null;
  const peer = ev.peer || (c && c.peer) || '';
  // a connection accepted before the page followed the events has no name
  // (conn 0): its hang-up alone says nothing
  if (!peer && ['accept', 'recv', 'shutdown', 'close'].includes(ev.call) && !ev.request) return null;
  const n = ev.bytes;
  const srv = ev.server.toUpperCase();
  if (ev.call === '') return ev.text ? `${srv} ${ev.text}` : null;
  if (ev.result < 0 && ev.call !== 'drop') return `${srv} ${t('ev.error', { call: ev.callName })}: ${ev.text}`;
  if (ev.server === 'ftp' && ev.text.startsWith('C> ')) {
    const moved = ev.transfer && (ev.transfer.bytes > 0 || ev.transfer.done);
    return `${srv} ${(c && c.user) || peer} ${showPreview(ev).slice(1, -1)}` +
      (moved ? ` (${byteSize(ev.transfer.bytes)})` : '');
  }
  if (ev.server === 'ftp' && ev.text.startsWith('S> ')) {
    return /^S> [45]/.test(ev.text) ? `${srv} ${ev.text.slice(3, 80)}` : null;
  }
  if (ev.server === 'http' && ev.call === 'recv' && ev.result > 0) return null; // told with its reply
  if (ev.server === 'http' && S2C_CALLS.has(ev.call)) {
    const m = /^HTTP\/\d\.\d (\d{3})/.exec(ev.preview);
    return m ? `${srv} ${ev.request || (c && c.request) || '?'} ${m[1]}` : null;
  }
  switch (ev.call) {
    case 'accept': return `${srv} ${t('ev.connected', { peer })}`;
    case 'recv':
      return ev.result === 0 ? `${srv} ${t('ev.hungup', { peer })}`
        : `${srv} ${t('ev.said', { peer, n })} ${showPreview(ev)}`;
    case 'recvfrom': return `${srv} ${t('ev.datagram', { peer, n })} ${showPreview(ev)}`;
    case 'drop': return `${srv} ${t('ev.dropped', { peer })}`;
    case 'shutdown': return `${srv} ${t('ev.shutdown', { peer })}`;
    case 'close': return `${srv} ${t('ev.closed', { peer })}`;
    case 'send': case 'sendmsg': case 'sendfile': case 'sendto':
      return `${srv} ${t('ev.answered', { peer, n })} ${ev.preview ? showPreview(ev) : ''}`.trim();
    default: return null;
  }
}
const S2C_CALLS = new Set(['send', 'sendmsg', 'sendfile', 'sendto']);

// byteSize: a byte count as people read it: 512 B, 1.2 KiB, 3.0 MiB.
function byteSize(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

function drawPanels(all) {
  const servers = all ? SERVERS : [...store.touched];
  store.touched.clear();
  for (const s of servers) {
    const panel = document.querySelector(`.panel[data-server="${s}"]`);
    if (!panel) continue;
    const lines = [];
    const log = store.logs[s];
    for (let i = log.length - 1; i >= 0 && lines.length < LOG_LINES; i--) {
      const text = logLine(log[i]);
      if (text) lines.push({ text, t: log[i].t });
    }
    const items = lines.reverse().map((l) => {
      const li = document.createElement('li');
      const when = document.createElement('span');
      when.className = 'when';
      when.textContent = clock(l.t);
      li.append(when, document.createTextNode(l.text));
      li.title = l.text;
      return li;
    });
    if (!items.length) {
      const li = document.createElement('li');
      li.className = 'quiet';
      li.textContent = t('panel.quiet');
      items.push(li);
    }
    panel.querySelector('.log').replaceChildren(...items);
  }
}

// --- /stats ----------------------------------------------------------------

function askStatsSoon() {
  if (state.statsSoon) return;
  state.statsSoon = true;
  const wait = Math.max(0, STATS_SOON_MS - (performance.now() - state.statsAt));
  setTimeout(() => {
    state.statsSoon = false;
    pollStats();
  }, wait);
}

async function pollStats() {
  if (state.statsBusy) return;
  state.statsBusy = true;
  state.statsAt = performance.now();
  try {
    const r = await fetch('/stats', { cache: 'no-store' });
    if (r.ok) showStats(await r.json());
  } catch (e) {
    // the next poll tries again; the status badge tells about the stream
  } finally {
    state.statsBusy = false;
  }
}

function showStats(list) {
  if (!Array.isArray(list)) return;
  for (const s of list) {
    if (!s || !SERVERS.includes(s.name)) continue;
    const panel = document.querySelector(`.panel[data-server="${s.name}"]`);
    let moved = false;
    for (const dd of panel.querySelectorAll('[data-stat]')) {
      const key = dd.getAttribute('data-stat');
      const v = Number(s[key]);
      const text = fmtNum(Number.isFinite(v) ? v : 0);
      if (dd.textContent !== text) {
        dd.textContent = text;
        moved = true;
      }
    }
    if (moved && state.lastStats[s.name]) {
      panel.classList.add('flash');
      setTimeout(() => panel.classList.remove('flash'), 400);
    }
    state.lastStats[s.name] = true;
  }
}

// --- /netdemo.json: ports, and the "try it" commands -------------------------

const HOST_OK = /^[0-9A-Za-z.:%_-]{1,253}$/;
const WILDCARD = new Set(['', '0.0.0.0', '::', '[::]']);

function hostChoices(info) {
  const out = [];
  const add = (h) => {
    if (typeof h === 'string' && HOST_OK.test(h) && !WILDCARD.has(h) && !out.includes(h)) out.push(h);
  };
  add(info.host);
  if (Array.isArray(info.addresses)) info.addresses.forEach(add);
  if (!out.length) add(location.hostname);
  if (!out.length) out.push('127.0.0.1');
  // the address this browser used, when it is one of them, comes first
  const i = out.indexOf(location.hostname);
  if (i > 0) out.unshift(out.splice(i, 1)[0]);
  return out;
}

function port(name) {
  const svc = state.info && state.info.services && state.info.services[name];
  const p = svc && Number(svc.port);
  return Number.isInteger(p) && p > 0 && p < 65536 ? p : '?';
}

function urlHost(h) {
  return h.includes(':') ? `[${h}]` : h;
}

function commands(h) {
  const u = urlHost(h);
  return [
    ['try.tcp', `tcp-demo client -H ${h} -p ${port('tcp')} -m 'dream is handsome'`],
    ['try.udp', `udp-demo client -H ${h} -p ${port('udp')} -m hello`],
    ['try.ftp', `ftp-demo client ${h} -p ${port('ftp')}`],
    ['try.curl_http', `curl http://${u}:${port('http')}/echo`],
    ['try.curl_ftp', `curl ftp://${u}:${port('ftp')}/`],
    ['try.lftp', `lftp -p ${port('ftp')} ${h}`],
  ];
}

function drawTry() {
  const items = commands(state.host).map(([key, cmd]) => {
    const li = document.createElement('li');
    const p = document.createElement('p');
    p.setAttribute('data-i18n', key);
    p.textContent = t(key);
    const row = document.createElement('div');
    row.className = 'cmd';
    const code = document.createElement('code');
    code.textContent = cmd;
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.setAttribute('data-i18n', 'try.copy');
    btn.textContent = t('try.copy');
    btn.addEventListener('click', () => copy(code, btn));
    row.append(code, btn);
    li.append(p, row);
    return li;
  });
  $('try-list').replaceChildren(...items);
  const files = $('files-link');
  files.textContent = t('links.files', { host: urlHost(state.host), port: port('ftp') });
}

async function copy(code, btn) {
  const text = code.textContent;
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      ok = true;
    }
  } catch (e) {
    ok = false;
  }
  if (!ok) {
    // plain http from another machine: select the text and let the
    // browser's own copy do it
    const range = document.createRange();
    range.selectNodeContents(code);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try {
      ok = document.execCommand('copy');
    } catch (e) {
      ok = false;
    }
  }
  btn.textContent = t(ok ? 'try.copied' : 'try.copyfail');
  setTimeout(() => {
    btn.textContent = t('try.copy');
  }, 1500);
}

function showInfo(info) {
  state.info = info;
  const hosts = hostChoices(info);
  state.host = hosts[0];
  const pick = $('addr-pick');
  pick.replaceChildren(...hosts.map((h) => {
    const o = document.createElement('option');
    o.value = h;
    o.textContent = h;
    return o;
  }));
  $('addr-row').hidden = hosts.length < 2;
  setPorts(info.services);
  for (const el of document.querySelectorAll('[data-port]')) {
    const p = port(el.getAttribute('data-port'));
    el.textContent = `:${p}`;
  }
  drawTry();
}

async function loadInfo() {
  try {
    const r = await fetch('/netdemo.json', { cache: 'no-store' });
    if (r.ok) {
      showInfo(await r.json());
      return;
    }
  } catch (e) {
    // fall through: the commands still show, with the page's own address
  }
  showInfo({ host: location.hostname, services: {} });
}

// --- start ------------------------------------------------------------------

// The four panels, from one template: each server's last figure is its
// errors, but UDP's is the datagrams dropped (--drop).
function buildPanels() {
  const tpl = $('panel-template');
  const panels = SERVERS.map((name) => {
    const panel = tpl.content.firstElementChild.cloneNode(true);
    const last = name === 'udp' ? 'dropped' : 'errors';
    panel.setAttribute('data-server', name);
    panel.querySelector('.name').setAttribute('data-i18n', `panel.${name}`);
    panel.querySelector('.port').setAttribute('data-port', name);
    panel.querySelector('dt.last').setAttribute('data-i18n', `stat.${last}`);
    panel.querySelector('dd.last').setAttribute('data-stat', last);
    return panel;
  });
  $('panels').replaceChildren(...panels);
}

function start() {
  buildPanels();
  buildArch($('arch-svg'));
  i18n.apply();
  $('lang').addEventListener('click', () => i18n.toggle());
  i18n.onChange(() => {
    state.redraw = true;
    if (state.info) drawTry();
    drawPanels(true);
    drawList(true);
    const st = $('status');
    st.textContent = t(st.getAttribute('data-i18n'));
    drawLadderNow();
    drawNotices();
  });
  $('conn-pick').addEventListener('change', (e) => {
    state.picked = e.target.value;
    state.redraw = true;
    drawLadderNow();
  });
  $('show-own').addEventListener('change', (e) => {
    state.showOwn = e.target.checked;
    state.redraw = true;
    drawPanels(true);
    drawList(true);
    drawLadderNow();
  });
  $('addr-pick').addEventListener('change', (e) => {
    state.host = e.target.value;
    drawTry();
  });
  drawPanels(true);
  drawLadderNow();
  loadInfo();
  setupMeasure();
  openStream();
  pollStats();
  setInterval(pollStats, STATS_MS);
  setInterval(queueFrame, 1000); // notices fade and lists refresh even when quiet
}

start();

// measure.js - the hub's "measure" button: a small `netdemo compare` run
// on the server (POST /compare/run), followed through /compare/status,
// then the figures of /compare/report.json as one table. The full report,
// with its charts and notes, stays at /compare.
//
// As everywhere on the page, what came from the network is set as text.

import * as i18n from './i18n.js';

const t = i18n.t;
const POLL_MS = 500;
const POLL_MAX = 300; // 150 s: the server ends a run after 120 s
const ROWS = ['TCP', 'UDP', 'HTTP/1.0', 'HTTP/1.1', 'FTP'];

const $ = (id) => document.getElementById(id);
let shown = null; // the last state drawn
let report = null; // the last report read

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function getJson(url, options) {
  const r = await fetch(url, { cache: 'no-store', ...options });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

function showState(s) {
  shown = s;
  const line = $('measure-status');
  $('measure-run').disabled = !!s && s.state === 'running';
  if (!s || s.state === 'idle') {
    line.textContent = '';
    return;
  }
  line.setAttribute('data-state', s.state);
  const secs = Number(s.seconds || 0).toFixed(1);
  line.textContent = s.state === 'running' ? t('measure.running', { s: secs })
    : s.state === 'done' ? t('measure.done', { s: secs })
      : t('measure.failed', { why: String(s.error || '') });
}

// "61 µs", "1 234 /s", "958 MiB/s": a row's median, with its unit.
function figure(row, key, unit, digits) {
  if (!row || !row[key] || !Number.isFinite(row[key].median)) return '–';
  return `${row[key].median.toLocaleString('en-US', { maximumFractionDigits: digits })} ${unit}`;
}

function byProtocol(list) {
  const map = new Map();
  for (const row of Array.isArray(list) ? list : []) map.set(row.protocol, row);
  return map;
}

function cell(tr, text, tag = 'td') {
  const c = document.createElement(tag);
  c.textContent = text;
  tr.appendChild(c);
}

function drawTable() {
  const box = $('measure-table');
  box.replaceChildren();
  if (!report) return;
  const first = byProtocol(report.first_byte);
  const rtt = byProtocol(report.round_trips);
  const bulk = byProtocol(report.bulk);
  bulk.set('HTTP/1.1', bulk.get('HTTP')); // the bulk GET is an HTTP/1.1 request
  bulk.set('UDP', bulk.get('UDP, reliable')); // all of it arrives, as over TCP
  const table = document.createElement('table');
  table.className = 'measure-table';
  const head = document.createElement('tr');
  for (const key of ['measure.protocol', 'measure.first', 'measure.rtt', 'measure.rate', 'measure.bulk'])
    cell(head, t(key), 'th');
  table.appendChild(head);
  for (const name of ROWS) {
    if (!first.has(name)) continue;
    const tr = document.createElement('tr');
    cell(tr, name, 'th');
    cell(tr, figure(first.get(name), 'time_us', 'µs', 0));
    cell(tr, figure(rtt.get(name), 'rtt_p50_us', 'µs', 0));
    cell(tr, figure(rtt.get(name), 'per_second', '/s', 0));
    cell(tr, figure(bulk.get(name), 'mib_per_second', 'MiB/s', 0));
    table.appendChild(tr);
  }
  box.appendChild(table);
  const loss = report.loss;
  if (loss) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = t('measure.loss', {
      drop: loss.drop_percent,
      lost: Number(loss.plain_lost_percent.median).toFixed(1),
      n: loss.reliable_delivered,
      resent: Math.round(loss.reliable_retransmissions.median),
    });
    box.appendChild(p);
  }
}

async function loadReport() {
  try {
    report = await getJson('/compare/report.json');
  } catch (e) {
    report = null;
    showState({ state: 'failed', error: e.message });
  }
  drawTable();
}

async function follow() {
  for (let i = 0; i < POLL_MAX; i++) {
    await sleep(POLL_MS);
    let s;
    try {
      s = await getJson('/compare/status');
    } catch (e) {
      continue; // the server may be busy; the next poll asks again
    }
    showState(s);
    if (s.state !== 'running') {
      if (s.state === 'done') await loadReport();
      return;
    }
  }
  showState({ state: 'failed', error: t('measure.timeout') });
}

async function run() {
  $('measure-run').disabled = true;
  try {
    // the header only this page sends: another site's form cannot start a run
    showState(await getJson('/compare/run', { method: 'POST', headers: { 'X-Netdemo-Run': '1' } }));
  } catch (e) {
    showState({ state: 'failed', error: e.message });
    return;
  }
  await follow();
}

// setupMeasure: show the button when this server offers it (netdemo does;
// a bare http-demo serving the hub does not), with a run already going or
// done.
export async function setupMeasure() {
  let s;
  try {
    s = await getJson('/compare/status');
  } catch (e) {
    return;
  }
  $('measure').hidden = false;
  $('measure-run').addEventListener('click', run);
  i18n.onChange(() => {
    showState(shown);
    drawTable();
  });
  showState(s);
  if (s.state === 'running') await follow();
  else if (s.state === 'done') await loadReport();
}

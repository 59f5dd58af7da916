// ladder.js - one connection as a ladder diagram: the client's lifeline on
// the left, the server's on the right, one row per socket call in order.
//
// Every event comes from the server's side, so the client's half is
// inferred: what the server received (recv, recvfrom) came from the
// client, what it sent (send, sendto, sendmsg, sendfile) went to it, and
// recv returning 0 is the client hanging up. An FTP session's data
// connections get their own pair of dashed lifelines, linked to the
// session's. Beside each row, the seed lesson's phone-call words.

import { t } from './i18n.js';
import { svgEl, svgText } from './svg.js';

const W = 1260;
const CLIENT_X = 120;
const SERVER_X = 620;
const LANE_STEP = 38;
const CAPTION_X = 668;
const HEAD_H = 96;
const ROW_H = 70;
const SETUP_H = 46;
const MAX_ROWS = 90; // rows drawn at most; older ones are counted
const PREVIEW_MAX = 40; // characters of a payload drawn
const PREVIEW_SENT = 39; // a preview this long (in characters) may have been cut

const C2S = new Set(['accept', 'recv', 'recvfrom', 'drop', 'connect']);
const S2C = new Set(['send', 'sendmsg', 'sendfile', 'sendto']);

// The start-up calls a server made before any client came, by server.
const SETUP_CALLS = {
  tcp: ['socket', 'bind', 'listen'],
  udp: ['socket', 'bind'],
  http: ['socket', 'bind', 'listen'],
  ftp: ['socket', 'bind', 'listen'],
};

function laneX(lane) {
  return { cx: CLIENT_X + lane * LANE_STEP, sx: SERVER_X - lane * LANE_STEP };
}

// preview: payload bytes as one visible line, control characters spelled.
export function showPreview(ev) {
  let s = ev.preview;
  // an FTP control line: the server's own text, with PASS already hidden
  const line = ev.server === 'ftp' && /^(C|S)> /.test(ev.text);
  if (line) s = ev.text.slice(3);
  if (/^pass\s/i.test(s)) s = 'PASS <hidden>';
  s = s.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t')
    .replace(/[\u0000-\u001f\u007f]/g, '·');
  let cut = s.length > PREVIEW_MAX;
  if (cut) s = s.slice(0, PREVIEW_MAX);
  // the server sends a payload's first 40 bytes: a preview that long of a
  // longer payload was cut there
  if (!line && ev.preview.length >= PREVIEW_SENT && ev.bytes > ev.preview.length) cut = true;
  return cut ? `“${s}…”` : `“${s}”`;
}

// caption: the phone-call words for one event, in the current language.
export function captionKey(ev) {
  if (ev.result < 0 && ev.call !== 'drop') return 'cap.error';
  if (ev.call === '') return 'cap.note';
  if (ev.call === 'recv' && ev.result === 0) return 'cap.recv0';
  if (ev.call === 'sendmsg') return 'cap.send';
  const key = `cap.${ev.call}`;
  return ev.call === 'other' ? 'cap.note' : key;
}

function callLabel(ev) {
  const name = ev.call === 'other' ? ev.callName : ev.call;
  if (ev.result < 0) return `${name}() → ${ev.result}`;
  if (ev.call === 'recv' && ev.result === 0) return 'recv() → 0';
  if (ev.bytes > 0) return `${name}() ${t('ladder.bytes', { n: ev.bytes })}`;
  return `${name}()`;
}

// The client's end of the row: the call it must have made.
function clientLabel(ev) {
  switch (ev.call) {
    case 'accept': return 'connect()';
    case 'recv': return ev.result === 0 ? 'close()' : 'send()';
    case 'recvfrom':
    case 'drop': return 'sendto()';
    case 'sendto': return 'recvfrom()';
    default: return S2C.has(ev.call) ? 'recv()' : '';
  }
}

function arrowHead(x, y, dir, cls) {
  const d = dir > 0 ? `M${x} ${y} l-16 -9 v18 z` : `M${x} ${y} l16 -9 v18 z`;
  return svgEl('path', { d, class: cls });
}

function drawArrow(g, ev, y, lane, dropped) {
  const { cx, sx } = laneX(lane);
  const toServer = C2S.has(ev.call);
  const lost = ev.call === 'drop' || dropped;
  const hang = ev.call === 'recv' && ev.result === 0;
  const cls = `arrow ${toServer ? 'c2s' : 's2c'}${lost ? ' lost' : ''}${hang ? ' hang' : ''}`;
  if (toServer) {
    const end = lost ? cx + (sx - cx) * 0.7 : sx - 4;
    g.appendChild(svgEl('line', { x1: cx, y1: y, x2: end - (lost ? 0 : 14), y2: y, class: cls }));
    if (lost) {
      g.appendChild(svgEl('path', { d: `M${end - 12} ${y - 12} l24 24 M${end + 12} ${y - 12} l-24 24`, class: 'xmark' }));
    } else {
      g.appendChild(arrowHead(sx - 2, y, 1, 'head-c2s'));
    }
  } else {
    g.appendChild(svgEl('line', { x1: sx, y1: y, x2: cx + 14, y2: y, class: cls }));
    g.appendChild(arrowHead(cx + 2, y, -1, 'head-s2c'));
  }
  const cl = clientLabel(ev);
  if (cl) g.appendChild(svgText(cx + 8, y - 10, cl, { 'font-size': 20, class: 'client mono' }));
  g.appendChild(svgText(sx - 8, lost ? y - 16 : y - 10, dropped ? `${callLabel(ev)} → ${t('ladder.dropped')}` : callLabel(ev), {
    'font-size': 20, 'text-anchor': 'end', class: `mono ${ev.result < 0 || lost ? 'bad' : 'server'}`,
  }));
  if (ev.preview || (ev.server === 'ftp' && /^(C|S)> /.test(ev.text))) {
    g.appendChild(svgText((cx + sx) / 2, y + 26, showPreview(ev), {
      'font-size': 19, 'text-anchor': 'middle', class: 'mono preview',
    }));
  }
}

function drawMark(g, ev, y, lane) {
  const { sx } = laneX(lane);
  const closing = ev.call === 'close';
  if (closing) {
    g.appendChild(svgEl('path', { d: `M${sx - 13} ${y - 13} l26 26 M${sx + 13} ${y - 13} l-26 26`, class: 'xmark' }));
  } else {
    g.appendChild(svgEl('circle', { cx: sx, cy: y, r: 9, class: 'mark' }));
  }
  g.appendChild(svgText(sx - 20, y + 7, callLabel(ev), {
    'font-size': 20, 'text-anchor': 'end', class: `mono ${ev.result < 0 ? 'bad' : 'server'}`,
  }));
}

function drawNote(g, ev, y) {
  let s = ev.text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  if (s.length > 60) s = s.slice(0, 60) + '…';
  g.appendChild(svgText((CLIENT_X + SERVER_X) / 2, y + 6, s, { 'font-size': 19, 'text-anchor': 'middle', class: 'note' }));
}

function drawCaption(g, ev, y, lane, dropped) {
  let key = dropped ? 'cap.drop' : captionKey(ev);
  if (lane > 0 && key === 'cap.accept') key = 'cap.ftpdata';
  const cap = svgText(CAPTION_X, y + 7, t(key), { 'font-size': 21, class: 'cap' });
  g.appendChild(cap);
}

function rowGroup(ev, kind, dropped) {
  const call = dropped ? 'drop' : ev.call === '' ? 'note' : ev.call;
  const g = svgEl('g', { class: `row ${kind}`, 'data-call': call });
  g.setAttribute('data-bytes', String(ev.bytes));
  g.setAttribute('data-result', String(ev.result));
  g.setAttribute('data-id', String(ev.id));
  return g;
}

// drawEvent: one row. dropped: a datagram the server threw away on
// purpose (its recvfrom and the drop that followed, drawn as one).
function drawEvent(ev, y, lane, dropped) {
  const g = rowGroup(ev, 'call', dropped);
  if (ev.call === '' || (ev.call === 'other' && !ev.callName)) {
    drawNote(g, ev, y);
  } else if (C2S.has(ev.call) || S2C.has(ev.call)) {
    drawArrow(g, ev, y, lane, dropped);
  } else {
    drawMark(g, ev, y, lane);
  }
  drawCaption(g, ev, y, lane, dropped);
  return g;
}

// mergeDrops: a drop right after its datagram's recvfrom marks that row
// lost instead of making a row of its own.
function mergeDrops(rows) {
  const out = [];
  for (const row of rows) {
    if (row.ev.call === 'drop') {
      const prev = out.length ? out[out.length - 1] : null;
      if (prev && prev.conn === row.conn && prev.ev.call === 'recvfrom' && !prev.dropped) {
        prev.dropped = row.ev;
        continue;
      }
    }
    out.push(row);
  }
  return out;
}

function drawHeader(frag, c) {
  frag.appendChild(svgText(CLIENT_X, 34, t('ladder.client'), { 'font-size': 28, 'text-anchor': 'middle', class: 'client head' }));
  frag.appendChild(svgText(CLIENT_X, 66, c.peer || '?', { 'font-size': 20, 'text-anchor': 'middle', class: 'mono dim' }));
  frag.appendChild(svgText(SERVER_X, 34, t('ladder.server'), { 'font-size': 28, 'text-anchor': 'middle', class: 'server head' }));
  frag.appendChild(svgText(SERVER_X, 66, c.local || '?', { 'font-size': 20, 'text-anchor': 'middle', class: 'mono dim' }));
  const state = `${c.role || c.server} · #${c.id} · ${c.closed ? t('ladder.closed') : t('ladder.open')}`;
  frag.appendChild(svgText(CAPTION_X + 20, 34, state, { 'font-size': 22, class: 'dim' }));
}

// The server's start-up calls, drawn faint above the first row: the
// phone bought, the card put in, waiting for calls. The recorded event
// when the page saw it, else the lesson's step.
function drawSetup(frag, server, seen, y0) {
  const calls = SETUP_CALLS[server] || [];
  let y = y0;
  for (const call of calls) {
    const ev = seen.find((e) => e.call === call) ||
      { call, callName: call, result: 0, bytes: 0, id: 0, text: '', preview: '', server };
    const g = rowGroup(ev, 'setup');
    g.appendChild(svgEl('circle', { cx: SERVER_X, cy: y, r: 7, class: 'mark' }));
    g.appendChild(svgText(SERVER_X - 18, y + 7, `${call}()`, { 'font-size': 19, 'text-anchor': 'end', class: 'mono dim' }));
    g.appendChild(svgText(CAPTION_X, y + 7, t(`cap.${call}`), { 'font-size': 20, class: 'dim' }));
    frag.appendChild(g);
    y += SETUP_H;
  }
  return y;
}

// drawLadder: draw session c (its data connections too) into svg.
// Returns the events drawn for the first time, for the delay measure.
export function drawLadder(svg, store, c) {
  const frag = document.createDocumentFragment();
  const fresh = [];
  if (!c) {
    svg.replaceChildren();
    svg.setAttribute('viewBox', `0 0 ${W} 10`);
    return fresh;
  }
  const { rows: got, earlier } = store.rows(c);
  const all = mergeDrops(got);
  const rows = all.length > MAX_ROWS ? all.slice(all.length - MAX_ROWS) : all;
  const hidden = earlier + (all.length - rows.length);
  drawHeader(frag, c);
  let y = drawSetup(frag, c.server, store.setup[c.server] || [], HEAD_H + 10);
  if (hidden > 0) {
    y += 10;
    frag.appendChild(svgText((CLIENT_X + SERVER_X) / 2, y + 8, t('ladder.more', { n: hidden }), {
      'font-size': 21, 'text-anchor': 'middle', class: 'note more',
    }));
    y += 40;
  }
  const top = y;
  y += ROW_H / 2;
  const lanes = new Map(); // lane -> { first, last, id }
  let endY = y;
  for (const { ev, lane, conn, dropped } of rows) {
    if (lane && !lanes.has(lane)) {
      lanes.set(lane, { first: y, last: y, id: conn.id, closed: conn.closed });
      const { cx, sx } = laneX(lane);
      frag.appendChild(svgEl('path', { d: `M${CLIENT_X} ${y - ROW_H / 2 + 6} H${cx} M${SERVER_X} ${y - ROW_H / 2 + 6} H${sx}`, class: 'link' }));
      // under the data connection's first arrow (its accept: no preview there)
      frag.appendChild(svgText((cx + sx) / 2, y + 26, t('ladder.data', { id: conn.id }), {
        'font-size': 19, 'text-anchor': 'middle', class: 'dim',
      }));
    }
    if (lane) lanes.get(lane).last = y;
    frag.appendChild(drawEvent(ev, y, lane, Boolean(dropped)));
    for (const e of dropped ? [ev, dropped] : [ev]) {
      if (!e.drawn) {
        e.drawn = true;
        fresh.push(e);
      }
    }
    endY = y;
    y += ROW_H;
  }
  const bottom = c.closed ? endY : y - ROW_H / 3;
  const life = [
    svgEl('line', { x1: CLIENT_X, y1: HEAD_H - 16, x2: CLIENT_X, y2: bottom, class: 'life client' }),
    svgEl('line', { x1: SERVER_X, y1: HEAD_H - 16, x2: SERVER_X, y2: bottom, class: 'life server' }),
  ];
  for (const [lane, span] of lanes) {
    const { cx, sx } = laneX(lane);
    const y1 = span.first - ROW_H / 2 + 6;
    life.push(svgEl('line', { x1: cx, y1, x2: cx, y2: span.last, class: 'life client data' }));
    life.push(svgEl('line', { x1: sx, y1, x2: sx, y2: span.last, class: 'life server data' }));
  }
  frag.prepend(...life);
  if (!rows.length) {
    frag.appendChild(svgText((CLIENT_X + SERVER_X) / 2, top + 30, t('ladder.none'), { 'font-size': 20, 'text-anchor': 'middle', class: 'dim' }));
    y += 40;
  }
  svg.setAttribute('viewBox', `0 0 ${W} ${Math.max(y + 10, 200)}`);
  svg.replaceChildren(frag);
  return fresh;
}

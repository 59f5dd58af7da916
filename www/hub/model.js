// model.js - what the page knows about the servers' connections, built
// from the /events stream. Events wait in a buffer until the next frame
// (at most ten a second) takes them all; each connection keeps only its
// last PER_CONN events and the page only its last MAX_CONNS connections,
// so a flood of events costs memory and time in proportion to what is
// drawn, not to what arrived.

export const LIMITS = {
  PER_CONN: 160, // events kept per connection
  MAX_CONNS: 80, // connections kept
  PENDING: 4000, // events a frame takes at most; older ones are only counted
  LOG: 40, // raw events kept per server for its panel
  SETUP: 12, // start-up calls (socket, bind, listen) kept per server
  CHILDREN: 40, // data connections remembered per FTP session
};

export const SERVERS = ['tcp', 'udp', 'http', 'ftp'];

// The calls the page knows how to draw; any other name is shown as "other".
export const CALLS = new Set(['accept', 'recv', 'send', 'sendmsg', 'sendfile', 'recvfrom', 'sendto',
  'shutdown', 'close', 'drop', 'socket', 'bind', 'listen', 'setsockopt', 'connect', 'epoll_wait',
  'poll', 'fork', 'waitpid', 'pthread_create',
  // only from a server run with --trace=detail: the engineering
  'epoll_ctl', 'fcntl', 'recvmmsg', 'sendmmsg', '']);

// An FTP command that moves a file over a data connection, and the calls
// that move its bytes there.
const FILE_TRANSFER = /^C> (RETR|STOR|STOU|APPE) /i;
const DATA_CALLS = new Set(['send', 'sendfile', 'recv']);

// An HTTP connection whose first request is one of these is the page's own.
const OWN_PREFIXES = ['GET /events', 'GET /hub/', 'GET / ', 'GET /stats', 'GET /netdemo.json', 'GET /favicon'];

function str(v, max) {
  const s = typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
  return s.length > max ? s.slice(0, max) : s;
}

function num(v) {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

// normalize: an event from the wire as a plain object of known fields with
// known types; anything else in it is ignored.
export function normalize(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const call = str(raw.call, 24);
  return {
    id: num(raw.id),
    t: num(raw.t),
    server: SERVERS.includes(raw.server) ? raw.server : 'other',
    role: str(raw.role, 32),
    conn: num(raw.conn),
    parent: num(raw.parent),
    call: CALLS.has(call) ? call : 'other',
    callName: call,
    result: num(raw.result),
    bytes: num(raw.bytes),
    local: str(raw.local, 80),
    peer: str(raw.peer, 80),
    preview: str(raw.preview, 200),
    text: str(raw.text, 700),
    request: '', // HTTP: the request this event serves ("GET /echo")
    transfer: null, // FTP: a RETR or STOR line's file transfer, { bytes, done }
    own: false, // HTTP: that request is this page's own
    arrived: 0, // performance.now() when the page received it
    drawn: false,
  };
}

export function isOwnRequest(preview) {
  return OWN_PREFIXES.some((p) => preview.startsWith(p));
}

export class Store {
  constructor() {
    this.pending = [];
    this.coalesced = 0; // events thrown away because the buffer was full
    this.missed = 0; // events the server says this page missed
    this.seq = 0; // order in which connections were first seen
    this.changed = new Set(); // connection ids changed since the last frame
    this.touched = new Set(); // servers with new events since the last frame
    this.forget();
  }

  // forget: every connection and log, as when netdemo started again (its
  // event and connection ids start again from the beginning).
  forget() {
    this.conns = new Map(); // id -> connection
    this.requests = new Map(); // an HTTP connection's current request
    this.lastId = -1;
    this.logs = {};
    this.setup = {};
    for (const s of SERVERS.concat('other')) {
      this.logs[s] = [];
      this.setup[s] = [];
      this.touched.add(s);
    }
    this.listChanged = true;
  }

  // push: one event from the stream, as its JSON text, kept until the
  // next frame. Parsing waits too: under a flood most are never parsed.
  push(json) {
    this.pending.push(json);
    if (this.pending.length >= LIMITS.PENDING * 2) this.cut();
  }

  // cut: keep the newest PENDING waiting events; count the rest.
  cut() {
    const extra = this.pending.length - LIMITS.PENDING;
    if (extra <= 0) return;
    this.pending.splice(0, extra);
    this.coalesced += extra;
  }

  // drain: take the waiting events into the connections. Returns how many.
  drain(keep) {
    this.cut();
    const batch = this.pending;
    this.pending = [];
    const now = performance.now();
    for (const json of batch) {
      let raw;
      try {
        raw = JSON.parse(json);
      } catch (e) {
        continue;
      }
      const ev = normalize(raw);
      if (!ev) continue;
      ev.arrived = now;
      this.ingest(ev);
    }
    this.evict(keep);
    return batch.length;
  }

  conn(id, ev) {
    let c = this.conns.get(id);
    if (!c) {
      c = {
        id,
        server: ev.server,
        role: ev.role,
        parent: ev.parent,
        local: '',
        peer: '',
        events: [],
        earlier: 0,
        seq: ++this.seq,
        last: 0,
        closed: false,
        own: ev.server === 'http' ? null : false, // null: not known yet
        user: '',
        request: '',
        transfer: null, // an FTP session's file transfer under way
        children: [],
      };
      this.conns.set(id, c);
      this.listChanged = true;
      if (c.parent) {
        const p = this.conns.get(c.parent);
        if (p && !p.children.includes(id)) {
          p.children.push(id);
          if (p.children.length > LIMITS.CHILDREN) p.children.shift();
        }
      }
    }
    return c;
  }

  ingest(ev) {
    if (ev.id < this.lastId) this.forget(); // a new netdemo process
    this.lastId = ev.id;
    this.touched.add(ev.server);
    if (ev.server === 'http') this.request(ev);
    const log = this.logs[ev.server];
    log.push(ev);
    if (log.length > LIMITS.LOG * 2) log.splice(0, log.length - LIMITS.LOG);
    if (!ev.conn) {
      if (ev.call !== '' && ev.call !== 'other') {
        const s = this.setup[ev.server];
        s.push(ev);
        if (s.length > LIMITS.SETUP) s.shift();
      }
      return;
    }
    const c = this.conn(ev.conn, ev);
    if (ev.peer) c.peer = ev.peer;
    if (ev.local) c.local = ev.local;
    if (ev.role) c.role = ev.role;
    c.last = ev.id || c.last + 1;
    c.events.push(ev);
    if (c.events.length > LIMITS.PER_CONN * 1.5) {
      const cut = c.events.length - LIMITS.PER_CONN;
      c.events.splice(0, cut);
      c.earlier += cut;
    }
    this.learn(c, ev);
    this.changed.add(c.id);
    if (c.parent) this.changed.add(c.parent);
  }

  // request: tag an HTTP event with the request it serves and whether it
  // is the page's own. A connection accepted while nobody followed the
  // events has no id (conn 0), so its fd, from the text, keys it then.
  request(ev) {
    const fd = /\(fd (\d+)/.exec(ev.text);
    const key = ev.conn ? `c${ev.conn}` : fd ? `f${fd[1]}` : '';
    if (!key) return;
    if (ev.call === 'recv' && ev.result > 0) {
      const line = ev.preview.split('\r')[0].split('\n')[0];
      if (/^[A-Z]+ \S/.test(line)) {
        this.requests.set(key, { line: line.split(' ').slice(0, 2).join(' '), own: isOwnRequest(ev.preview) });
        if (this.requests.size > 256) this.requests.delete(this.requests.keys().next().value);
      }
    }
    const r = this.requests.get(key);
    if (r) {
      ev.request = r.line;
      ev.own = r.own;
    }
    if (ev.call === 'close') this.requests.delete(key);
  }

  // learn: what an event says about its connection as a whole.
  learn(c, ev) {
    if (ev.call === 'close') {
      c.closed = true;
      this.listChanged = true;
    }
    if (c.server === 'http' && ev.call === 'recv' && ev.result > 0) {
      if (c.own === null) {
        c.own = isOwnRequest(ev.preview);
        this.listChanged = true;
      }
      const line = ev.preview.split('\r')[0].split('\n')[0];
      if (/^[A-Z]+ \S/.test(line)) c.request = line.split(' ').slice(0, 2).join(' ');
    }
    if (c.server === 'http' && ev.call === 'close' && c.own === null) c.own = false;
    if (c.server === 'ftp' && ev.text.startsWith('C> USER ')) c.user = ev.text.slice(8, 48);
    if (c.server === 'ftp') this.tally(c, ev);
    if (c.parent && !c.user) {
      const p = this.conns.get(c.parent);
      if (p) c.user = p.user;
    }
  }

  // tally: an FTP file's size as it moves. Each command on the session
  // ends the tally; a RETR or STOR starts one, which the bytes of the
  // session's data connections then add to, until one closes. Counted as
  // the events arrive, so the events a connection later forgets still count.
  tally(c, ev) {
    if (!c.parent && ev.text.startsWith('C> ')) {
      c.transfer = FILE_TRANSFER.test(ev.text) ? { bytes: 0, done: false } : null;
      ev.transfer = c.transfer;
      return;
    }
    const session = c.parent ? this.conns.get(c.parent) : null;
    const transfer = session && session.transfer;
    if (!transfer || transfer.done) return;
    if (DATA_CALLS.has(ev.call) && ev.result > 0) transfer.bytes += ev.bytes;
    if (ev.call === 'close') transfer.done = true;
  }

  visible(c, showOwn) {
    if (c.server === 'http' && c.own === null) return c.closed || c.events.length > 3;
    return showOwn || !c.own;
  }

  // latest: the connection to follow: the newest one visible, a data
  // connection standing for its session.
  latest(showOwn) {
    let best = null;
    for (const c of this.conns.values()) {
      if (!this.visible(c, showOwn)) continue;
      const top = c.parent && this.conns.has(c.parent) ? this.conns.get(c.parent) : c;
      if (!best || c.seq > best.seq) best = { seq: c.seq, conn: top };
    }
    return best ? best.conn : null;
  }

  // list: the connections a user may pick, newest first (sessions only;
  // their data connections are drawn with them).
  list(showOwn) {
    const out = [];
    for (const c of this.conns.values()) {
      if (c.parent && this.conns.has(c.parent)) continue;
      if (this.visible(c, showOwn)) out.push(c);
    }
    return out.sort((a, b) => b.seq - a.seq);
  }

  // evict: forget the oldest connections past MAX_CONNS, never one in keep.
  evict(keep) {
    const extra = this.conns.size - LIMITS.MAX_CONNS;
    if (extra <= 0) return;
    const old = [...this.conns.values()].sort((a, b) => a.last - b.last);
    let left = extra;
    for (const c of old) {
      if (left <= 0) break;
      if (keep && (keep.has(c.id) || keep.has(c.parent))) continue;
      this.conns.delete(c.id);
      left--;
    }
    this.listChanged = true;
  }

  // rows: the events to draw for session c, its data connections' events
  // merged in order, each with the lane it belongs to (0: c itself).
  rows(c) {
    const rows = c.events.map((ev) => ({ ev, lane: 0, conn: c }));
    let lane = 0;
    for (const id of c.children) {
      const d = this.conns.get(id);
      if (!d) continue;
      lane = (lane % 4) + 1;
      for (const ev of d.events) rows.push({ ev, lane, conn: d });
    }
    rows.sort((a, b) => a.ev.id - b.ev.id || a.ev.t - b.ev.t);
    let earlier = c.earlier;
    for (const id of c.children) {
      const d = this.conns.get(id);
      if (d) earlier += d.earlier;
    }
    return { rows, earlier };
  }
}

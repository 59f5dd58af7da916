// stream.js - follow /events, the server's Server-Sent Events stream.
//
// EventSource would do, but it calls the page once per event: at tens of
// thousands of events a second those calls alone keep the page from
// drawing. Read with fetch instead, the stream arrives in chunks, one call
// each, and the events of a chunk are only cut apart here; the store parses
// just the ones it keeps. Like EventSource, it reconnects by itself and
// names the last event it saw (Last-Event-ID), so nothing is shown twice.

const RETRY_MS = 1000;
const RETRY_MAX_MS = 8000;

// follow: read url for ever. on.message(json text), on.missed(n), on.state(
// 'live' | 'reconnecting').
export function follow(url, on) {
  if (!window.fetch || !window.ReadableStream || !window.TextDecoder) {
    followWithEventSource(url, on);
    return;
  }
  let lastId = '';
  let wait = RETRY_MS;

  const dispatch = (block) => {
    let type = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line[0] === ':') continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value[0] === ' ') value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') type = value;
      else if (field === 'id') lastId = value;
    }
    if (!data.length) return;
    if (type === 'message') on.message(data.join('\n'));
    else if (type === 'missed') on.missed(missedCount(data.join('\n')));
  };

  const connect = async () => {
    let live = false;
    try {
      const headers = lastId ? { 'Last-Event-ID': lastId } : {};
      const r = await fetch(url, { headers, cache: 'no-store' });
      if (!r.ok || !r.body) throw new Error(`HTTP ${r.status}`);
      live = true;
      wait = RETRY_MS;
      on.state('live');
      const reader = r.body.getReader();
      const text = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        // CRLF as LF; a CR that ends a chunk waits in buf for its LF
        buf = (buf + text.decode(value, { stream: true })).replace(/\r\n/g, '\n');
        const blocks = buf.split('\n\n');
        buf = blocks.pop();
        for (const b of blocks) dispatch(b);
      }
    } catch (e) {
      // the server went away or refused: try again below
    }
    on.state('reconnecting');
    setTimeout(connect, wait);
    if (!live) wait = Math.min(wait * 2, RETRY_MAX_MS);
  };
  connect();
}

function missedCount(json) {
  try {
    const n = Number(JSON.parse(json).missed);
    return Number.isFinite(n) && n > 0 ? n : 0;
  } catch (e) {
    return 0;
  }
}

// The same with EventSource, for a browser without streaming fetch.
function followWithEventSource(url, on) {
  const es = new EventSource(url);
  es.onopen = () => on.state('live');
  es.onerror = () => {
    on.state('reconnecting');
    if (es.readyState === EventSource.CLOSED) setTimeout(() => followWithEventSource(url, on), RETRY_MS);
  };
  es.onmessage = (m) => on.message(m.data);
  es.addEventListener('missed', (m) => on.missed(missedCount(m.data)));
}

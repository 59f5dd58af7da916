// hub.test.mjs - the lecture hub in a real Chromium, against a real netdemo.
//
//   node tests/browser/hub.test.mjs [NETDEMO]
//
// Starts netdemo (argv[2], else $NETDEMO_BIN, else build/default/bin/netdemo)
// on four free loopback ports, opens its hub page in headless Chromium
// (/usr/bin/chromium, driven by playwright-core), and checks that:
//   - the page loads without a console error and switches between English
//     and Chinese, remembering the choice; a zh-CN browser starts in Chinese,
//     on /echo too;
//   - `tcp-demo client -m 'dream is handsome'` is drawn on the ladder, in
//     order: accept, recv of 17 bytes "dream is handsome", send of
//     "DREAM IS HANDSOME", close; and how soon after each call it was drawn;
//   - markup sent as a TCP payload or an HTTP path shows as text and never
//     runs;
//   - the "measure" button runs a small netdemo compare on the server and
//     shows its table (the report goes to a state folder of the test's own);
//   - the FTP panel's line for a download gives the file's size (KiB in
//     passive mode, bytes in active mode);
//   - nothing spills sideways at 1024x768 or 1920x1080 (screenshots of both
//     go to $ARTIFACTS, default build/default/artifacts, with one of the
//     phone call drawn: docs/hub.png is made from it);
//   - the pages around the hub (the bundled page, /echo, a 404, a listing)
//     fit both sizes too, name the icon and, but for the bundled page, link
//     home; /echo explains User-Agent in English and in Chinese, switched
//     like the hub and remembered with it; the bundled page names the
//     address the browser used (screenshots: page-NAME-WxH.png).
// Exit 0 when all hold, else 1 with one line saying what failed. netdemo is
// always stopped by its PID, and every wait is bounded.

import { chromium } from 'playwright-core';
import { spawn, execFile } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const NETDEMO = path.resolve(process.argv[2] || process.env.NETDEMO_BIN || path.join(ROOT, 'build/default/bin/netdemo'));
const TCP_DEMO = path.join(path.dirname(NETDEMO), 'tcp-demo');
const FTP_DEMO = path.join(path.dirname(NETDEMO), 'ftp-demo');
const WWW = path.join(ROOT, 'www');
const ARTIFACTS = path.resolve(process.env.ARTIFACTS || path.join(ROOT, 'build/default/artifacts'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// where the netdemo under test keeps the report its button makes
const STATE = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'netdemo-hub-state-'));

const TOTAL_MS = 55000; // below CTest's TIMEOUT of 60
const WAIT_MS = 10000; // any one wait
const MAX_P99_US = 2000000; // drawn within 2 s of the call, at the 99th percentile
// HUB_LOAD=N (bench/hub.sh): also time the drawing while N TCP connections
// a second come and go, and print the figure; never a pass or fail.
const LOAD = Number(process.env.HUB_LOAD || 0);
const LOAD_MS = 5000;

const PAYLOADS = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror=window.__pwned=1>',
  '</text><script>window.__pwned=1</script>',
];
const HTTP_PATH = '/<img src=x onerror=window.__pwned=1>';

let server = null; // the netdemo child
let browser = null;

class Failure extends Error {}

function check(cond, msg) {
  if (!cond) throw new Failure(msg);
}

function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  try {
    process.kill(server.pid, 'SIGKILL');
  } catch (e) {
    // already gone
  }
}
process.on('exit', stopServer);

// stopServerGently: SIGTERM, then SIGKILL if it has not gone in 3 s.
async function stopServerGently() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const gone = new Promise((r) => server.once('exit', r));
  try {
    process.kill(server.pid, 'SIGTERM');
  } catch (e) {
    return;
  }
  await Promise.race([gone, sleep(3000)]);
  stopServer();
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopServer();
    process.exit(1);
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// until: poll fn (async) until it returns a truthy value, at most ms.
async function until(what, fn, ms = WAIT_MS) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Failure(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

// A free loopback port: bound with port 0, read, closed. The UDP one is
// checked with a datagram socket.
function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function freePorts() {
  const ports = new Set();
  while (ports.size < 4) ports.add(ports.size === 1 ? await freeUdpPort() : await freeTcpPort());
  const [tcp, udp, http, ftp] = [...ports];
  return { tcp, udp, http, ftp };
}

// startServer: run netdemo and wait for the line that gives the hub's URL.
function startServer(ports) {
  const args = ['-H', '127.0.0.1', '--tcp', ports.tcp, '--udp', ports.udp, '--http', ports.http,
    '--ftp', ports.ftp, '--www', WWW].map(String);
  server = spawn(NETDEMO, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_STATE_HOME: STATE },
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Failure(`netdemo printed no hub URL within ${WAIT_MS} ms: ${out.trim()}`)), WAIT_MS);
    server.once('error', (e) => {
      clearTimeout(timer);
      reject(new Failure(`cannot start ${NETDEMO}: ${e.message}`));
    });
    server.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Failure(`netdemo exited (${code ?? sig}) before it served: ${err.trim().split('\n').pop() || out.trim()}`));
    });
    server.stderr.on('data', (d) => {
      err = (err + d).slice(-4000);
    });
    server.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        server.removeAllListeners('exit');
        resolve(m[0]);
      }
    });
  });
}

function run(file, args) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: WAIT_MS }, (e, stdout, stderr) => {
      if (e) reject(new Failure(`${path.basename(file)} ${args.join(' ')}: ${(stderr || e.message).trim()}`));
      else resolve(stdout);
    });
  });
}

// rawExchange: connect, send bytes, half-close, read until the peer closes.
function rawExchange(port, bytes) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.setTimeout(WAIT_MS, () => {
      s.destroy();
      reject(new Failure(`no answer on port ${port}`));
    });
    s.on('connect', () => s.end(bytes));
    s.on('data', (d) => {
      got += d;
    });
    s.on('error', (e) => reject(new Failure(`port ${port}: ${e.message}`)));
    s.on('close', () => resolve(got));
  });
}

function ladderRows(page) {
  return page.$$eval('#ladder-svg g.row.call', (gs) => gs.map((g) => ({
    call: g.getAttribute('data-call'),
    bytes: Number(g.getAttribute('data-bytes')),
    result: Number(g.getAttribute('data-result')),
    text: g.textContent,
  })));
}

// inOrder: the steps, each matched by a later row than the one before.
function inOrder(rows, steps) {
  let i = 0;
  for (const row of rows) {
    if (i < steps.length && steps[i](row)) i++;
  }
  return i === steps.length;
}

const PHONE_CALL = [
  (r) => r.call === 'accept',
  (r) => r.call === 'recv' && r.bytes === 17 && r.text.includes('dream is handsome'),
  (r) => r.call === 'send' && r.text.includes('DREAM IS HANDSOME'),
  (r) => r.call === 'close',
];

async function checkLanguages(page) {
  const h1 = () => page.textContent('h1');
  check((await h1()) === 'netdemo: watch the sockets', `English title missing: ${await h1()}`);
  check((await page.textContent('#try-h')) === 'Try it', 'English "Try it" heading missing');
  await page.click('#lang');
  check((await h1()) === 'netdemo：看得见的套接字', `Chinese title missing after the toggle: ${await h1()}`);
  check((await page.textContent('#try-h')) === '动手试试', 'Chinese "try it" heading missing');
  check((await page.getAttribute('html', 'lang')) === 'zh-CN', 'html lang not zh-CN in Chinese');
  await page.reload();
  await until('the Chinese page after a reload', async () => (await h1()) === 'netdemo：看得见的套接字');
  await page.click('#lang');
  check((await h1()) === 'netdemo: watch the sockets', 'the toggle did not switch back to English');
}

// A browser set to Chinese gets the Chinese page on its first visit.
async function checkChineseBrowser(url) {
  const context = await browser.newContext({ locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load', timeout: WAIT_MS });
    await until('the Chinese page for a zh-CN browser', async () =>
      (await page.textContent('h1', { timeout: WAIT_MS })) === 'netdemo：看得见的套接字');
    await page.goto(new URL('/echo', url).href, { waitUntil: 'load', timeout: WAIT_MS });
    const notes = await echoNotes(page, 'User-Agent');
    check(notes.zh && notes.en === null, `/echo in a zh-CN browser is not in Chinese: ${JSON.stringify(notes)}`);
  } finally {
    await context.close();
  }
}

async function checkTryIt(page, ports) {
  const cmds = await page.$$eval('#try-list code', (cs) => cs.map((c) => c.textContent));
  const want = `tcp-demo client -H 127.0.0.1 -p ${ports.tcp} -m 'dream is handsome'`;
  check(cmds.includes(want), `"try it" lacks: ${want}`);
  check(cmds.some((c) => c === `curl http://127.0.0.1:${ports.http}/echo`), '"try it" lacks the curl /echo command');
}

async function checkPhoneCall(page) {
  const answer = await run(TCP_DEMO, ['client', '-H', '127.0.0.1', '-p', String(page.ports.tcp), '-m', 'dream is handsome']);
  check(answer.includes('DREAM IS HANDSOME'), `tcp-demo client got: ${answer.trim()}`);
  await until('the phone call on the ladder (accept, recv 17 "dream is handsome", send "DREAM IS HANDSOME", close)',
    async () => inOrder(await ladderRows(page), PHONE_CALL));
  // the same rows, captioned in Chinese with the seed's words
  await page.click('#lang');
  const zh = await ladderRows(page);
  const recv = zh.find((r) => r.call === 'recv' && r.bytes === 17);
  check(recv && recv.text.includes('听消息，听话'), 'the recv row has no Chinese caption');
  check(zh.some((r) => r.call === 'accept' && r.text.includes('手机接电话')), 'the accept row has no Chinese caption');
  await page.click('#lang');
  const en = await ladderRows(page);
  check(en.some((r) => r.call === 'close' && r.text.includes('hang up')), 'the close row has no English caption');
  // the README's picture of the hub: the seed's phone call, drawn, at a
  // width that shows the ladder beside the diagram
  const was = page.viewportSize();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await sleep(300);
  await page.screenshot({ path: path.join(ARTIFACTS, 'hub-phone-call.png') });
  await page.setViewportSize(was);
}

async function checkNoInjection(page, ports, dialogs) {
  const shownAsText = async (needle) => (await ladderRows(page)).some((r) => r.text.includes(needle));
  for (const p of PAYLOADS) {
    await rawExchange(ports.tcp, p);
    const needle = p.slice(0, 36);
    await until(`the payload ${JSON.stringify(needle)} drawn as text`, () => shownAsText(needle));
  }
  await rawExchange(ports.http, `GET ${HTTP_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  await until('the HTTP path drawn as text', () => shownAsText('GET /<img src=x onerror=window.__pwned'));
  // an FTP file name: the session's command line, as the hub draws it
  await rawExchange(ports.ftp, `USER anonymous\r\nPASS x\r\nRETR ${PAYLOADS[1]}\r\nQUIT\r\n`);
  await until('the FTP file name drawn as text', () => shownAsText(`RETR ${PAYLOADS[1]}`.slice(0, 30)));
  await sleep(300); // a handler that was going to run has run
  const pwned = await page.evaluate(() => window.__pwned);
  check(pwned === undefined, 'markup from the network ran (window.__pwned was set)');
  check(dialogs.length === 0, `a dialog opened: ${dialogs[0]}`);
  const injected = await page.evaluate(() => document.querySelectorAll('img[src="x"], script:not([src]), svg script').length);
  check(injected === 0, 'markup from the network became elements');
}

// The button: a run on the server, its progress, then its table.
async function checkMeasure(page) {
  await until('the measure button', async () => page.isVisible('#measure-run'));
  await page.click('#measure-run');
  await until('the comparison to finish', async () =>
    ['done', 'failed'].includes(await page.getAttribute('#measure-status', 'data-state')), 30000);
  const state = await page.getAttribute('#measure-status', 'data-state');
  const said = await page.textContent('#measure-status');
  check(state === 'done', `the comparison did not finish: ${said}`);
  await until('the comparison table', async () => (await page.$$('#measure-table tr')).length >= 6);
  const rows = await page.$$eval('#measure-table tr', (trs) => trs.map((tr) =>
    [...tr.children].map((c) => c.textContent)));
  const names = rows.slice(1).map((r) => r[0]);
  check(JSON.stringify(names) === JSON.stringify(['TCP', 'UDP', 'HTTP/1.0', 'HTTP/1.1', 'FTP']),
    `the table's rows: ${names}`);
  const tcp = rows[1];
  check(/^[\d,.]+ µs$/.test(tcp[1]) && /^[\d,.]+ MiB\/s$/.test(tcp[4]), `the TCP row: ${tcp}`);
  check(/^[\d,.]+ MiB\/s$/.test(rows[2][4]), `the UDP row's bulk figure (reliable mode): ${rows[2]}`);
  check(rows.slice(1).every((r) => /^[\d,.]+ µs$/.test(r[1])), `every row has its first byte: ${rows}`);
}

// checkFtpSize: `ftp-demo client` downloads a sample file, a large one in
// passive mode and a small one in active mode, and keeps its session open
// meanwhile, so that the RETR line is still among the panel's last lines;
// that line ends with the file's size.
async function checkFtpSize(page, ports) {
  const logLines = () => page.$$eval('.panel[data-server="ftp"] .log li', (lis) => lis.map((li) => li.title));
  for (const [name, mode] of [['random.bin', []], ['readme.txt', ['--active']]]) {
    const bytes = (await fs.promises.stat(path.join(ROOT, 'ftp', 'sample', name))).size;
    const size = bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
    const line = `RETR ${name} (${size})`;
    const client = spawn(FTP_DEMO, ['client', '-p', String(ports.ftp), ...mode], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      client.stdin.write(`get ${name} /dev/null\n`);
      await until(`"${line}" in the FTP panel`, async () => (await logLines()).some((l) => l.endsWith(line)));
      client.stdin.end('quit\n');
    } finally {
      if (client.exitCode === null && client.signalCode === null) client.kill('SIGKILL');
    }
  }
}

async function checkLayout(page, width, height) {
  await page.setViewportSize({ width, height });
  await sleep(300);
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(over <= 1, `at ${width}x${height} the page is ${over} px wider than the window`);
  await page.screenshot({ path: path.join(ARTIFACTS, `hub-${width}x${height}.png`) });
}

// The pages a class opens from the hub, at a projector's sizes.
const PAGES = [
  { name: 'index', path: '/index.html', status: 200, home: false },
  { name: 'echo', path: '/echo', status: 200, home: true },
  { name: '404', path: '/no-such-page', status: 404, home: true },
  { name: 'listing', path: '/files/', status: 200, home: true },
];

// The line of /echo's list that shows header name, and its two notes.
async function echoNotes(page, name) {
  const line = page.locator('#request li').filter({ has: page.locator(`code:text-matches("^${name}: ")`) });
  check((await line.count()) === 1, `/echo shows no ${name} line of its own`);
  const en = line.locator('span[lang="en"]');
  const zh = line.locator('span[lang="zh-CN"]');
  return { en: await en.isVisible() ? await en.textContent() : null,
    zh: await zh.isVisible() ? await zh.textContent() : null };
}

// checkEchoLanguages: English first (an en-US browser), the switch to
// Chinese, remembered on reload and shared with the hub, and back.
async function checkEchoLanguages(page, base) {
  let notes = await echoNotes(page, 'User-Agent');
  check(notes.en && notes.zh === null, `/echo in English should show only the English note: ${JSON.stringify(notes)}`);
  await page.click('#lang');
  notes = await echoNotes(page, 'User-Agent');
  check(notes.zh && /[\u4e00-\u9fff]/.test(notes.zh) && notes.en === null,
    `after the switch /echo should show only the Chinese note: ${JSON.stringify(notes)}`);
  check((await page.getAttribute('html', 'lang')) === 'zh-CN', '/echo in Chinese has no lang="zh-CN"');
  check(/[\u4e00-\u9fff]/.test(await page.title()), `/echo's title stayed English: ${await page.title()}`);
  await page.reload();
  check((await echoNotes(page, 'User-Agent')).zh, '/echo forgot the Chinese choice on reload');
  await page.goto(base, { waitUntil: 'load' });
  await until('the hub in Chinese, chosen on /echo', async () =>
    (await page.textContent('h1')) === 'netdemo：看得见的套接字');
  await page.click('#lang');
  await page.goto(new URL('/echo', base).href, { waitUntil: 'load' });
  check((await echoNotes(page, 'User-Agent')).en, '/echo did not follow the hub back to English');
}

async function checkPage(page, base, spec, width, height) {
  const response = await page.goto(new URL(spec.path, base).href, { waitUntil: 'load' });
  check(response.status() === spec.status, `${spec.path} answered ${response.status()}, not ${spec.status}`);
  const icon = await page.getAttribute('link[rel="icon"]', 'href');
  check(icon && icon.endsWith('favicon.svg'), `${spec.path} names no favicon`);
  if (spec.home)
    check(await page.locator('a[href="/"]').first().isVisible(), `${spec.path} has no visible link home`);
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(over <= 1, `at ${width}x${height} ${spec.path} is ${over} px wider than the window`);
  if (spec.name === '404') {
    const note = page.locator('.lead span[lang="en"]');
    check(await note.isVisible(), 'the 404 page does not say what 404 means');
  }
  if (spec.name === 'index') {
    const host = new URL(base).host;
    const shown = await page.textContent('.host');
    check(shown === host, `the bundled page names ${shown}, not the address used, ${host}`);
  }
  await page.screenshot({ path: path.join(ARTIFACTS, `page-${spec.name}-${width}x${height}.png`) });
}

async function checkPages(base) {
  const context = await browser.newContext({ locale: 'en-US' });
  context.setDefaultTimeout(WAIT_MS);
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => {
      // the 404 page's own status is logged as an error; nothing else may be
      if (m.type() === 'error' && !/status of 404/.test(m.text())) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    for (const [width, height] of [[1024, 768], [1920, 1080]]) {
      await page.setViewportSize({ width, height });
      for (const spec of PAGES) await checkPage(page, base, spec, width, height);
    }
    await page.goto(new URL('/echo', base).href, { waitUntil: 'load' });
    await checkEchoLanguages(page, base);
    check(errors.length === 0, `page error around the hub: ${errors[0]}`);
  } finally {
    await context.close();
  }
}

// One short phone call as load: connect, one byte, its answer, close.
function loadCall(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(WAIT_MS, () => s.destroy());
    s.on('connect', () => s.write('x'));
    s.on('data', () => s.end());
    s.on('error', () => resolve(false));
    s.on('close', () => resolve(true));
  });
}

// The drawing delay while `perSecond` connections a second run: the p99
// of (drawn - call) over the calls drawn meanwhile.
async function measureUnderLoad(page, port, perSecond) {
  await page.evaluate(() => { window.netdemoHub.delays.length = 0; });
  const calls = [];
  const tick = 10; // ms: perSecond / 100 connections each time
  const timer = setInterval(() => {
    for (let i = 0; i < perSecond * tick / 1000; i++) calls.push(loadCall(port));
  }, tick);
  await sleep(LOAD_MS);
  clearInterval(timer);
  const done = (await Promise.all(calls)).filter(Boolean).length;
  const p99 = await page.evaluate(() => window.netdemoHub.p99());
  const n = await page.evaluate(() => window.netdemoHub.delays.length);
  console.log(`browser_hub: under ${perSecond} connections a second (${done} in ${LOAD_MS / 1000} s): ` +
    `${n} calls drawn, p99 ${p99 === null ? 'n/a' : (p99 / 1000).toFixed(1)} ms after the call`);
}

async function main() {
  check(fs.existsSync(NETDEMO), `no netdemo at ${NETDEMO}`);
  check(fs.existsSync(TCP_DEMO), `no tcp-demo beside netdemo at ${TCP_DEMO}`);
  check(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}`);
  // made before netdemo starts, and without blocking: a synchronous call
  // that never returned would stop the watchdog too
  await fs.promises.mkdir(ARTIFACTS, { recursive: true });
  const ports = await freePorts();
  const url = await startServer(ports);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: WAIT_MS,
    args: ['--no-sandbox', '--disable-gpu', '--no-proxy-server', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-default-apps',
      '--disable-sync', '--disable-extensions', '--no-first-run', '--no-default-browser-check',
      '--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication'],
  });
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1024, height: 768 } });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  page.ports = ports;
  const errors = [];
  const dialogs = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  // a failed load names its URL, which the console line does not
  page.on('requestfailed', (r) => {
    const why = r.failure() ? r.failure().errorText : 'failed';
    if (why !== 'net::ERR_ABORTED') errors.unshift(`${r.method()} ${new URL(r.url()).pathname}: ${why}`);
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });

  await page.goto(url, { waitUntil: 'load' });
  await until('the event stream to be live', async () =>
    (await page.getAttribute('#status', 'data-state')) === 'live');
  await checkLanguages(page);
  await checkChineseBrowser(url);
  await until('the event stream to be live again', async () =>
    (await page.getAttribute('#status', 'data-state')) === 'live');
  await until('the "try it" commands', async () => (await page.$$('#try-list code')).length >= 6);
  await checkTryIt(page, ports);
  await checkPhoneCall(page);
  const p99 = await page.evaluate(() => window.netdemoHub.p99());
  const n = await page.evaluate(() => window.netdemoHub.delays.length);
  if (LOAD > 0)
    await measureUnderLoad(page, ports.tcp, LOAD);
  await checkNoInjection(page, ports, dialogs);
  await checkMeasure(page);
  await checkFtpSize(page, ports);
  await checkLayout(page, 1024, 768);
  await checkLayout(page, 1920, 1080);
  await checkPages(url);
  check(errors.length === 0, `page error: ${errors[0]}`);
  check(p99 !== null && n > 0, 'no drawn event was timed');
  console.log(`browser_hub: ${n} calls drawn, p99 ${(p99 / 1000).toFixed(1)} ms after the call`);
  check(p99 < MAX_P99_US, `calls were drawn ${(p99 / 1e6).toFixed(2)} s after they happened (p99), over 2 s`);
}

const watchdog = setTimeout(() => {
  console.log(`browser_hub: FAIL: the whole test took over ${TOTAL_MS / 1000} s`);
  stopServer();
  process.exit(1);
}, TOTAL_MS);

let code = 0;
try {
  await main();
  console.log('browser_hub: PASS');
} catch (e) {
  code = 1;
  const why = e instanceof Failure ? e.message : String((e && e.message) || e).split('\n')[0];
  console.log(`browser_hub: FAIL: ${why}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopServerGently();
  fs.rmSync(STATE, { recursive: true, force: true });
  clearTimeout(watchdog);
}
process.exit(code);

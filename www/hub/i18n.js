// i18n.js - every word on the hub page, in English and in Chinese.
//
// Static text in index.html names its key with data-i18n="key"; apply()
// sets each such element's textContent. Text drawn by script (the ladder,
// the panels) asks t(key, values) each time it draws, so a switch of
// language redraws everything. The captions reuse the seed lesson's phone
// call: socket() buys the phone, bind() puts in the SIM card, and so on.

import { initialLang, remember } from '../lang.js';

const STRINGS = {
  en: {
    'page.title': 'netdemo: watch the sockets',
    'page.lead': 'Four servers in one program. Every socket call they make is drawn here as it happens.',
    'lang.switch': '中文',
    'lang.label': 'Switch the page to Chinese',
    'status.connecting': 'connecting…',
    'status.live': 'live',
    'status.reconnecting': 'reconnecting…',
    'status.missed': '{n} events missed (the page fell behind)',
    'status.delay': 'drawn {ms} ms after the call (p99)',
    'status.coalesced': '{n} more events came than could be drawn; the newest are shown',

    'arch.h': 'C/S and B/S: who plays client, who plays server',
    'arch.note': 'One program, netdemo, runs all four servers. Each row is one conversation: a client program on the left, the server it calls on the right, and the protocol and port between them.',
    'arch.clients': 'clients',
    'arch.servers': 'servers: one netdemo',
    'arch.cs': 'C/S: client/server — a client written for the service',
    'arch.bs': 'B/S: browser/server — any browser is the client',
    'arch.tcp.client': 'tcp-demo client',
    'arch.udp.client': 'udp-demo client',
    'arch.ftp.client': 'ftp-demo client · curl · lftp',
    'arch.http.client': 'this browser · curl',
    'arch.tcp.server': 'TCP: answers in capitals',
    'arch.udp.server': 'UDP: datagrams',
    'arch.ftp.server': 'FTP: files',
    'arch.http.server': 'HTTP: this page',
    'arch.data': '+ a data line per file',

    'panels.h': 'The four servers, live',
    'panel.tcp': 'TCP',
    'panel.udp': 'UDP',
    'panel.http': 'HTTP',
    'panel.ftp': 'FTP',
    'stat.conns_open': 'connections open',
    'stat.conns_total': 'connections in total',
    'stat.bytes_in': 'bytes in',
    'stat.bytes_out': 'bytes out',
    'stat.requests': 'requests',
    'stat.dropped': 'datagrams dropped',
    'stat.errors': 'errors',
    'panel.quiet': 'nothing yet',

    'ev.connected': '{peer} connected',
    'ev.said': '{peer} said {n} bytes',
    'ev.answered': 'answered {peer} with {n} bytes',
    'ev.hungup': '{peer} hung up',
    'ev.closed': 'closed the connection to {peer}',
    'ev.datagram': 'datagram of {n} bytes from {peer}',
    'ev.dropped': 'datagram from {peer} dropped on purpose',
    'ev.shutdown': 'half-closed the connection to {peer}',
    'ev.error': '{call} failed',

    'ladder.h': 'The phone call, call by call',
    'ladder.pick': 'Connection',
    'ladder.follow': 'Follow the latest',
    'ladder.own': "Show this page's own requests",
    'ladder.none': 'Waiting for a connection… run a command from “Try it” below.',
    'ladder.client': 'client',
    'ladder.server': 'server',
    'ladder.more': '{n} earlier calls not shown',
    'ladder.data': 'data connection #{id}',
    'ladder.closed': 'closed',
    'ladder.open': 'open',
    'ladder.bytes': '{n} B',
    'ladder.dropped': 'dropped',
    'ladder.hint': 'Arrows are drawn from the server’s side: what it received came from the client, what it sent went to the client.',

    'cap.socket': 'socket(): buy the phone',
    'cap.bind': 'bind(): put in the SIM card (the number)',
    'cap.listen': 'listen(): phone on standby, waiting for calls',
    'cap.setsockopt': 'setsockopt(): set the phone up',
    'cap.accept': 'accept(): pick up the call',
    'cap.connect': 'connect(): dial the number',
    'cap.recv': 'recv(): listen — hear what the client says',
    'cap.recv0': 'recv() = 0: the client hung up',
    'cap.send': 'send(): talk — answer the client',
    'cap.sendfile': 'sendfile(): pass the file straight down the line',
    'cap.recvfrom': 'recvfrom(): a letter comes, with a return address',
    'cap.sendto': 'sendto(): post a letter back to that address',
    'cap.drop': 'dropped on purpose (--drop): UDP does not resend',
    'cap.shutdown': 'shutdown(): done talking, still listening (half-close)',
    'cap.close': 'close(): hang up',
    'cap.epoll_wait': 'epoll_wait(): watch many phones at once',
    'cap.poll': 'poll(): watch many phones at once',
    'cap.fork': 'fork(): a new process takes this call',
    'cap.waitpid': 'waitpid(): wait for the helper process to finish',
    'cap.pthread_create': 'pthread_create(): a new thread takes this call',
    'cap.epoll_ctl': 'epoll_ctl(): add a phone to those watched, or take it off',
    'cap.fcntl': 'fcntl(O_NONBLOCK): never wait by the phone, come back later',
    'cap.recvmmsg': 'recvmmsg(): collect many letters in one trip',
    'cap.sendmmsg': 'sendmmsg(): post many letters in one trip',
    'cap.error': 'the call failed',
    'cap.note': 'what the server says it is doing',
    'cap.ftpdata': 'accept(): a second line, for the file itself',

    'try.h': 'Try it',
    'try.note': 'Copy a command into a terminal on any machine that can reach this one, and watch the ladder above.',
    'try.addr': 'Address',
    'try.tcp': 'The phone call over TCP: the server answers in capitals.',
    'try.udp': 'One datagram over UDP: no connection, no resend.',
    'try.ftp': 'The netdemo FTP client: type ls, get sample.txt, quit.',
    'try.curl_http': 'curl asks the HTTP server what it received.',
    'try.curl_ftp': 'curl lists the FTP server’s files.',
    'try.lftp': 'lftp, a full FTP client.',
    'try.copy': 'Copy',
    'try.copied': 'Copied',
    'try.copyfail': 'Select and copy',

    'links.h': 'Look at the wire',
    'links.echo': '/echo — what your browser just sent',
    'links.site': '/index.html — the bundled B/S page',
    'links.stats': '/stats — the counters as JSON',
    'links.listing': '/files/ — a folder the web server lists itself',
    'links.compare': '/compare — the four protocols measured: the latest netdemo compare',
    'links.files': 'The files are listed by the FTP server: curl ftp://{host}:{port}/',
    'measure.h': 'Measure all four, now',
    'measure.note': 'A small netdemo compare on this machine: a few seconds, one run at a time. The whole report, with charts, is at /compare.',
    'measure.button': 'Run a small comparison',
    'measure.running': 'measuring… {s} s',
    'measure.done': 'done in {s} s',
    'measure.failed': 'failed: {why}',
    'measure.timeout': 'no result within 150 s',
    'measure.protocol': 'protocol',
    'measure.first': 'first byte',
    'measure.rtt': 'round trip (p50)',
    'measure.rate': 'requests a second',
    'measure.bulk': '1 MiB, one way',
    'measure.loss': 'Loss: plain UDP lost {lost}% with the server dropping {drop}%; the reliable mode delivered all {n}, sending {resent} again.',

    'foot': 'netdemo — socket programming you can watch.',
  },
  zh: {
    'page.title': 'netdemo：看得见的套接字',
    'page.lead': '一个程序里跑着四个服务器。它们的每一次套接字调用，一发生就画在这里。',
    'lang.switch': 'English',
    'lang.label': '把页面切换成英文',
    'status.connecting': '连接中…',
    'status.live': '实时',
    'status.reconnecting': '重新连接中…',
    'status.missed': '漏掉了 {n} 个事件（页面没跟上）',
    'status.delay': '调用发生后 {ms} 毫秒画出（p99）',
    'status.coalesced': '还有 {n} 个事件来得太快没有画出，只显示最新的',

    'arch.h': 'C/S 与 B/S：谁是客户端，谁是服务器',
    'arch.note': '一个程序 netdemo 跑着全部四个服务器。每一行是一段对话：左边是客户端程序，右边是它呼叫的服务器，中间是协议和端口。',
    'arch.clients': '客户端',
    'arch.servers': '服务器：同一个 netdemo',
    'arch.cs': 'C/S：客户端/服务器 —— 为这个服务专门写的程序',
    'arch.bs': 'B/S：浏览器/服务器 —— 任何浏览器都是客户端',
    'arch.tcp.client': 'tcp-demo client',
    'arch.udp.client': 'udp-demo client',
    'arch.ftp.client': 'ftp-demo client · curl · lftp',
    'arch.http.client': '这个浏览器 · curl',
    'arch.tcp.server': 'TCP：用大写回答',
    'arch.udp.server': 'UDP：数据报',
    'arch.ftp.server': 'FTP：文件',
    'arch.http.server': 'HTTP：本页面',
    'arch.data': '+ 每个文件一条数据线',

    'panels.h': '四个服务器，实时',
    'panel.tcp': 'TCP',
    'panel.udp': 'UDP',
    'panel.http': 'HTTP',
    'panel.ftp': 'FTP',
    'stat.conns_open': '当前连接',
    'stat.conns_total': '连接总数',
    'stat.bytes_in': '收到字节',
    'stat.bytes_out': '发出字节',
    'stat.requests': '请求',
    'stat.dropped': '丢弃的数据报',
    'stat.errors': '错误',
    'panel.quiet': '还没有动静',

    'ev.connected': '{peer} 打来电话，已接通',
    'ev.said': '{peer} 说了 {n} 字节',
    'ev.answered': '回答 {peer} {n} 字节',
    'ev.hungup': '{peer} 挂电话了',
    'ev.closed': '挂断了和 {peer} 的电话',
    'ev.datagram': '收到 {peer} 的数据报，{n} 字节',
    'ev.dropped': '{peer} 的数据报被故意丢弃',
    'ev.shutdown': '和 {peer} 半关闭：只听不说',
    'ev.error': '{call} 失败',

    'ladder.h': '打电话，一个调用一个调用地看',
    'ladder.pick': '连接',
    'ladder.follow': '跟随最新的连接',
    'ladder.own': '显示本页面自己的请求',
    'ladder.none': '等待连接… 运行下面“动手试试”里的命令。',
    'ladder.client': '客户端',
    'ladder.server': '服务器',
    'ladder.more': '还有 {n} 个更早的调用没有画出',
    'ladder.data': '数据连接 #{id}',
    'ladder.closed': '已挂断',
    'ladder.open': '通话中',
    'ladder.bytes': '{n} 字节',
    'ladder.dropped': '丢弃',
    'ladder.hint': '箭头从服务器这一边推断：服务器收到的来自客户端，服务器发出的去往客户端。',

    'cap.socket': 'socket()：买手机',
    'cap.bind': 'bind()：手机插卡 —— 绑定号码（IP 和端口）',
    'cap.listen': 'listen()：手机待机，等待来电',
    'cap.setsockopt': 'setsockopt()：设置手机',
    'cap.accept': 'accept()：手机接电话',
    'cap.connect': 'connect()：拨电话',
    'cap.recv': 'recv()：听消息，听话',
    'cap.recv0': 'recv() 返回 0：对方挂电话了',
    'cap.send': 'send()：发消息，说话',
    'cap.sendfile': 'sendfile()：把文件直接送上线路',
    'cap.recvfrom': 'recvfrom()：收到一封信，信上写着寄信人地址',
    'cap.sendto': 'sendto()：按这个地址回一封信',
    'cap.drop': '故意丢弃（--drop）：UDP 不会重发',
    'cap.shutdown': 'shutdown()：说完了，还在听（半关闭）',
    'cap.close': 'close()：挂电话',
    'cap.epoll_wait': 'epoll_wait()：同时看着很多部电话',
    'cap.poll': 'poll()：同时看着很多部电话',
    'cap.fork': 'fork()：新进程来接这个电话',
    'cap.waitpid': 'waitpid()：等帮忙的进程做完',
    'cap.pthread_create': 'pthread_create()：新线程来接这个电话',
    'cap.epoll_ctl': 'epoll_ctl()：把一部电话加进看着的那些，或者拿掉',
    'cap.fcntl': 'fcntl(O_NONBLOCK)：不守在电话旁，过会儿再来',
    'cap.recvmmsg': 'recvmmsg()：跑一趟取回很多封信',
    'cap.sendmmsg': 'sendmmsg()：跑一趟寄出很多封信',
    'cap.error': '调用失败',
    'cap.note': '服务器说它在做什么',
    'cap.ftpdata': 'accept()：为文件本身另开一条线',

    'try.h': '动手试试',
    'try.note': '在任何能连到这台机器的电脑上，把命令复制到终端里运行，然后看上面的梯形图。',
    'try.addr': '地址',
    'try.tcp': '用 TCP 打电话：服务器用大写回答。',
    'try.udp': '用 UDP 发一个数据报：没有连接，不会重发。',
    'try.ftp': 'netdemo 的 FTP 客户端：输入 ls、get sample.txt、quit。',
    'try.curl_http': 'curl 问 HTTP 服务器它收到了什么。',
    'try.curl_ftp': 'curl 列出 FTP 服务器上的文件。',
    'try.lftp': 'lftp，一个完整的 FTP 客户端。',
    'try.copy': '复制',
    'try.copied': '已复制',
    'try.copyfail': '请选中后复制',

    'links.h': '看看线路上有什么',
    'links.echo': '/echo —— 你的浏览器刚刚发出的请求',
    'links.site': '/index.html —— 自带的 B/S 页面',
    'links.stats': '/stats —— JSON 格式的计数器',
    'links.listing': '/files/ —— 网页服务器自己列出的文件夹',
    'links.compare': '/compare —— 四种协议的实测对比：最近一次 netdemo compare 的报告',
    'links.files': '文件由 FTP 服务器列出：curl ftp://{host}:{port}/',
    'measure.h': '现在就把四种协议测一遍',
    'measure.note': '在本机上跑一次小规模的 netdemo compare：几秒钟，一次只跑一个。带图表的完整报告在 /compare。',
    'measure.button': '跑一次小规模比较',
    'measure.running': '正在测量… {s} 秒',
    'measure.done': '完成，用时 {s} 秒',
    'measure.failed': '失败：{why}',
    'measure.timeout': '150 秒内没有结果',
    'measure.protocol': '协议',
    'measure.first': '第一个字节',
    'measure.rtt': '往返时间（p50）',
    'measure.rate': '每秒请求数',
    'measure.bulk': '1 MiB 单向传输',
    'measure.loss': '丢包：服务器丢弃 {drop}% 时，普通 UDP 丢了 {lost}%；可靠模式全部送达 {n} 个，重发了 {resent} 个。',

    'foot': 'netdemo —— 看得见的套接字编程。',
  },
};

const listeners = [];
let lang = initialLang();

// t: the text for key in the current language, with {name} filled from
// values. The result is plain text, for textContent only.
export function t(key, values) {
  const table = STRINGS[lang];
  let s = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : STRINGS.en[key];
  if (s === undefined) s = key;
  if (values) {
    s = s.replace(/\{(\w+)\}/g, (m, name) =>
      Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : m);
  }
  return s;
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(STRINGS.en, key);
}

export function current() {
  return lang;
}

// apply: set every data-i18n element under root (HTML or SVG) to its text.
export function apply(root) {
  const scope = root || document;
  for (const el of scope.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.getAttribute('data-i18n'));
  }
  for (const el of scope.querySelectorAll('[data-i18n-label]')) {
    el.setAttribute('aria-label', t(el.getAttribute('data-i18n-label')));
  }
  if (!root) {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = t('page.title');
  }
}

export function set(next) {
  lang = next === 'zh' ? 'zh' : 'en';
  remember(lang);
  apply();
  for (const fn of listeners) fn(lang);
}

export function toggle() {
  set(lang === 'en' ? 'zh' : 'en');
}

export function onChange(fn) {
  listeners.push(fn);
}

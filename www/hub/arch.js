// arch.js - the C/S and B/S diagram: which program is the client, which
// the server, and the protocol and port between them. Drawn as SVG so
// every word in it is text the language switch can change.

import { svgEl, svgText } from './svg.js';

const ROWS = [
  { key: 'tcp', proto: 'TCP', band: 'cs' },
  { key: 'udp', proto: 'UDP', band: 'cs' },
  { key: 'ftp', proto: 'FTP', band: 'cs' },
  { key: 'http', proto: 'HTTP', band: 'bs' },
];

const W = 1100;
const BOX_W = 400;
const BOX_H = 66;
const LEFT = 20;
const RIGHT = W - 20 - BOX_W;

function rowY(i) {
  // three C/S rows, then a gap and the B/S row
  return 150 + i * 100 + (i >= 3 ? 50 : 0);
}

function box(parent, x, y, cls, key, size) {
  parent.appendChild(svgEl('rect', { x, y: y - BOX_H / 2, width: BOX_W, height: BOX_H, rx: 10, class: 'box ' + cls }));
  const label = svgText(x + BOX_W / 2, y + 10, '', { 'text-anchor': 'middle', 'font-size': size || 30, class: 'head' });
  label.setAttribute('data-i18n', key);
  parent.appendChild(label);
}

function wire(parent, y, id) {
  const x1 = LEFT + BOX_W + 6;
  const x2 = RIGHT - 6;
  parent.appendChild(svgEl('line', { x1, y1: y, x2: x2 - 16, y2: y, class: 'wire' }));
  parent.appendChild(svgEl('path', { d: `M${x2} ${y} l-18 -9 v18 z`, class: 'wire-head' }));
  const label = svgText((x1 + x2) / 2, y - 12, '', { 'text-anchor': 'middle', 'font-size': 30, class: 'mono head' });
  label.id = id;
  parent.appendChild(label);
}

// buildArch: draw the diagram into container (once).
export function buildArch(container) {
  const svg = svgEl('svg', { viewBox: `0 0 ${W} 560`, role: 'img', 'aria-labelledby': 'arch-h' });
  svg.appendChild(svgEl('rect', { x: 0, y: 70, width: W, height: 335, rx: 12, class: 'band' }));
  svg.appendChild(svgEl('rect', { x: 0, y: 420, width: W, height: 130, rx: 12, class: 'band bs' }));
  const cs = svgText(16, 100, '', { 'font-size': 26, class: 'dim' });
  cs.setAttribute('data-i18n', 'arch.cs');
  svg.appendChild(cs);
  const bs = svgText(16, 452, '', { 'font-size': 26, class: 'dim' });
  bs.setAttribute('data-i18n', 'arch.bs');
  svg.appendChild(bs);

  const hc = svgText(LEFT, 44, '', { 'font-size': 34, class: 'client head' });
  hc.setAttribute('data-i18n', 'arch.clients');
  svg.appendChild(hc);
  const hs = svgText(W - 10, 44, '', { 'text-anchor': 'end', 'font-size': 34, class: 'server head' });
  hs.setAttribute('data-i18n', 'arch.servers');
  svg.appendChild(hs);
  // the one process that holds all four servers
  svg.appendChild(svgEl('rect', { x: RIGHT - 12, y: 108, width: BOX_W + 24, height: 428, rx: 14, class: 'box group' }));

  ROWS.forEach((row, i) => {
    const y = rowY(i);
    box(svg, LEFT, y, 'client', `arch.${row.key}.client`, row.key === 'ftp' ? 24 : 30);
    box(svg, RIGHT, y, 'server', `arch.${row.key}.server`, 26);
    wire(svg, y, `arch-port-${row.key}`);
    if (row.key === 'ftp') {
      const d = svgText((LEFT + BOX_W + RIGHT) / 2, y + 34, '', { 'text-anchor': 'middle', 'font-size': 22, class: 'dim' });
      d.setAttribute('data-i18n', 'arch.data');
      svg.appendChild(d);
    }
  });
  container.replaceChildren(svg);
  setPorts(null);
}

// setPorts: write "TCP :9000" on each wire from /netdemo.json's services.
export function setPorts(services) {
  for (const row of ROWS) {
    const el = document.getElementById(`arch-port-${row.key}`);
    if (!el) continue;
    const svc = services && services[row.key];
    const port = svc && Number.isInteger(svc.port) ? svc.port : '?';
    el.textContent = `${row.proto} :${port}`;
  }
}

// svg.js - make SVG elements. Attribute values come from the page's own
// code (positions, class names); text goes in only as textContent, so
// nothing a peer sent can become markup.

const NS = 'http://www.w3.org/2000/svg';

export function svgEl(name, attrs) {
  const el = document.createElementNS(NS, name);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  }
  return el;
}

export function svgText(x, y, text, attrs) {
  const el = svgEl('text', Object.assign({ x, y }, attrs || {}));
  el.textContent = text;
  return el;
}

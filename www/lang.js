// lang.js - which language netdemo's pages are shown in, English or
// Chinese: the reader's last choice on any of them (the hub, /echo), else
// the browser's own language.

const STORE_KEY = 'netdemo.hub.lang';

export function initialLang() {
  let saved = null;
  try {
    saved = window.localStorage.getItem(STORE_KEY);
  } catch (e) {
    saved = null; // storage may be off; the browser's language decides
  }
  if (saved === 'en' || saved === 'zh') return saved;
  const nav = (navigator.language || 'en').toLowerCase();
  return nav.startsWith('zh') ? 'zh' : 'en';
}

// remember: keep the reader's choice for the next page they open.
export function remember(lang) {
  try {
    window.localStorage.setItem(STORE_KEY, lang);
  } catch (e) {
    // not remembered, but still switched
  }
}

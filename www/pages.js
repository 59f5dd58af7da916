// pages.js - the English/Chinese switch of the pages the server writes
// itself (/echo). Such a page carries both languages, each marked
// class="only-en" or "only-zh"; style.css hides the one not chosen, so
// without this script both show. Same choice, same button, as the hub.
import { initialLang, remember } from './lang.js';

const root = document.documentElement;
let lang = initialLang();

function show(next) {
  lang = next;
  root.dataset.lang = lang;
  root.lang = lang === 'zh' ? 'zh-CN' : 'en';
  // the tab's title follows: the heading as now shown
  const heading = document.querySelector('h1');
  if (heading) document.title = heading.innerText;
}

show(lang);
const button = document.getElementById('lang');
if (button) {
  button.hidden = false;
  button.addEventListener('click', () => {
    show(lang === 'en' ? 'zh' : 'en');
    remember(lang);
  });
}

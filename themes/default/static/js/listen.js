/*
 * Listen to this page (waymark default theme): on-device speech reads the
 * page a sentence at a time, highlighting each. See themes/default/README.md.
 */
(() => {
  'use strict';

  const root = document.querySelector('[data-wm-listen]');
  const synth = window.speechSynthesis;
  if (!root || !synth || !window.SpeechSynthesisUtterance) return;
  const $ = (name) => root.querySelector('[data-wm-listen-' + name + ']');
  const play = $('play');
  const label = $('label');
  const stopButton = $('stop');
  const status = $('status');
  if (!play || !label || !stopButton || !status) return;
  const startLabel = label.textContent;
  // The words shown: data-wm-text-pause="Pause" and so on (English if none).
  const say = (name) => root.getAttribute('data-wm-text-' + name) || name[0].toUpperCase() + name.slice(1);
  const attr = (name) => root.getAttribute('data-wm-listen-' + name);

  // "en_GB" and "EN-gb" become "en-gb", whose language is "en".
  const tag = (s) => (s || '').trim().replace(/_/g, '-').toLowerCase();
  const base = (s) => s.split('-')[0];
  const pageLang = tag(document.documentElement.lang) || 'en';

  // Best on-device voice: same tag, else same language; then the default.
  let chosen = new Map();
  function voiceFor(lang) {
    if (chosen.has(lang)) return chosen.get(lang);
    let best = null;
    let top = 0;
    for (const v of synth.getVoices()) {
      const vl = tag(v.lang);
      let score = v.localService !== true ? 0 : vl === lang ? 4 : base(vl) === base(lang) ? 2 : 0;
      if (score) score += (v.default ? 1 : 0) + (vl === pageLang ? 0.5 : 0);
      if (score > top) [best, top] = [v, score];
    }
    chosen.set(lang, best);
    return best;
  }

  const BLOCKS = /^(article|aside|blockquote|br|caption|d[dlt]|details|div|fig(caption|ure)|h[1-6]|li|[ou]l|p|pre|section|summary|table)$/;
  // Always left out (script, style and the like are not rendered).
  const skipSel = 'nav, [data-wm-exit], [data-wm-listen], .wm-toc, .wm-anchor, .wm-footnote-back, ' +
    '[hidden], [aria-hidden="true"], svg, math, form, button, select, textarea, iframe, object, video, audio' +
    (attr('skip') ? ', ' + attr('skip') : '');
  const saySel = attr('say');

  function skipped(el) {
    if (el.matches(skipSel)) return true;
    if (el.classList.contains('wm-visually-hidden') && !(saySel && el.matches(saySel))) return true;
    // Not rendered (display: none, closed <details>)? display: contents is.
    const shown = el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0;
    return !shown && getComputedStyle(el).display !== 'contents';
  }

  const langOf = (el) => tag(el.closest('[lang]')?.getAttribute('lang')) || pageLang;

  // Text from many nodes, spaces collapsed; each character keeps its node,
  // offset and language, so a sentence can become a Range.
  class Text {
    constructor() {
      this.text = '';
      this.at = [];
    }
    // this.gap: a space is due before the next word.
    add(node) {
      const lang = langOf(node.parentNode);
      const data = node.data;
      for (let i = 0; i < data.length; i++) {
        const space = /\s/.test(data[i]);
        const last = this.text.slice(-1);
        if ((space || this.gap) && last && last !== ' ') this.push(' ', node, i, lang);
        if (!space) this.push(data[i], node, i, lang);
      }
    }
    push(ch, node, offset, lang) {
      this.text += ch;
      this.at.push([node, offset, lang]);
      this.gap = false;
    }
  }

  // Sentences as [start, text]: Intl.Segmenter, else . ! ? … then a space.
  function sentences(text, lang) {
    try {
      return Array.from(new Intl.Segmenter(lang, { granularity: 'sentence' }).segment(text), (s) => [s.index, s.segment]);
    } catch (e) {
      return Array.from(text.matchAll(/.*?([.!?\u2026]\S*\s+|$)/g), (m) => [m.index, m[0]]);
    }
  }

  function addItem(items, text, lang, r) {
    const voice = voiceFor(lang);
    if (voice && /[\p{L}\p{N}]/u.test(text)) items.push({ text, voice, range: r });
  }

  // A block: split where the language changes, then into sentences.
  function addBlock(items, t) {
    for (let from = 0, i = 1; i <= t.text.length; i++) {
      if (i < t.text.length && t.at[i][2] === t.at[from][2]) continue;
      const lang = t.at[from][2];
      for (const [s, part] of sentences(t.text.slice(from, i), lang)) {
        const said = part.trim();
        const a = from + s + part.search(/\S/);
        const b = a + said.length;
        if (!said) continue;
        const r = document.createRange();
        r.setStart(t.at[a][0], t.at[a][1]);
        r.setEnd(t.at[b - 1][0], t.at[b - 1][1] + 1);
        addItem(items, said, lang, r);
      }
      from = i;
    }
  }

  // Readable text into state.t; done() at a block's edges starts a new
  // Text (in a table cell it only puts a space between).
  function walk(el, state, done) {
    for (let node = el.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === 3) state.t.add(node);
      if (node.nodeType !== 1 || skipped(node)) continue;
      const block = BLOCKS.test(node.localName);
      if (block) done();
      if (node.localName === 'table' && state.items) table(node, state.items);
      else walk(node, state, done);
      if (block) done();
    }
  }

  // Row by row, each cell after its column's heading; the heading row is
  // not read alone. The whole row is highlighted.
  function table(el, items) {
    const gather = (c) => {
      const state = { t: new Text() };
      if (!skipped(c)) walk(c, state, () => (state.t.gap = true));
      return state.t.text.trim();
    };
    if (el.caption) addItem(items, gather(el.caption), langOf(el), range(el.caption));
    let heads = [];
    for (const row of el.rows) {
      if (skipped(row)) continue;
      const cells = Array.from(row.cells, gather);
      if (row.parentNode.localName === 'thead' || (!heads.length && !row.querySelector('td'))) {
        heads = cells;
        continue;
      }
      const said = cells.map((text, i) => (text && heads[i] && heads[i] !== text ? heads[i] + ': ' : '') + text);
      addItem(items, said.filter(Boolean).join(', '), langOf(row), range(row));
    }
  }

  const range = (el) => {
    const r = document.createRange();
    r.selectNodeContents(el);
    return r;
  };

  function collect() {
    let where = null;
    try {
      where = root.closest(attr('root')) || document.querySelector(attr('root'));
    } catch (e) { /* no or broken selector: read <main> */ }
    const state = { t: new Text(), items: [] };
    const done = () => {
      addBlock(state.items, state.t);
      state.t = new Text();
    };
    walk(where || document.querySelector('main') || document.body, state, done);
    done();
    return state.items;
  }

  const marks = window.CSS && CSS.highlights && window.Highlight ? CSS.highlights : null;

  function show(item) {
    if (marks) marks.set('wm-listen', new Highlight(item.range));
    // Off screen? Scroll it a quarter down, inside the page's scroll padding
    // (clear of the Exit this page bar and the buttons' bar).
    const box = item.range.getBoundingClientRect();
    const pad = getComputedStyle(document.documentElement);
    const top = parseFloat(pad.scrollPaddingTop) || 0;
    const bottom = innerHeight - (parseFloat(pad.scrollPaddingBottom) || 0);
    if (box.height && (box.top < top || box.bottom > bottom)) {
      scrollBy({ top: box.top - top - (bottom - top) / 4, behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
    }
  }

  const IDLE = 0;
  const PLAYING = 1;
  const PAUSED = 2;
  let state = IDLE;
  let items = [];
  let index = 0;
  let current = null; // the utterance spoken (held, or it may be collected)
  let run = 0; // changes on start and stop: older utterances are ignored

  function setState(next, word) {
    state = next;
    root.classList.toggle('wm-listen--playing', next === PLAYING);
    label.textContent = next === PLAYING ? say('pause') : next === PAUSED ? say('continue') : startLabel;
    if (next === IDLE && document.activeElement === stopButton) play.focus();
    stopButton.hidden = next === IDLE;
    status.textContent = say(word);
  }

  function speak() {
    if (index >= items.length) return end('finished');
    const mine = run;
    const item = items[index];
    const u = new SpeechSynthesisUtterance(item.text);
    const ours = () => mine === run && u === current;
    u.voice = item.voice;
    u.lang = item.voice.lang;
    u.onend = () => ours() && advance();
    u.onerror = (event) => {
      if (!ours()) return;
      // Some phones cancel on pause: then Continue reads the sentence again.
      if (state === PAUSED) current = null;
      else if (/interrupted|canceled|not-allowed/.test(event.error)) stop();
      else advance();
    };
    current = u;
    show(item);
    synth.speak(u);
  }

  function advance() {
    current = null;
    if (state !== PLAYING) return;
    index++;
    speak();
  }

  function start() {
    items = collect();
    run++;
    index = 0;
    current = null;
    synth.cancel();
    if (synth.paused) synth.resume();
    setState(PLAYING, 'reading');
    speak();
  }

  function resume() {
    setState(PLAYING, 'reading');
    synth.resume();
    if (!current || !synth.speaking) {
      run++;
      synth.cancel();
      speak();
    }
  }

  function end(word) {
    run++;
    current = null;
    synth.cancel();
    if (marks) marks.delete('wm-listen');
    setState(IDLE, word);
  }

  const stop = () => end('stopped');
  const leave = () => state !== IDLE && stop();

  play.addEventListener('click', () => {
    if (state === PLAYING) {
      setState(PAUSED, 'paused');
      synth.pause();
    } else if (state === PAUSED) resume();
    else start();
  });
  stopButton.addEventListener('click', stop);

  // Leaving, or Exit this page (its click, or exit.js's event): stop first.
  addEventListener('pagehide', leave);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && leave());
  document.addEventListener('wm:exit', leave);
  document.addEventListener('click', (e) => e.target.closest('[data-wm-exit] a') && leave(), true);

  // Show the control once a voice is known. Voices often come late, with
  // "voiceschanged", or without it.
  function offer() {
    chosen = new Map();
    root.hidden = !voiceFor(pageLang) && state === IDLE;
  }
  offer();
  synth.addEventListener('voiceschanged', offer);
  setTimeout(offer, 1000);
})();

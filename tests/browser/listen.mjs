// "Listen to this page" (issue 19) in headless Debian Chromium, over a built
// site. Headless Chromium has no voices, so each page gets a stand-in
// speechSynthesis before any of its scripts run: its voices are chosen per
// test, it records every utterance (text, lang, voice) and every call
// (speak, pause, resume, cancel), and an utterance ends only when the test
// says so (__speech.finish()), so the test can look at the page in the
// middle of a sentence.
//
// Checked:
//   - a family page shows the control with an on-device voice; the
//     utterances, in order, are the page's text (title, summary, then the
//     content, minus what is not read), each one sentence, headings before
//     their sections, in the best voice for the page's language; while each
//     is spoken it is the one range of the "wm-listen" highlight, on screen
//     below the Exit this page bar (reduced motion: no smooth scrolling);
//   - Pause (status "Paused", speechSynthesis.pause), Continue
//     (speechSynthesis.resume, the same sentence goes on), Stop (cancel, no
//     highlight, focus back on the first button); a phone that drops the
//     sentence on pause hears it again on Continue;
//   - Exit this page (its click, and Shift three times) cancels speech
//     before the page goes; so do pagehide and the page being hidden;
//   - passages in other languages: read with an on-device voice for the
//     language, left out without one; tables row by row with their headings;
//     hidden, aria-hidden and closed <details> text is not read;
//   - no control with only a remote voice, or only a voice for another
//     language; it appears when voices arrive late ("voiceschanged"); a
//     voice for the same language in another region is used;
//   - keyboard: Tab reaches the button, Enter and Space start; targets at
//     least 44 × 44 px, a visible focus, nothing wider than 360 px;
//   - axe-core (lib.mjs AXE_TAGS) at 360 and 1280 px with the control shown,
//     and while reading; no console error, no CSP violation, no request to
//     another host; without JavaScript the control is not shown; a
//     practitioner page has neither the control nor the script.
//
// usage: node listen.mjs SITE_DIR [SCREENSHOT_DIR]
// Prints `listen: N passed, M failed` last; exits 1 on any failure.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { serve, launch, axeViolations, tally, HEIGHTS } from './lib.mjs';

const [site, shots] = process.argv.slice(2);
if (!site) {
  console.error('usage: node listen.mjs SITE_DIR [SCREENSHOT_DIR]');
  process.exit(2);
}

const { check, finish } = tally('listen');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const norm = (s) => String(s ?? '').replace(/\s+/g, ' ').trim();
const squash = (s) => String(s ?? '').replace(/\s+/g, '');

const GB = { name: 'On-device English (UK)', lang: 'en-GB', localService: true };
const US = { name: 'On-device English (US)', lang: 'en-US', localService: true, default: true };
const CLOUD_GB = { name: 'Cloud English (UK)', lang: 'en-GB', localService: false };
const GAELIC = { name: 'On-device Gaelic', lang: 'gd-GB', localService: true };
const POLISH = { name: 'On-device Polish', lang: 'pl-PL', localService: true };

const FAMILY = ['/parents/what-is-a-cppm/', '/young-people/the-meeting/'];
const PRACTITIONER = '/procedures/core-groups/';

// Runs in the page before its scripts (evaluateOnNewDocument).
function fakeSpeech(cfg) {
  const voice = (v) => Object.freeze({ name: v.name, lang: v.lang, localService: v.localService, default: !!v.default, voiceURI: v.name });
  let voices = cfg.voices.map(voice);
  const log = { spoken: [], calls: [], queue: [], current: null, paused: false, csp: [] };
  const synth = new EventTarget();
  const next = () => {
    if (log.current || log.paused || !log.queue.length) return;
    const u = (log.current = log.queue.shift());
    log.spoken.push({ text: u.text, lang: u.lang, voice: u.voice ? u.voice.name : null });
    setTimeout(() => u.onstart && u.onstart({ type: 'start', utterance: u }), 0);
  };
  // Ends the utterance being spoken, as the engine would; the next starts.
  log.finish = () => {
    const u = log.current;
    if (!u || log.paused) return false;
    log.current = null;
    if (u.onend) u.onend({ type: 'end', utterance: u });
    next();
    return true;
  };
  log.setVoices = (list) => {
    voices = list.map(voice);
    synth.dispatchEvent(new Event('voiceschanged'));
  };
  const fail = (u) => setTimeout(() => u.onerror && u.onerror({ type: 'error', error: 'interrupted', utterance: u }), 0);
  Object.assign(synth, {
    getVoices: () => voices.slice(),
    speak(u) {
      log.calls.push('speak');
      log.queue.push(u);
      next();
    },
    cancel() {
      log.calls.push('cancel');
      const gone = [log.current, ...log.queue].filter(Boolean);
      log.current = null;
      log.queue = [];
      gone.forEach(fail);
      // As in Chromium, cancel() does not undo pause().
    },
    pause() {
      log.calls.push('pause');
      log.paused = true;
      if (cfg.cancelOnPause && log.current) {
        // As some phones do: pausing drops the sentence.
        fail(log.current);
        log.current = null;
      }
    },
    resume() {
      log.calls.push('resume');
      log.paused = false;
      next();
    },
  });
  Object.defineProperties(synth, {
    speaking: { get: () => !!log.current || log.queue.length > 0 },
    pending: { get: () => log.queue.length > 0 },
    paused: { get: () => log.paused },
  });
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = class {
    constructor(text) {
      Object.assign(this, { text, lang: '', voice: null, rate: 1, pitch: 1, volume: 1 });
    }
  };
  window.__speech = log;
  // Leaving the page (location.replace by Exit this page) goes in the same
  // log as the calls, so the test can tell which came first.
  if (window.navigation) navigation.addEventListener('navigate', (e) => log.calls.push(`navigate ${e.destination.url}`));
  document.addEventListener('securitypolicyviolation', (e) => log.csp.push(`${e.violatedDirective} ${e.blockedURI}`));
}

const { origin, close: stop } = await serve(site);
const { browser, close } = await launch();
const problems = [];
const foreign = [];

async function open(url, { voices = [GB], width = 360, js = true, cancelOnPause = false, onForeign = null } = {}) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(`${url}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${url}: console: ${m.text()}`);
  });
  await page.setRequestInterception(true);
  page.on('request', async (req) => {
    const u = new URL(req.url());
    if (u.protocol === 'data:' || u.hostname === '127.0.0.1') {
      req.continue();
      return;
    }
    // Nothing leaves the machine. Exit this page's navigation is answered
    // "204 No Content", so the page stays and can be looked at.
    if (onForeign) onForeign(req.url());
    else foreign.push(`${url}: ${req.url()}`);
    req.respond({ status: 204, body: '' });
  });
  await page.setJavaScriptEnabled(js);
  await page.setViewport({ width, height: HEIGHTS[width] || 800 });
  await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
  if (js) await page.evaluateOnNewDocument(fakeSpeech, { voices, cancelOnPause });
  await page.goto(`${origin}${url}`, { waitUntil: 'load' });
  return page;
}

async function finishPage(page, url) {
  if (await page.evaluate(() => !!window.__speech)) {
    const csp = await page.evaluate(() => window.__speech.csp);
    check(csp.length === 0, `${url}: no CSP violation`, csp.join('; '));
  }
  await page.close();
}

// What the page shows of the control.
const control = (page) => page.evaluate(() => {
  const root = document.querySelector('[data-wm-listen]');
  if (!root) return null;
  const box = (el) => {
    const b = el.getBoundingClientRect();
    return { w: b.width, h: b.height, shown: el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' };
  };
  const play = root.querySelector('[data-wm-listen-play]');
  const stopButton = root.querySelector('[data-wm-listen-stop]');
  const status = root.querySelector('[data-wm-listen-status]');
  return {
    hidden: root.hidden,
    shown: box(root).shown,
    play: { ...box(play), text: norm(play.textContent), tag: play.localName, type: play.type },
    stop: { ...box(stopButton), text: norm(stopButton.textContent), tag: stopButton.localName },
    status: status.textContent,
    role: status.getAttribute('role'),
    focus: document.activeElement === play ? 'play' : document.activeElement === stopButton ? 'stop' : document.activeElement?.localName,
    wide: document.documentElement.scrollWidth > innerWidth,
  };
  function norm(s) {
    return s.replace(/\s+/g, ' ').trim();
  }
});

const spoken = (page) => page.evaluate(() => window.__speech.spoken);
const calls = (page) => page.evaluate(() => window.__speech.calls);
const step = (page) => page.evaluate(() => window.__speech.finish());

// The highlight's ranges as text, and whether the first is on screen
// between the Exit this page bar and the buttons' bar (fixed while reading).
const lit = (page) => page.evaluate(() => {
  const h = CSS.highlights.get('wm-listen');
  if (!h) return null;
  const ranges = [...h];
  const r = ranges[0].getBoundingClientRect();
  const exit = document.querySelector('[data-wm-exit]');
  const top = exit ? exit.getBoundingClientRect().bottom : 0;
  const bar = document.querySelector('.wm-listen__bar');
  const bottom = getComputedStyle(bar).position === 'fixed' ? bar.getBoundingClientRect().top : innerHeight;
  return {
    count: ranges.length,
    text: ranges.map((x) => x.toString().replace(/\s+/g, ' ').trim()),
    onScreen: r.height === 0 || r.height > bottom - top || (r.top >= top - 1 && r.bottom <= bottom + 1),
    box: [Math.round(r.top), Math.round(r.bottom), Math.round(top), Math.round(bottom)],
  };
});

// Whether Pause and Stop are on screen, inside the width, and not under the
// Exit this page bar.
const reachable = (page) => page.evaluate(() => [...document.querySelectorAll('[data-wm-listen] button')].every((b) => {
  const r = b.getBoundingClientRect();
  const exit = document.querySelector('[data-wm-exit]');
  return r.top >= (exit ? exit.getBoundingClientRect().bottom : 0) && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
}));

// The text a listener should hear, worked out from the DOM in the plainest
// way: the page's text minus the parts that are not read.
const expectedText = (page) => page.evaluate(() => {
  const copy = document.querySelector('.wm-page').cloneNode(true);
  copy.querySelectorAll('nav, .wm-toc, [data-wm-listen], .wm-anchor, .wm-footnote-back, [hidden], [aria-hidden="true"], '
    + '.wm-page-about, .wm-version-link, .wm-sources, .wm-changes, .wm-page-meta, .wm-print-link, .wm-page-list__meta')
    .forEach((e) => e.remove());
  copy.querySelectorAll('.wm-visually-hidden').forEach((e) => {
    if (!e.matches('.wm-inset > *, .wm-warning__text > *')) e.remove();
  });
  return copy.textContent;
});

// Steps through the whole page, checking the highlight at each sentence.
async function readAll(page, url) {
  let wrongLight = [];
  let offScreen = [];
  const unreachable = [];
  for (let i = 0; i < 500; i++) {
    const said = await spoken(page);
    const now = said[said.length - 1];
    const l = await lit(page);
    if (!l || l.count !== 1 || (l.text[0] !== now.text && !/: /.test(now.text))) wrongLight.push(`${now.text} | ${l && l.text.join(' / ')}`);
    if (l && !l.onScreen) offScreen.push(`${now.text} ${l.box}`);
    if (!(await reachable(page))) unreachable.push(now.text);
    if (!(await step(page))) break;
    if ((await control(page)).status === 'Finished') break;
  }
  check(wrongLight.length === 0, `${url}: each sentence is highlighted while it is read`, wrongLight.slice(0, 3).join(' || '));
  check(offScreen.length === 0, `${url}: each sentence is on screen, between the Exit bar and the buttons, while it is read`, offScreen.slice(0, 3).join(' || '));
  check(unreachable.length === 0, `${url}: Pause and Stop stay on screen wherever the reading has scrolled to`, unreachable.slice(0, 3).join(' || '));
  check(await page.evaluate(() => scrollY > innerHeight), `${url}: the reading scrolled the page on`);
  return spoken(page);
}

try {
  if (shots) await mkdir(shots, { recursive: true });

  // ------------------------------------------------ family pages, in full
  for (const url of FAMILY) {
    const page = await open(url, { voices: [CLOUD_GB, US, GB] });
    check(page.url() === `${origin}${url}`, `${url}: the page is built`);
    const c = await control(page);
    check(c && !c.hidden && c.shown, `${url}: the control is shown with an on-device voice`, JSON.stringify(c));
    check(c.play.tag === 'button' && c.play.type === 'button' && c.play.text === 'Listen to this page', `${url}: a real button, "Listen to this page"`, JSON.stringify(c.play));
    check(c.play.w >= 44 && c.play.h >= 44, `${url}: the button is at least 44 × 44 px`, `${c.play.w} × ${c.play.h}`);
    check(!c.stop.shown && c.role === 'status' && c.status === '', `${url}: before reading, no Stop and an empty status`, JSON.stringify(c));
    check(!c.wide, `${url}: nothing wider than 360 px`);
    const script = await page.evaluate(() => [...document.scripts].filter((s) => /\/listen\.[^/]*js$/.test(s.src)).map((s) => s.defer));
    check(script.length === 1 && script[0], `${url}: listen.js is loaded once, deferred`, JSON.stringify(script));
    const where = await page.evaluate(() => {
      const r = document.querySelector('[data-wm-listen]');
      const lead = document.querySelector('.wm-lead');
      const prose = document.querySelector('.wm-prose');
      return (!lead || (lead.compareDocumentPosition(r) & Node.DOCUMENT_POSITION_FOLLOWING)) && !!(r.compareDocumentPosition(prose) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    check(where, `${url}: the control comes after the summary and before the content`);

    const text = await expectedText(page);
    await page.click('[data-wm-listen-play]');
    const said = await readAll(page, url);
    const texts = said.map((s) => s.text);
    check(squash(texts.join('')) === squash(text), `${url}: the utterances, in order, are the page's text`,
      `heard ${texts.length} utterances; first difference at ${[...squash(texts.join(''))].findIndex((ch, i) => ch !== squash(text)[i])}`);
    const h = await page.evaluate(() => ({
      h1: document.querySelector('h1').textContent.trim(),
      lead: document.querySelector('.wm-lead')?.textContent.trim(),
      sections: [...document.querySelectorAll('.wm-prose h2')].map((h2) => ({
        heading: [...h2.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join('').trim(),
        after: h2.nextElementSibling ? h2.nextElementSibling.textContent.replace(/\s+/g, ' ').trim() : '',
      })),
    }));
    check(texts[0] === h.h1 && (!h.lead || texts[1] === h.lead), `${url}: the title first, then the summary`, texts.slice(0, 2).join(' | '));
    let last = -1;
    const order = h.sections.every((s) => {
      const at = texts.indexOf(s.heading, last + 1);
      const ok = at > last && s.after.startsWith(texts[at + 1]);
      last = at;
      return ok;
    });
    check(h.sections.length >= 3 && order, `${url}: each heading is read before its section, in order`, JSON.stringify(h.sections.map((s) => s.heading)));
    const never = texts.filter((t) => /On this page|Exit this page|Skip to main content|Listen to this page|Link to this section|Who this is for|Next review|^#$|Menu/.test(t));
    check(never.length === 0, `${url}: no navigation, contents list, exit, control or page details is read`, never.join(' | '));
    const joined = texts.filter((t) => /[.!?]\s+\p{Lu}/u.test(t));
    check(joined.length === 0, `${url}: one sentence per utterance`, joined.join(' | '));
    const voices = [...new Set(said.map((s) => `${s.voice} ${s.lang}`))];
    check(voices.length === 1 && voices[0] === `${GB.name} en-GB`, `${url}: every sentence in the on-device en-GB voice (not the cloud one, not the default en-US)`, voices.join(', '));
    const end = await control(page);
    check(end.status === 'Finished' && !end.stop.shown && end.play.text === 'Listen to this page' && (await lit(page)) === null,
      `${url}: at the end, "Finished", no highlight, the button says Listen again`, JSON.stringify(end));
    await finishPage(page, url);
  }

  // --------------------------------- controls, keyboard, axe, screenshots
  {
    const url = FAMILY[0];
    const page = await open(url, { voices: [GB] });
    await axe(page, `${url} with the control shown at 360px`);
    if (shots) await page.screenshot({ path: path.join(shots, 'listen-idle-360.png') });

    // Tab reaches the button; Enter starts.
    let tabs = 0;
    while (tabs < 40 && (await control(page)).focus !== 'play') {
      await page.keyboard.press('Tab');
      tabs++;
    }
    check((await control(page)).focus === 'play', `${url}: Tab reaches the Listen button`, `${tabs} presses`);
    const ring = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return `${s.backgroundColor} ${s.outlineStyle} ${s.outlineWidth}`;
    });
    check(/rgb\(255, 221, 0\)/.test(ring), `${url}: the focused button shows the focus colour`, ring);
    await page.keyboard.press('Enter');
    let said = await spoken(page);
    const h1 = await page.$eval('h1', (e) => e.textContent.trim());
    check(said.length === 1 && said[0].text === h1, `${url}: Enter starts reading at the title`, JSON.stringify(said));
    let c = await control(page);
    check(c.status === 'Reading' && c.play.text === 'Pause' && c.stop.shown && c.stop.text === 'Stop', `${url}: while reading: "Reading", Pause and Stop`, JSON.stringify(c));
    check(c.stop.w >= 44 && c.stop.h >= 44 && !c.wide, `${url}: Stop is at least 44 × 44 px; nothing wider than 360 px`, `${c.stop.w} × ${c.stop.h}`);
    check((await calls(page))[0] === 'cancel', `${url}: anything queued before is cancelled first`, (await calls(page)).join());
    for (let i = 0; i < 5; i++) await step(page);
    said = await spoken(page);
    let l = await lit(page);
    check(l && l.text[0] === said[said.length - 1].text, `${url}: the highlight is the sentence being read`, `${l && l.text} | ${said[said.length - 1].text}`);
    check(await reachable(page) && await page.evaluate(() => scrollY > 0 && document.documentElement.scrollWidth <= innerWidth),
      `${url}: scrolled on, Pause and Stop are on screen, nothing wider than 360 px`);
    await axe(page, `${url} while reading at 360px`);
    if (shots) await page.screenshot({ path: path.join(shots, 'listen-reading-360.png') });

    // Pause, Continue.
    const before = said.length;
    await page.keyboard.press('Enter');
    c = await control(page);
    const cs = await calls(page);
    check(c.status === 'Paused' && c.play.text === 'Continue' && cs[cs.length - 1] === 'pause', `${url}: Pause pauses the speech ("Paused", Continue)`, JSON.stringify([c, cs.slice(-2)]));
    check((await step(page)) === false && (await spoken(page)).length === before, `${url}: nothing more is read while paused`);
    l = await lit(page);
    check(l && l.text[0] === said[said.length - 1].text, `${url}: the paused sentence stays highlighted`);
    if (shots) await page.screenshot({ path: path.join(shots, 'listen-paused-360.png') });
    await page.keyboard.press('Space');
    c = await control(page);
    check(c.status === 'Reading' && c.play.text === 'Pause' && (await calls(page)).slice(-1)[0] === 'resume' && (await spoken(page)).length === before,
      `${url}: Continue resumes the same sentence (speechSynthesis.resume, not read again)`, JSON.stringify(c));
    await step(page);
    said = await spoken(page);
    check(said.length === before + 1, `${url}: after Continue, the next sentence follows`);

    // Stop, by keyboard: focus goes back to the first button.
    await page.focus('[data-wm-listen-stop]');
    await page.keyboard.press('Enter');
    c = await control(page);
    check(c.status === 'Stopped' && !c.stop.shown && c.play.text === 'Listen to this page' && (await calls(page)).slice(-1)[0] === 'cancel' && (await lit(page)) === null,
      `${url}: Stop cancels the speech, clears the highlight, "Stopped"`, JSON.stringify(c));
    check(c.focus === 'play', `${url}: after Stop, focus is on the Listen button`, c.focus);
    await sleep(50);
    check((await spoken(page)).length === said.length, `${url}: nothing is read after Stop`);

    // Space starts again, from the top.
    await page.keyboard.press('Space');
    said = await spoken(page);
    check(said[said.length - 1].text === h1 && (await control(page)).status === 'Reading', `${url}: Space starts reading again, from the title`);

    // Leaving: pagehide and a hidden page stop the speech.
    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
    c = await control(page);
    check(c.status === 'Stopped' && (await calls(page)).slice(-1)[0] === 'cancel', `${url}: pagehide stops the speech`, c.status);
    await page.click('[data-wm-listen-play]');
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    c = await control(page);
    check(c.status === 'Stopped' && (await calls(page)).slice(-1)[0] === 'cancel', `${url}: switching away (page hidden) stops the speech`, c.status);
    await finishPage(page, url);

    // 1280 px.
    const wide = await open(url, { voices: [GB], width: 1280 });
    const w = await control(wide);
    check(w.shown && w.play.h >= 44, `${url} at 1280px: the control is shown`, JSON.stringify(w));
    await axe(wide, `${url} with the control shown at 1280px`);
    await wide.click('[data-wm-listen-play]');
    for (let i = 0; i < 3; i++) await step(wide);
    await axe(wide, `${url} while reading at 1280px`);
    if (shots) await wide.screenshot({ path: path.join(shots, 'listen-reading-1280.png') });
    await finishPage(wide, url);
  }

  // ------------------------------------------- a phone that drops on pause
  {
    const url = FAMILY[1];
    const page = await open(url, { voices: [GB], cancelOnPause: true });
    await page.click('[data-wm-listen-play]');
    await step(page);
    await step(page);
    const at = (await spoken(page)).length;
    const sentence = (await spoken(page))[at - 1].text;
    await page.click('[data-wm-listen-play]');
    await sleep(50);
    check((await control(page)).status === 'Paused', `${url}: paused on a phone that drops the sentence`);
    await page.click('[data-wm-listen-play]');
    const said = await spoken(page);
    check(said.length === at + 1 && said[at].text === sentence && (await control(page)).status === 'Reading', `${url}: Continue reads the dropped sentence again`, JSON.stringify(said.slice(-2)));
    await step(page);
    check((await spoken(page)).length === at + 2, `${url}: and goes on from there`);
    await finishPage(page, url);
  }

  // ----------------------------------------------------- Exit this page
  for (const how of ['click', 'Shift three times']) {
    const url = FAMILY[1];
    let left = null;
    const page = await open(url, { voices: [GB], onForeign: (to) => { left = to; } });
    await page.click('[data-wm-listen-play]');
    await step(page);
    check((await page.evaluate(() => window.speechSynthesis.speaking)), `${url}: reading before Exit (${how})`);
    await page.evaluate(() => {
      window.__speech.calls = [];
    });
    if (how === 'click') await page.click('.wm-exit__button');
    else {
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
    }
    for (let i = 0; i < 100 && !left; i++) await sleep(20);
    check(/bbc\.co\.uk/.test(left), `${url}: Exit this page (${how}) leaves for the exit site`, left);
    const log = await page.evaluate(() => ({ calls: window.__speech.calls, speaking: window.speechSynthesis.speaking }));
    const went = log.calls.findIndex((c) => c.startsWith('navigate'));
    check(went > 0 && log.calls.indexOf('cancel') > -1 && log.calls.indexOf('cancel') < went && !log.speaking,
      `${url}: Exit this page (${how}) cancels speech before the page goes`, JSON.stringify(log));
    await page.close();
  }

  // ----------------------------- languages, tables, hidden things
  {
    const url = FAMILY[1];
    const page = await open(url, { voices: [GB, GAELIC] });
    await page.evaluate(() => {
      const extra = document.createElement('div');
      extra.innerHTML = '<p lang="gd">Tha mi toilichte. Ciamar a tha thu?</p>'
        + '<p>Say <span lang="pl">dzień dobry</span> to them.</p>'
        + '<div class="wm-table-wrap"><table><thead><tr><th>Who</th><th>What they do</th></tr></thead>'
        + '<tbody><tr><td>Chair</td><td>Runs the meeting.</td></tr><tr><td>Social worker</td><td>Writes a <strong>report</strong>.</td></tr></tbody></table></div>'
        + '<p hidden>Never read: hidden.</p><p aria-hidden="true">Never read: aria-hidden.</p>'
        + '<details><summary>More help</summary><p>Never read: closed details.</p></details>'
        + '<p>Last line.</p>';
      document.querySelector('.wm-prose').append(...extra.children);
    });
    await page.click('[data-wm-listen-play]');
    const said = [];
    let rowLight = null;
    for (let i = 0; i < 500; i++) {
      const all = await spoken(page);
      const now = all[all.length - 1];
      said.push(now);
      if (now.text.startsWith('Who: Chair')) rowLight = await lit(page);
      if (!(await step(page)) || (await control(page)).status === 'Finished') break;
    }
    const find = (t) => said.find((s) => s.text === t);
    const gd = [find('Tha mi toilichte.'), find('Ciamar a tha thu?')];
    check(gd.every((s) => s && s.voice === GAELIC.name && s.lang === 'gd-GB'), `${url}: a Gaelic passage is read, a sentence at a time, in the on-device Gaelic voice`, JSON.stringify(gd));
    check(!said.some((s) => /dzień/.test(s.text)), `${url}: a Polish phrase, with no Polish voice on the device, is left out`);
    check(find('Say')?.voice === GB.name && find('to them.')?.voice === GB.name, `${url}: the English round it is read in the English voice`, JSON.stringify(said.filter((s) => /Say|them/.test(s.text))));
    check(!!find('Who: Chair, What they do: Runs the meeting.') && !!find('Who: Social worker, What they do: Writes a report.'), `${url}: a table is read row by row, each cell after its heading`, JSON.stringify(said.filter((s) => /Who|Chair/.test(s.text))));
    check(!said.some((s) => s.text === 'Who, What they do' || s.text === 'Who What they do'), `${url}: the heading row is not read on its own`);
    check(rowLight && /Chair/.test(rowLight.text[0]) && /Runs the meeting\./.test(rowLight.text[0]), `${url}: a row is highlighted while it is read`, JSON.stringify(rowLight));
    check(!!find('More help') && !said.some((s) => /Never read/.test(s.text)), `${url}: hidden, aria-hidden and closed <details> text is not read (the summary is)`, JSON.stringify(said.filter((s) => /Never|More/.test(s.text))));
    check(said[said.length - 1].text === 'Last line.', `${url}: reading goes on to the end`, said[said.length - 1].text);
    await finishPage(page, url);
  }

  // --------------------------------------- when the control is not shown
  for (const [what, voices] of [['only a remote en-GB voice', [CLOUD_GB]], ['only a Polish voice', [POLISH]], ['no voices at all', []]]) {
    const url = FAMILY[0];
    const page = await open(url, { voices });
    await sleep(1200); // past the script's second look at the voice list
    const c = await control(page);
    check(c && c.hidden && !c.shown, `${url}: no control with ${what}`, JSON.stringify(c));
    await finishPage(page, url);
  }
  {
    const url = FAMILY[1];
    const page = await open(url, { voices: [] });
    const before = await control(page);
    await page.evaluate((v) => window.__speech.setVoices(v), [CLOUD_GB, GB]);
    const after = await control(page);
    check(before.hidden && !before.shown && !after.hidden && after.shown, `${url}: the control appears when voices arrive late (voiceschanged)`, JSON.stringify([before.hidden, after.hidden]));
    await page.click('[data-wm-listen-play]');
    const said = await spoken(page);
    check(said.length === 1 && said[0].voice === GB.name, `${url}: and reads with the late on-device voice`, JSON.stringify(said));
    await finishPage(page, url);
  }
  {
    const url = FAMILY[1];
    const page = await open(url, { voices: [{ name: 'Android English (US)', lang: 'en_US', localService: true }, POLISH] });
    const c = await control(page);
    await page.click('[data-wm-listen-play]');
    const said = await spoken(page);
    check(c.shown && said[0]?.voice === 'Android English (US)', `${url}: an en-GB page uses an on-device en-US voice (written en_US) when there is no en-GB one`, JSON.stringify(said));
    await finishPage(page, url);
  }

  // ------------------------------------------------ without JavaScript
  {
    const url = FAMILY[0];
    const page = await open(url, { js: false });
    const r = await page.evaluate(() => {
      const root = document.querySelector('[data-wm-listen]');
      return root && { hidden: root.hidden, shown: root.getClientRects().length > 0 };
    });
    check(r && r.hidden && !r.shown, `${url} without JavaScript: the control is not shown`, JSON.stringify(r));
    await page.close();
  }

  // ---------------------------------------------------- practitioners
  {
    const page = await open(PRACTITIONER, { voices: [GB] });
    const r = await page.evaluate(() => ({
      control: !!document.querySelector('[data-wm-listen]'),
      script: [...document.scripts].some((s) => /listen/.test(s.src)),
    }));
    check(!r.control && !r.script, `${PRACTITIONER}: a practitioner page has no control and no listen.js`, JSON.stringify(r));
    await finishPage(page, PRACTITIONER);
  }

  check(problems.length === 0, 'no console error or uncaught exception', problems.slice(0, 5).join(' || '));
  check(foreign.length === 0, 'no request to another host', foreign.slice(0, 5).join(' '));
} finally {
  await close();
  await stop();
}
finish();

async function axe(page, what) {
  const v = await axeViolations(page);
  check(v.length === 0, `axe: ${what}`, v.join('; '));
}

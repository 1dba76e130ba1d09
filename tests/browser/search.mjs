// Site search in headless Debian Chromium, over a built site (its Pagefind
// index is the one `waymark build` wrote):
//   - the header box on another page hands its words to the search page,
//     and they appear neither in the address nor in storage afterwards;
//   - results show title, who the page is for and an excerpt with the words
//     marked, and the page they name is the right one;
//   - the audience and stage filters narrow the results to pages that say so;
//   - no results, and "Show more results" (focus moves to the first new one);
//   - excerpts: whole words of the page's text, with "… " before one that
//     starts inside a sentence and " …" after one that stops inside one;
//   - axe-core (wcag2a … wcag22aa): no violations with results, at 1280 and
//     360 px; nothing wider than a 360 px screen;
//   - only the site's own files are requested; no console error or CSP report;
//   - with JavaScript off, the page lists every page instead;
//   - figures: the index's size on disk and the bytes a typical query loads.
//
// usage: node search.mjs SITE_DIR [SCREENSHOT_DIR]
// Prints `search: N passed, M failed` last; exits 1 on any failure.
import { readFile, readdir, stat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { serve, launch, axeViolations, tally } from './lib.mjs';


const [site, shots] = process.argv.slice(2);
if (!site) {
  console.error('usage: node search.mjs SITE_DIR [SCREENSHOT_DIR]');
  process.exit(2);
}

const { check, finish } = tally('search');

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function filesUnder(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

/** A page that records problems and every request it makes. */
async function openPage(browser, origin, width, problems) {
  const page = await browser.newPage();
  await page.setViewport({ width, height: width === 360 ? 740 : 800 });
  const requests = [];
  page.on('request', (r) => {
    requests.push(r.url());
    if (!r.url().startsWith(origin + '/') && !r.url().startsWith('data:')) problems.push(`request to another host: ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, requests };
}

async function resultsFor(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-wm-search-status]');
    return s && s.textContent && !s.textContent.startsWith('Searching');
  }, { timeout: 20_000 });
  return page.evaluate(() => ({
    status: document.querySelector('[data-wm-search-status]').textContent,
    items: [...document.querySelectorAll('.wm-search-result')].map((li) => ({
      title: li.querySelector('.wm-search-result__link')?.textContent || '',
      href: li.querySelector('.wm-search-result__link')?.getAttribute('href') || '',
      meta: li.querySelector('.wm-search-result__meta')?.textContent || '',
      excerpt: li.querySelector('.wm-search-result__excerpt')?.textContent || '',
      marks: [...li.querySelectorAll('.wm-search-result__excerpt mark')].map((m) => m.textContent.toLowerCase()),
      h2: !!li.querySelector('h2 a'),
    })),
    more: !document.querySelector('[data-wm-search-more]').hidden,
  }));
}

async function search(page, q) {
  await page.$eval('#wm-search-input', (i) => { i.value = ''; });
  await page.type('#wm-search-input', q);
  await page.keyboard.press('Enter');
  return resultsFor(page);
}

async function axe(page, what) {
  const v = await axeViolations(page);
  check(v.length === 0, `axe: ${what}`, v.join('; '));
}

const { origin, close: stop } = await serve(site);
const { browser, close } = await launch();
const problems = [];
try {
  if (shots) await mkdir(shots, { recursive: true });

  // -------------------------------------------- header box → search page
  for (const width of [360, 1280]) {
    const { page } = await openPage(browser, origin, width, problems);
    await page.goto(`${origin}/procedures/`, { waitUntil: 'load' });
    await page.type('#wm-header-search', 'core group');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    const r = await resultsFor(page);
    const url = new URL(page.url());
    check(url.pathname === '/search/' && url.search === '' && url.hash === '', `${width}px: the header box opens the search page with nothing in the address`, page.url());
    check(!page.url().toLowerCase().includes('core'), `${width}px: the words are not in the address`, page.url());
    check(await page.$eval('#wm-search-input', (i) => i.value) === 'core group', `${width}px: the search page has the header box's words`);
    check(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'wm-search-input', `${width}px: focus is in the search box`);
    check(await page.evaluate(() => window.sessionStorage.length) === 0, `${width}px: nothing is left in storage`);
    check(/^\d+ pages? match “core group”\.$/.test(r.status), `${width}px: the status says how many pages match`, r.status);
    check(r.items.length > 0 && r.items.length <= 10, `${width}px: results are shown, ten at most at first`, String(r.items.length));
    check(/core group/i.test(r.items[0]?.title || ''), `${width}px: the best result for "core group" is about core groups`, r.items.map((i) => i.title).join(' | '));
    check(r.items.every((i) => i.h2 && i.title && i.href.startsWith('/')), `${width}px: every result has a title linking to a page of the site`);
    check(r.items.every((i) => /^For: /.test(i.meta)), `${width}px: every result says who it is for`, r.items.map((i) => i.meta).join(' | '));
    check(r.items.every((i) => i.excerpt.length > 20), `${width}px: every result has an excerpt`);
    check(r.items.some((i) => i.marks.some((m) => m.startsWith('core'))), `${width}px: the words found are marked in the excerpts`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `${width}px: nothing is wider than the screen`, `${overflow}px too wide`);
    await axe(page, `search page with results at ${width}px`);
    if (shots) await page.screenshot({ path: path.join(shots, `search-results-${width}.png`) });
    // The result opens its page.
    const first = r.items[0];
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('.wm-search-result__link')]);
    check(new URL(page.url()).pathname === first.href.split('#')[0], `${width}px: a result opens its page`, page.url());
    await page.close();
  }

  // ------------------------------------------------------------- filters
  {
    const { page } = await openPage(browser, origin, 360, problems);
    await page.goto(`${origin}/search/`, { waitUntil: 'load' });
    const all = await search(page, 'meeting');
    await page.select('#wm-search-audience', 'Parents and carers');
    const parents = await resultsFor(page);
    check(parents.items.length > 0 && parents.items.every((i) => i.meta.includes('Parents and carers')), 'audience filter: every result is for parents and carers', parents.items.map((i) => i.meta).join(' | '));
    check(/for parents and carers match “meeting”/.test(parents.status), 'audience filter: the status says so', parents.status);
    const allCount = Number(all.status.split(' ')[0]);
    const parentCount = Number(parents.status.split(' ')[0]);
    check(parentCount < allCount, 'audience filter: fewer pages than without it', `${parentCount} of ${allCount}`);
    await page.select('#wm-search-audience', '');
    await page.select('#wm-search-stage', 'Core groups and the child\'s plan');
    const stage = await resultsFor(page);
    check(stage.items.length > 0 && stage.items.every((i) => i.meta.includes('Stage: Core groups and the child\'s plan')), 'stage filter: every result is at that stage', stage.items.map((i) => i.meta).join(' | '));
    // A filter with no words lists every page it matches.
    await page.$eval('#wm-search-input', (i) => { i.value = ''; });
    await page.select('#wm-search-stage', '');
    await page.select('#wm-search-audience', 'Children');
    const children = await resultsFor(page);
    check(/^\d+ pages? for children\.$/.test(children.status) && children.items.every((i) => i.meta.includes('Children')), 'a filter alone lists its pages', children.status);
    await page.select('#wm-search-audience', '');

    const none = await search(page, 'xylophonequartz');
    check(none.items.length === 0 && /^No pages match “xylophonequartz”\. Check the spelling/.test(none.status), 'no results: says so, and what to try', none.status);

    const many = await search(page, 'child');
    check(many.items.length === 10 && many.more, '"child": ten results and a "Show more results" button', `${many.items.length}, more=${many.more}`);
    await page.click('[data-wm-search-more]');
    await page.waitForFunction(() => document.querySelectorAll('.wm-search-result').length > 10);
    const focused = await page.evaluate(() => {
      const items = [...document.querySelectorAll('.wm-search-result')];
      return items.indexOf(document.activeElement.closest('.wm-search-result'));
    });
    check(focused === 10, '"Show more results" moves focus to the first new result', String(focused));
    await axe(page, 'search page after "Show more results" at 360px');
    await page.close();
  }

  // ------------------------------------------------------------ excerpts
  // Each excerpt is compared with its page's whole text (Pagefind's
  // `content`): it must be whole words of that text in order; if it starts
  // after the text's start and not at a sentence's start, it begins "… ";
  // if it stops before the end and not at a sentence's end, it ends " …".
  {
    const { page } = await openPage(browser, origin, 360, problems);
    await page.goto(`${origin}/search/`, { waitUntil: 'load' });
    const ENDS = /[.!?]["'\u2019\u201d)\]]*$/;
    let inside = 0;
    let ellipses = 0;
    const wrong = [];
    for (const q of ['chronology', 'transfer', 'interim safety plan', 'core group', 'review', 'in']) {
      await search(page, q);
      const rows = await page.evaluate(async (q) => {
        const pf = await import(document.querySelector('[data-wm-search]').getAttribute('data-wm-search') + 'pagefind.js');
        const found = await pf.search(q);
        const text = {};
        for (const r of found.results) {
          const d = await r.data();
          text[d.url] = new DOMParser().parseFromString(d.content, 'text/html').body.textContent;
        }
        return [...document.querySelectorAll('.wm-search-result')].map((li) => ({
          href: li.querySelector('.wm-search-result__link').getAttribute('href'),
          excerpt: li.querySelector('.wm-search-result__excerpt')?.textContent ?? '',
          text: text[li.querySelector('.wm-search-result__link').getAttribute('href')] ?? null,
        }));
      }, q);
      for (const r of rows) {
        const what = `"${q}" ${r.href}: ${r.excerpt}`;
        if (r.text === null) { wrong.push(`${what}: page not found`); continue; }
        const before = r.excerpt.startsWith('\u2026 ');
        const after = r.excerpt.endsWith(' \u2026');
        const body = r.excerpt.slice(before ? 2 : 0, after ? -2 : undefined).split(/\s+/).filter(Boolean);
        const words = r.text.split(/\s+/).filter(Boolean);
        let at = -1;
        for (let i = 0; at < 0 && i + body.length <= words.length; i++) {
          if (body.every((w, k) => words[i + k] === w)) at = i;
        }
        if (at < 0 || !body.length) { wrong.push(`${what}: not whole words of the page's text`); continue; }
        const end = at + body.length;
        const startsSentence = at === 0 || ENDS.test(words[at - 1]);
        const endsSentence = end === words.length || ENDS.test(words[end - 1]);
        if (at > 0) inside++;
        if (before) ellipses++;
        if (before !== !startsSentence) wrong.push(`${what}: ${startsSentence ? 'starts a sentence but has "… "' : 'starts inside a sentence without "… "'}`);
        if (after !== !endsSentence) wrong.push(`${what}: ${endsSentence ? 'ends a sentence but has " …"' : 'stops inside a sentence without " …"'}`);
      }
    }
    check(wrong.length === 0, 'excerpts are whole words; one that starts or stops inside a sentence says so with "…"', wrong.slice(0, 5).join('\n  '));
    check(inside > 0 && ellipses > 0, 'some excerpts come from inside a page and start with "… "', `${inside} from inside a page, ${ellipses} with "… "`);
    if (shots) await page.screenshot({ path: path.join(shots, 'search-excerpts-360.png') });
    await page.close();
  }

  // ------------------------------------------------ bytes a query loads
  let figures = '';
  {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 360, height: 740 });
    const seen = [];
    page.on('requestfinished', (r) => seen.push(new URL(r.url()).pathname));
    await page.goto(`${origin}/search/`, { waitUntil: 'networkidle0' });
    // What a set of requests weighs: as stored, and from a host that gzips
    // text (Pagefind's own index files are gzip already).
    const weigh = async (paths) => {
      let raw = 0;
      let gz = 0;
      for (const p of paths) {
        const bytes = await readFile(path.join(site, decodeURIComponent(p)));
        raw += bytes.length;
        gz += Math.min(bytes.length, gzipSync(bytes, { level: 6 }).length);
      }
      return `${paths.length} files, ${kb(raw)} (${kb(gz)} gzipped)`;
    };
    const query = async (q) => {
      const before = seen.length;
      await search(page, q);
      await new Promise((r) => setTimeout(r, 300));
      return [...new Set(seen.slice(before))];
    };
    const first = await query('core group');
    check(first.every((p) => p.startsWith('/pagefind/')), 'a query loads only the search index', first.join(' '));
    const second = await query('chronology');
    check(second.length > 0 && second.every((p) => p.startsWith('/pagefind/') && !p.endsWith('.js') && !p.endsWith('.pagefind')), 'a second query loads only index chunks and fragments', second.join(' '));
    const index = await filesUnder(path.join(site, 'pagefind'));
    let onDisk = 0;
    for (const f of index) onDisk += (await stat(f)).size;
    const chunks = index.filter((f) => /\.pf_(index|fragment|filter|meta)$/.test(f));
    let chunkBytes = 0;
    for (const f of chunks) chunkBytes += (await stat(f)).size;
    figures = `search: index ${index.length} files, ${kb(onDisk)} on disk (${kb(chunkBytes)} of index and fragments, the rest Pagefind's script, worker and wasm); `
      + `the first query ("core group", with the search code) loaded ${await weigh(first)}; a second ("chronology") ${await weigh(second)}`;
    await context.close();
  }

  // ---------------------------------------------------- JavaScript off
  {
    const { page } = await openPage(browser, origin, 360, problems);
    await page.setJavaScriptEnabled(false);
    await page.goto(`${origin}/search/`, { waitUntil: 'load' });
    const r = await page.evaluate(() => ({
      ui: !document.querySelector('[data-wm-search]').hidden,
      note: document.querySelector('[data-wm-search-nojs]')?.textContent || '',
      links: [...document.querySelectorAll('.wm-search__all a')].map((a) => a.getAttribute('href')),
    }));
    check(!r.ui, 'without JavaScript the search form is hidden');
    check(/needs JavaScript/.test(r.note), 'without JavaScript the page says why there is no search box', r.note);
    const sitemap = await readFile(path.join(site, 'sitemap.xml'), 'utf8');
    const pages = [...sitemap.matchAll(/<loc>[^<]*?\/\/[^/]+(\/[^<]*)<\/loc>/g)].map((m) => m[1]);
    const listed = new Set(r.links);
    // The English search page lists the English pages; each other language's
    // (/pl/search/ …) lists its own (tests/browser/languages.mjs).
    const content = pages.filter((p) => p !== '/' && !/^\/(audiences|updates|search|pl|ar|ur|gd)\//.test(p) && !/^\/(pl|ar|ur|gd)\/$/.test(p));
    const missing = content.filter((p) => !listed.has(p));
    check(content.length > 20 && missing.length === 0, 'without JavaScript every page (of its language) is listed', `${missing.length} of ${content.length} missing: ${missing.slice(0, 5).join(' ')}`);
    if (shots) await page.screenshot({ path: path.join(shots, 'search-nojs-360.png') });
    await page.close();
  }

  check(problems.length === 0, 'no console error, CSP report or request to another host', [...new Set(problems)].join('\n  '));
  console.log(figures);
} finally {
  await close();
  await stop();
}
finish();

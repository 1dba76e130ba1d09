// The shipped site's languages in headless Debian Chromium (issue 17):
//   - axe-core (wcag2a … wcag22aa): no violations on three family pages in
//     English, Polish, Arabic and Urdu, at 360 and 1280 px; each page has
//     the lang and dir of its language and nothing wider than the screen;
//   - Arabic and Urdu are really mirrored: the text starts at the right, the
//     switcher's and the breadcrumbs' first items are the rightmost, and the
//     Exit this page button sits at the end of the reading direction (the
//     left); a screenshot of the Arabic page at 360 px;
//   - the switcher keeps the page: from each language to each other one;
//   - a page with no translation shows its notice in the language, linking
//     to the English page, and passes axe-core;
//   - a Polish search for Polish words (two forms of one word: the stemmer
//     joins them) returns Polish pages only, and the English search page
//     returns no page of another language.
//
// usage: node languages.mjs SITE_DIR [SCREENSHOT_DIR]
// Prints `languages: N passed, M failed` last; exits 1 on any failure.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { serve, launch, axeViolations, tally } from './lib.mjs';

const [site, shots] = process.argv.slice(2);
if (!site) {
  console.error('usage: node languages.mjs SITE_DIR [SCREENSHOT_DIR]');
  process.exit(2);
}

const { check, finish } = tally('languages');

const PAGES = ['/parents/what-is-a-cppm/', '/parents/who-will-be-there/', '/parents/the-register/'];
const LANGS = [
  ['en-GB', '', 'ltr'],
  ['pl', '/pl', 'ltr'],
  ['ar', '/ar', 'rtl'],
  ['ur', '/ur', 'rtl'],
];
const HEIGHT = 800;

async function open(browser, url, width) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.setViewport({ width, height: HEIGHT });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

const { origin, close: stop } = await serve(site);
const { browser, close } = await launch();
try {
  if (shots) await mkdir(shots, { recursive: true });

  // ------------------------------------------- axe, lang, dir, mirroring
  for (const [code, prefix, dir] of LANGS) {
    for (const p of PAGES) {
      for (const width of [360, 1280]) {
        const url = `${origin}${prefix}${p}`;
        const { page, problems } = await open(browser, url, width);
        const what = `${code} ${p} at ${width}px`;
        const html = await page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
        check(html.lang === code && html.dir === dir, `${what}: <html lang="${code}" dir="${dir}">`, JSON.stringify(html));
        const v = await axeViolations(page);
        check(v.length === 0, `${what}: axe-core finds nothing`, v.join('; '));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        check(overflow <= 0, `${what}: nothing is wider than the screen`, `${overflow}px too wide`);
        if (dir === 'rtl') {
          const m = await page.evaluate(() => {
            const box = (el) => el && el.getBoundingClientRect();
            const h1 = box(document.querySelector('main h1'));
            const langs = [...document.querySelectorAll('.wm-languages__item')].map(box);
            const crumbs = [...document.querySelectorAll('.wm-breadcrumbs__item')].map(box);
            const exit = box(document.querySelector('.wm-exit__button'));
            const main = box(document.querySelector('main'));
            return {
              h1Right: h1 && Math.round(main.right - h1.right),
              langsMirrored: langs.length > 1 && langs[0].left > langs[1].left,
              crumbsMirrored: crumbs.length < 2 || crumbs.filter((c) => c.width > 0).length < 2 || crumbs[0].left > crumbs[1].left,
              exitLeft: exit ? exit.left < window.innerWidth / 2 : null,
            };
          });
          check(m.h1Right !== null && m.h1Right <= 2, `${what}: the heading starts at the right`, JSON.stringify(m));
          check(m.langsMirrored, `${what}: the switcher's first language is the rightmost`, JSON.stringify(m));
          check(m.crumbsMirrored, `${what}: the breadcrumbs run right to left`, JSON.stringify(m));
          check(m.exitLeft === true, `${what}: Exit this page is at the end of the reading direction (left)`, JSON.stringify(m));
        }
        check(problems.length === 0, `${what}: no script errors`, problems.join('; '));
        if (shots && code === 'ar' && width === 360 && p === PAGES[0]) {
          await page.screenshot({ path: path.join(shots, 'languages-ar-360.png') });
        }
        if (shots && code === 'ur' && width === 360 && p === PAGES[0]) {
          await page.screenshot({ path: path.join(shots, 'languages-ur-360.png') });
        }
        await page.close();
      }
    }
  }

  // ------------- a calculator on a translated page says it is in English
  {
    const { page } = await open(browser, `${origin}/pl/parents/the-register/`, 360);
    const c = await page.evaluate(() => {
      const box = document.querySelector('.wm-in-default-language');
      return box && { lang: box.lang, note: box.querySelector('.wm-in-default-language__note')?.lang, calc: !!box.querySelector('.wm-calculator') };
    });
    check(c && c.lang === 'en-GB' && c.note === 'pl' && c.calc, 'calculator: on a Polish page it is marked English, with a Polish note', JSON.stringify(c));
    await page.close();
  }

  // ------------------------------------------- the switcher keeps the page
  for (const [from, fromPrefix] of LANGS) {
    for (const [to, toPrefix] of LANGS) {
      if (from === to) continue;
      const { page } = await open(browser, `${origin}${fromPrefix}${PAGES[0]}`, 360);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(`.wm-languages__link[hreflang="${to}"]`)]);
      const at = new URL(page.url()).pathname;
      check(at === `${toPrefix}${PAGES[0]}`, `switcher: ${from} → ${to} keeps the page`, at);
      await page.close();
    }
  }

  // ------------------------------------------------- the fallback notice
  {
    const { page } = await open(browser, `${origin}/pl/procedures/core-groups/`, 360);
    const f = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      h1: document.querySelector('main h1')?.textContent || '',
      link: document.querySelector('main a[hreflang="en-GB"]')?.getAttribute('href') || '',
      robots: document.querySelector('meta[name="robots"]')?.content || '',
    }));
    check(f.lang === 'pl' && /po polsku/i.test(f.h1), 'fallback: a Polish notice that the page is not yet in Polish', JSON.stringify(f));
    check(f.link === '/procedures/core-groups/', 'fallback: it links to the page in English', f.link);
    check(f.robots === 'noindex', 'fallback: it is not indexed', f.robots);
    const v = await axeViolations(page);
    check(v.length === 0, 'fallback: axe-core finds nothing', v.join('; '));
    await page.close();
  }

  // ---------------------------------------- search in Polish, Polish only
  const results = async (page, q) => {
    await page.$eval('#wm-search-input', (i) => { i.value = ''; });
    await page.type('#wm-search-input', q);
    await page.keyboard.press('Enter');
    // Done when the status has words and has stopped changing (it says
    // "searching" in the page's language first).
    let last = null;
    for (let i = 0; i < 80; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const now = await page.evaluate(() => `${document.querySelector('[data-wm-search-status]')?.textContent || ''}|${document.querySelectorAll('.wm-search-result').length}`);
      if (now === last && !now.startsWith('|')) break;
      last = now;
    }
    return page.evaluate(() => [...document.querySelectorAll('.wm-search-result__link')].map((a) => a.getAttribute('href')));
  };
  {
    const { page, problems } = await open(browser, `${origin}/pl/search/`, 1280);
    check(await page.evaluate(() => document.documentElement.lang) === 'pl', 'search: the Polish search page is in Polish');
    const a = await results(page, 'spotkanie');
    const b = await results(page, 'spotkania');
    check(a.length > 0 && a.every((h) => h.startsWith('/pl/')), 'search: "spotkanie" finds Polish pages only', a.join(' '));
    check(b.length > 0 && b.every((h) => h.startsWith('/pl/')), 'search: "spotkania" finds Polish pages only', b.join(' '));
    check(a.length === b.length, 'search: two forms of the word find the same pages (stemmed)', `${a.length} and ${b.length}`);
    const v = await axeViolations(page);
    check(v.length === 0, 'search: axe-core on the Polish search page', v.join('; '));
    check(problems.length === 0, 'search: no script errors', problems.join('; '));
    await page.close();
    const en = await open(browser, `${origin}/search/`, 1280);
    const e = await results(en.page, 'spotkanie');
    check(e.every((h) => !/^\/(pl|ar|ur|gd)\//.test(h)), 'search: the English search page finds no page of another language', e.join(' '));
    await en.page.close();
  }
} finally {
  await close();
  await stop();
}
finish();

// A reader's first screen, in headless Debian Chromium, over a built site:
//   - at 360 × 800 the page's h1 starts within the first 300 px on the home,
//     a family page, a practitioner page and the timescales page;
//   - Exit this page is the first control after the skip link, and is still
//     on screen after scrolling to the end;
//   - after scrolling, what lies at the exit bar's bottom edge is the bar
//     itself (or the page background), never text showing through it;
//   - an in-page link (#fragment) lands below the bar;
//   - on a phone the menu hides behind a real "Menu" button whose
//     aria-expanded follows it; at 1280 px the menu is shown and there is no
//     button; with JavaScript off there is no button and the menu is listed;
//   - the timescales page clips nothing sideways at 360 px (the document and
//     every element in main fit their width, apart from regions meant to
//     scroll);
//   - heading anchors sit on their heading's last line;
//   - axe-core (wcag2a … wcag22aa): no violations at 360 and 1280 px;
//   - screenshots at 360 and 1280 px of the four pages.
//
// usage: node firstscreen.mjs SITE_DIR [SCREENSHOT_DIR]
// Prints `firstscreen: N passed, M failed` last; exits 1 on any failure.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { serve, launch, axeViolations, tally } from './lib.mjs';

const [site, shots] = process.argv.slice(2);
if (!site) {
  console.error('usage: node firstscreen.mjs SITE_DIR [SCREENSHOT_DIR]');
  process.exit(2);
}

const { check, finish } = tally('firstscreen');

// [name, path, has Exit this page]: family pages and the home have it.
const PAGES = [
  ['home', '/', true],
  ['family', '/parents/what-is-a-cppm/', true],
  ['practitioner', '/procedures/core-groups/', false],
  ['timescales', '/timescales/', false],
];
const H1_LIMIT = 300;

async function open(browser, origin, url, width, height, { js = true } = {}) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.setJavaScriptEnabled(js);
  await page.setViewport({ width, height });
  await page.goto(origin + url, { waitUntil: 'load' });
  return { page, problems };
}

/** Tab presses from the top of the page until the exit button has focus (0 if never within 3). */
async function tabsToExit(page) {
  for (let i = 1; i <= 3; i++) {
    await page.keyboard.press('Tab');
    const on = await page.evaluate(() => !!document.activeElement && document.activeElement.matches('.wm-exit__button'));
    if (on) return i;
  }
  return 0;
}

/**
 * After scrolling by `y`: every point along the bar's bottom row that is not
 * the bar itself, as "x: element". Empty when the bar covers nothing.
 */
async function underBar(page, y) {
  return page.evaluate(async (y) => {
    window.scrollTo(0, y);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const bar = document.querySelector('.wm-exit');
    const rect = bar.getBoundingClientRect();
    const out = [];
    const row = Math.floor(rect.bottom) - 1;
    for (let x = 2; x < document.documentElement.clientWidth; x += 8) {
      const el = document.elementFromPoint(x, row);
      if (!el || bar.contains(el) || el === document.body || el === document.documentElement) continue;
      out.push(`${x}: <${el.tagName.toLowerCase()} class="${el.className}">`);
    }
    return { top: rect.top, bottom: rect.bottom, out };
  }, y);
}

/** Elements in main that are wider than their box and clip or overflow it, except regions meant to scroll. */
async function clipped(page) {
  return page.evaluate(() => {
    const out = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) out.push(`document: ${doc.scrollWidth} > ${doc.clientWidth}`);
    for (const el of document.querySelectorAll('main, main *')) {
      const cs = getComputedStyle(el);
      if (cs.display === 'inline' || cs.display === 'none') continue;
      const scrolls = (cs.overflowX === 'auto' || cs.overflowX === 'scroll') && el.matches('[role="region"][tabindex]');
      if (scrolls) continue;
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
        out.push(`<${el.tagName.toLowerCase()} class="${el.className}">: ${el.scrollWidth} > ${el.clientWidth}`);
      }
      const r = el.getBoundingClientRect();
      if (r.right > doc.clientWidth + 1) out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ends at ${Math.round(r.right)} px`);
    }
    return [...new Set(out)].slice(0, 10);
  });
}

const { browser, close } = await launch();
const server = await serve(site);
if (shots) await mkdir(shots, { recursive: true });

try {
  for (const [name, url, exit] of PAGES) {
    // The phone's first screen.
    {
      const { page, problems } = await open(browser, server.origin, url, 360, 800);
      const h1 = await page.evaluate(() => {
        const h = document.querySelector('main h1');
        return h ? Math.round(h.getBoundingClientRect().top + window.scrollY) : null;
      });
      console.log(`${name} at 360 × 800: h1 top ${h1} px`);
      check(h1 !== null && h1 <= H1_LIMIT, `${name}: the h1 starts within ${H1_LIMIT} px at 360 × 800`, `it starts at ${h1} px`);

      const hasExit = await page.evaluate(() => !!document.querySelector('.wm-exit'));
      check(hasExit === exit, `${name}: Exit this page ${exit ? 'is' : 'is not'} on the page`);
      const tabs = exit ? await tabsToExit(page) : 1;
      check(tabs >= 1 && tabs <= 2, `${name}: Exit this page is the first control after the skip link`, `reached after ${tabs || 'more than 3'} Tab presses`);
      await page.evaluate(() => document.activeElement && document.activeElement.blur());

      // The menu behind its button.
      const menu = await page.evaluate(() => {
        const b = document.querySelector('.wm-menu-button');
        const nav = document.querySelector('.wm-nav');
        return {
          button: !!b && b.tagName === 'BUTTON' && b.textContent.trim(),
          expanded: b && b.getAttribute('aria-expanded'),
          controls: b && b.getAttribute('aria-controls') === nav.id,
          navShown: nav.getBoundingClientRect().height > 0 && getComputedStyle(nav).display !== 'none',
        };
      });
      check(menu.button === 'Menu', `${name}: a "Menu" <button> on a phone`, JSON.stringify(menu));
      check(menu.controls, `${name}: the Menu button names the menu in aria-controls`);
      check(menu.expanded === 'false' && !menu.navShown, `${name}: the menu starts hidden, aria-expanded="false"`, JSON.stringify(menu));
      if (menu.button) {
        await page.click('.wm-menu-button');
        const opened = await page.evaluate(() => {
          const nav = document.querySelector('.wm-nav');
          return {
            expanded: document.querySelector('.wm-menu-button').getAttribute('aria-expanded'),
            links: [...nav.querySelectorAll('a')].filter((a) => a.getBoundingClientRect().height > 0).length,
          };
        });
        check(opened.expanded === 'true' && opened.links > 0, `${name}: Menu opens the menu, aria-expanded="true"`, JSON.stringify(opened));
        await page.click('.wm-menu-button');
        const shut = await page.evaluate(() => ({
          expanded: document.querySelector('.wm-menu-button').getAttribute('aria-expanded'),
          shown: document.querySelector('.wm-nav').getBoundingClientRect().height > 0,
        }));
        check(shut.expanded === 'false' && !shut.shown, `${name}: Menu again closes it`, JSON.stringify(shut));
      }

      // The sticky bar when scrolled: on screen, and nothing showing under it.
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      if (exit) for (const y of [300, 700, Math.floor(height / 2)]) {
        const u = await underBar(page, y);
        check(Math.abs(u.top) < 1, `${name}: the exit bar stays at the top after scrolling to ${y}`, `its top is at ${u.top}`);
        check(u.out.length === 0, `${name}: nothing lies under the exit bar's bottom edge at scroll ${y}`, u.out.slice(0, 3).join('; '));
      }
      const end = exit && (await underBar(page, height));
      if (exit) check(Math.abs(end.top) < 1, `${name}: the exit bar is on screen at the end of the page`);

      // An in-page link lands below the bar.
      const landed = await page.evaluate(async () => {
        const target = [...document.querySelectorAll('main h2[id], main [id]')].find((e) => e.getBoundingClientRect().top + window.scrollY > 1200);
        if (!target) return null;
        window.scrollTo(0, 0);
        location.hash = target.id;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const bar = document.querySelector('.wm-exit');
        return {
          id: target.id,
          top: target.getBoundingClientRect().top,
          bar: bar ? bar.getBoundingClientRect().bottom : 0,
        };
      });
      if (landed && exit) {
        check(landed.top >= landed.bar, `${name}: #${landed.id} lands below the exit bar`, `its top ${landed.top}, the bar's bottom ${landed.bar}`);
      }

      // Heading anchors on their heading's last line.
      const wrapped = await page.evaluate(() => [...document.querySelectorAll('main .wm-anchor')].filter((a) => {
        const h = a.parentElement;
        const r = a.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(h);
        const lines = [...range.getClientRects()];
        const text = lines.filter((l) => !(l.left >= r.left - 0.5 && l.right <= r.right + 0.5));
        const last = Math.max(...text.map((l) => l.bottom));
        // The anchor shares the last line of words: its box overlaps it vertically.
        return r.top >= last - 1;
      }).map((a) => a.parentElement.textContent.trim().slice(0, 40)));
      check(wrapped.length === 0, `${name}: every heading anchor shares its heading's last line at 360 px`, wrapped.join('; '));

      if (name === 'timescales') {
        await page.evaluate(() => window.scrollTo(0, 0));
        const c = await clipped(page);
        check(c.length === 0, 'timescales: nothing is clipped sideways at 360 px', c.join('; '));
        const tall = await page.evaluate(() => document.documentElement.scrollHeight);
        console.log(`timescales at 360 px: ${tall} px tall`);
      }

      const v = await axeViolations(page);
      check(v.length === 0, `${name}: axe-core finds no violations at 360 px`, v.join('; '));
      check(problems.length === 0, `${name}: no script error at 360 px`, problems.join('; '));
      if (shots) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: path.join(shots, `firstscreen-${name}-360.png`) });
      }
      await page.close();
    }

    // Desktop.
    {
      const { page, problems } = await open(browser, server.origin, url, 1280, 800);
      const wide = await page.evaluate(() => {
        const b = document.querySelector('.wm-menu-button');
        const nav = document.querySelector('.wm-nav');
        return {
          button: !!b && getComputedStyle(b).display !== 'none',
          links: [...nav.querySelectorAll('a')].filter((a) => a.getBoundingClientRect().height > 0).length,
          h1: Math.round(document.querySelector('main h1').getBoundingClientRect().top),
        };
      });
      console.log(`${name} at 1280 × 800: h1 top ${wide.h1} px`);
      check(!wide.button && wide.links > 0, `${name}: at 1280 px the menu is shown and no Menu button`, JSON.stringify(wide));
      const u = exit ? await underBar(page, 600) : { out: [] };
      check(u.out.length === 0, `${name}: nothing lies under the exit bar's bottom edge at 1280 px`, u.out.slice(0, 3).join('; '));
      const v = await axeViolations(page);
      check(v.length === 0, `${name}: axe-core finds no violations at 1280 px`, v.join('; '));
      check(problems.length === 0, `${name}: no script error at 1280 px`, problems.join('; '));
      if (shots) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: path.join(shots, `firstscreen-${name}-1280.png`) });
      }
      await page.close();
    }
  }

  // Without JavaScript: no button, and the menu's links are all there.
  {
    const { page } = await open(browser, server.origin, '/parents/what-is-a-cppm/', 360, 800, { js: false });
    const nojs = await page.evaluate(() => ({
      button: !!document.querySelector('.wm-menu-button'),
      links: [...document.querySelectorAll('.wm-nav a')].filter((a) => a.getBoundingClientRect().height > 0).length,
      all: document.querySelectorAll('.wm-nav a').length,
    }));
    check(!nojs.button && nojs.all > 0 && nojs.links === nojs.all, 'without JavaScript: no Menu button, and every menu link is shown', JSON.stringify(nojs));
    await page.close();
  }
} finally {
  await server.close();
  await close();
}
finish();

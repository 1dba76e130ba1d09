// A reader's first screen, in headless Debian Chromium, over a built site
// (issue 15 items 1, 2, 5 and 6):
//   - at 360 × 800 the page's h1 starts within the first 300 px on the home,
//     a family page, a practitioner page and the timescales page, with and
//     without JavaScript;
//   - on pages with Exit this page: the first Tab reaches the skip link and
//     the next one Exit this page, before anything else; the bar takes its
//     own room at the top (nothing is laid under it), is solid, and stays on
//     screen wherever the page is scrolled; what lies at its bottom edge is
//     the bar itself, never the page's text showing round the button; and a
//     link to a part of the page (#id) puts it below the bar, on screen;
//   - on a phone the menu is behind a real "Menu" <button> (aria-controls
//     names the menu, aria-expanded follows it): it opens and closes it, and
//     Escape closes it and gives focus back; at 1280 px the menu is shown
//     and there is no button; without JavaScript there is no button, the
//     menu is hidden and a "Menu" link goes to the footer's copy of the menu
//     (every link the header's has), which lands below the bar;
//   - the timescales page clips nothing sideways at 360 px: every cell and
//     the caption end inside the screen, and no box in main (the table's
//     included) has more content than it shows sideways; shown as cards, the
//     table is still a table in Chromium's accessibility tree;
//   - every heading anchor sits on its heading's last line of words, and
//     inside the screen, at 360 and 1280 px;
//   - axe-core (wcag2a … wcag22aa): no violations at 360 px (with the menu
//     open, too) and at 1280 px; no script errors;
//   - first-screen screenshots at 360 and 1280 px of the four pages.
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
const PHONE = { width: 360, height: 800 };
const DESKTOP = { width: 1280, height: 800 };

async function open(browser, origin, url, { width, height }, { js = true } = {}) {
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

const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** The h1's top, from the top of the page, in whole pixels. */
const h1Top = (page) => page.evaluate(() => {
  const h = document.querySelector('main h1');
  return h ? Math.round(h.getBoundingClientRect().top + window.scrollY) : null;
});

/** What has focus after each of `n` Tab presses from the top of the page. */
async function tabOrder(page, n) {
  const seen = [];
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('Tab');
    seen.push(await page.evaluate(() => {
      const a = document.activeElement;
      if (!a || a === document.body) return 'body';
      if (a.matches('.wm-skip-link')) return 'skip link';
      if (a.matches('.wm-exit__button')) return 'exit';
      return `<${a.tagName.toLowerCase()} class="${a.className}">`;
    }));
  }
  return seen;
}

/**
 * Scrolled to `y`: where the bar is, whether it is solid, and every point
 * along its bottom row (1 px inside it) that is not the bar itself, as
 * "x: element". The list is empty when nothing of the page shows there.
 */
async function underBar(page, y) {
  return page.evaluate(async (y) => {
    window.scrollTo(0, y);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const bar = document.querySelector('.wm-exit');
    const rect = bar.getBoundingClientRect();
    const out = [];
    const row = Math.floor(rect.bottom) - 1;
    for (let x = 1; x < document.documentElement.clientWidth; x += 6) {
      const el = document.elementFromPoint(x, row);
      if (!el || bar.contains(el) || el === document.body || el === document.documentElement) continue;
      out.push(`${x}: <${el.tagName.toLowerCase()} class="${el.className}">`);
    }
    const bg = getComputedStyle(bar).backgroundColor;
    const alpha = /rgba\([^)]*,\s*([\d.]+)\)/.exec(bg);
    return {
      scrolled: Math.round(window.scrollY),
      top: rect.top,
      bottom: rect.bottom,
      solid: bg !== 'transparent' && (!alpha || Number(alpha[1]) === 1),
      out,
    };
  }, y);
}

/** Heading anchors that are not on their heading's last line of words, or that end outside the screen. */
const strayAnchors = (page) => page.evaluate(() => {
  const out = [];
  const width = document.documentElement.clientWidth;
  for (const a of document.querySelectorAll('main .wm-anchor')) {
    const h = a.parentElement;
    const r = a.getBoundingClientRect();
    // The heading's own words (not the anchor's "#"): its lowest line box.
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    let last = null;
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (a.contains(t) || !t.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(t);
      for (const line of range.getClientRects()) {
        if (line.width > 0 && (!last || line.bottom > last.bottom)) last = line;
      }
    }
    const name = h.textContent.replace(/#$/, '').trim().slice(0, 50);
    if (!last) out.push(`${name}: no words`);
    else if (!(r.top < last.bottom - 1 && r.bottom > last.top + 1)) out.push(`${name}: anchor at ${Math.round(r.top)}, last line ${Math.round(last.top)}–${Math.round(last.bottom)}`);
    else if (r.right > width + 0.5) out.push(`${name}: anchor ends at ${Math.round(r.right)} px of ${width}`);
  }
  return out;
});

/** Boxes in main cut off sideways: ending outside the screen, or with more content than they show. */
const clipped = (page) => page.evaluate(() => {
  const out = [];
  const doc = document.documentElement;
  const width = doc.clientWidth;
  if (doc.scrollWidth > width) out.push(`the page is ${doc.scrollWidth} px wide, the screen ${width}`);
  const hidden = (el) => el.closest('.wm-visually-hidden') || (() => {
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.clipPath !== 'none' || cs.display === 'none') return true;
    }
    return false;
  })();
  const name = (el) => `<${el.tagName.toLowerCase()}${el.className ? ` class="${el.className}"` : ''}>${el.textContent.trim().slice(0, 30)}`;
  for (const el of document.querySelectorAll('main, main *')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || hidden(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 0.5) out.push(`${name(el)} ends at ${Math.round(r.right)} px`);
    if (cs.display !== 'inline' && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
      out.push(`${name(el)} holds ${el.scrollWidth} px in ${el.clientWidth} (overflow ${cs.overflowX})`);
    }
  }
  for (const cell of document.querySelectorAll('.wm-timescales th, .wm-timescales td, .wm-timescales caption')) {
    if (hidden(cell)) continue;
    const r = cell.getBoundingClientRect();
    if (r.right > width + 0.5 || r.left < -0.5) out.push(`${name(cell)}: ${Math.round(r.left)}–${Math.round(r.right)} px`);
  }
  return [...new Set(out)];
});

/** The Menu button, the Menu link and the menu as they are seen now. */
const menuState = (page) => page.evaluate(() => {
  const shown = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const b = document.querySelector('.wm-menu-button');
  const link = document.querySelector('.wm-menu-link');
  const nav = document.querySelector('header .wm-nav');
  return {
    button: shown(b) ? `${b.tagName.toLowerCase()}:${b.textContent.trim()}` : null,
    expanded: b ? b.getAttribute('aria-expanded') : null,
    controls: !!b && !!nav && b.getAttribute('aria-controls') === nav.id,
    link: shown(link) ? `${link.textContent.trim()} -> ${link.getAttribute('href')}` : null,
    links: nav ? [...nav.querySelectorAll('a')].filter(shown).length : 0,
    all: nav ? nav.querySelectorAll('a').length : 0,
    focus: document.activeElement ? document.activeElement.className : '',
  };
});

const { browser, close } = await launch();
const server = await serve(site);
if (shots) await mkdir(shots, { recursive: true });

try {
  for (const [name, url, exit] of PAGES) {
    // ------------------------------------------------ the phone, with JavaScript
    {
      const { page, problems } = await open(browser, server.origin, url, PHONE);
      const h1 = await h1Top(page);
      console.log(`${name} at 360 × 800: h1 top ${h1} px`);
      check(h1 !== null && h1 <= H1_LIMIT, `${name}: the h1 starts within ${H1_LIMIT} px at 360 × 800`, `it starts at ${h1} px`);
      if (shots) await page.screenshot({ path: path.join(shots, `firstscreen-${name}-360.png`) });

      const hasExit = await page.evaluate(() => !!document.querySelector('.wm-exit'));
      check(hasExit === exit, `${name}: Exit this page ${exit ? 'is' : 'is not'} on the page`);
      if (exit) {
        const order = await tabOrder(page, 2);
        check(order[0] === 'skip link' && order[1] === 'exit', `${name}: the first Tab reaches the skip link, the next Exit this page`, order.join(', '));
        await page.evaluate(() => document.activeElement && document.activeElement.blur());

        const room = await page.evaluate(() => {
          window.scrollTo(0, 0);
          const bar = document.querySelector('.wm-exit').getBoundingClientRect();
          const header = document.querySelector('header').getBoundingClientRect();
          return { bar: bar.bottom, header: header.top };
        });
        check(room.header >= room.bar - 0.5, `${name}: the exit bar has its own room at the top: the header starts below it`, JSON.stringify(room));

        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        for (const y of [300, 700, Math.floor(height / 2), height]) {
          const u = await underBar(page, y);
          check(Math.abs(u.top) < 1, `${name}: the exit bar is at the top of the screen when scrolled to ${u.scrolled}`, `its top is at ${u.top}`);
          check(u.solid, `${name}: the exit bar is solid (its background hides what scrolls under it)`);
          check(u.out.length === 0, `${name}: at its bottom edge, scrolled to ${u.scrolled}, there is only the bar, no text`, u.out.slice(0, 3).join('; '));
        }

        // A link to a part of the page, far down it, from "On this page".
        const link = await page.evaluate(() => {
          window.scrollTo(0, 0);
          const links = [...document.querySelectorAll('main a[href^="#"]')].filter((a) => {
            const t = document.getElementById(decodeURIComponent(a.hash.slice(1)));
            return t && t.getBoundingClientRect().top > 1000 && a.getClientRects().length;
          });
          return links.length ? links[0].hash : null;
        });
        if (name === 'family') check(link !== null, `${name}: there is a link to a part of the page further down`);
        if (link) {
          await page.click(`main a[href="${link}"]`);
          await frames(page);
          const landed = await page.evaluate((hash) => {
            const t = document.getElementById(decodeURIComponent(hash.slice(1)));
            return { top: t.getBoundingClientRect().top, bar: document.querySelector('.wm-exit').getBoundingClientRect().bottom, height: innerHeight };
          }, link);
          check(landed.top >= landed.bar && landed.top <= landed.bar + 40, `${name}: the link to ${link} puts it just below the exit bar`, JSON.stringify(landed));
        }
        await page.evaluate(() => window.scrollTo(0, 0));
      }

      // The menu behind its button.
      const start = await menuState(page);
      check(start.button === 'button:Menu', `${name}: a "Menu" <button> on a phone`, JSON.stringify(start));
      check(start.controls, `${name}: the Menu button names the menu in aria-controls`);
      check(start.expanded === 'false' && start.links === 0, `${name}: the menu starts hidden, aria-expanded="false"`, JSON.stringify(start));
      check(start.link === null, `${name}: with JavaScript there is no Menu link as well`, JSON.stringify(start));
      if (start.button) {
        await page.click('.wm-menu-button');
        const opened = await menuState(page);
        check(opened.expanded === 'true' && opened.links === opened.all && opened.all > 0, `${name}: pressing Menu shows every menu link, aria-expanded="true"`, JSON.stringify(opened));
        const openH1 = await h1Top(page);
        check(openH1 > h1, `${name}: the open menu pushes the page down rather than covering it`, `h1 ${h1} → ${openH1}`);
        const v = await axeViolations(page);
        check(v.length === 0, `${name}: axe-core finds no violations with the menu open at 360 px`, v.join('; '));
        await page.click('.wm-menu-button');
        const shut = await menuState(page);
        check(shut.expanded === 'false' && shut.links === 0, `${name}: pressing Menu again hides it`, JSON.stringify(shut));

        // By keyboard: Enter opens, Tab goes into the menu, Escape closes and returns.
        await page.focus('.wm-menu-button');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Tab');
        const inside = await page.evaluate(() => !!document.activeElement.closest('header .wm-nav'));
        check(inside, `${name}: after Enter on Menu, the next Tab goes into the menu`);
        await page.keyboard.press('Escape');
        const esc = await menuState(page);
        check(esc.expanded === 'false' && esc.links === 0 && /wm-menu-button/.test(esc.focus), `${name}: Escape closes the menu and puts focus back on the button`, JSON.stringify(esc));
      }

      // Heading anchors.
      const stray = await strayAnchors(page);
      check(stray.length === 0, `${name}: every heading anchor is on its heading's last line at 360 px`, stray.join('; '));

      if (name === 'timescales') {
        await page.evaluate(() => window.scrollTo(0, 0));
        const c = await clipped(page);
        check(c.length === 0, 'timescales: nothing is cut off sideways at 360 px', c.slice(0, 6).join('; '));
        // Shown as cards, it is still a table to a screen reader.
        const rows = await page.evaluate(() => document.querySelectorAll('.wm-timescales tbody tr').length);
        const ax = await page.accessibility.snapshot({ root: await page.$('.wm-timescales'), interestingOnly: false });
        const roles = {};
        (function walk(n) {
          if (!n) return;
          roles[n.role] = (roles[n.role] || 0) + 1;
          (n.children || []).forEach(walk);
        })(ax);
        check(ax && ax.role === 'table' && roles.row === rows + 1 && roles.rowheader === rows && roles.columnheader === 3 && roles.cell === 2 * rows,
          'timescales: at 360 px the cards are still a table to screen readers (rows, column and row headers, cells)', JSON.stringify({ table: ax && ax.role, rows, roles }));
        const tall = await page.evaluate(() => document.documentElement.scrollHeight);
        console.log(`timescales at 360 px: ${tall} px tall`);
      }

      const v = await axeViolations(page);
      check(v.length === 0, `${name}: axe-core finds no violations at 360 px`, v.join('; '));
      check(problems.length === 0, `${name}: no script error at 360 px`, problems.join('; '));
      await page.close();
    }

    // --------------------------------------------- the phone, without JavaScript
    {
      const { page } = await open(browser, server.origin, url, PHONE, { js: false });
      const h1 = await h1Top(page);
      console.log(`${name} at 360 × 800 without JavaScript: h1 top ${h1} px`);
      check(h1 !== null && h1 <= H1_LIMIT, `${name}: without JavaScript the h1 starts within ${H1_LIMIT} px at 360 × 800`, `it starts at ${h1} px`);
      const s = await menuState(page);
      check(s.button === null && s.links === 0, `${name}: without JavaScript no Menu button, and the header's menu is hidden`, JSON.stringify(s));
      check(s.link === 'Menu -> #wm-footer-menu', `${name}: without JavaScript a "Menu" link goes to the footer's menu`, JSON.stringify(s));
      const footer = await page.evaluate(() => {
        const hrefs = (sel) => [...document.querySelectorAll(sel)].map((a) => a.getAttribute('href'));
        const target = document.getElementById('wm-footer-menu');
        return {
          inFooter: !!target && !!target.closest('footer'),
          header: hrefs('header .wm-nav a'),
          footer: target ? hrefs('#wm-footer-menu a') : [],
        };
      });
      check(footer.inFooter && footer.header.length > 0 && JSON.stringify(footer.header) === JSON.stringify(footer.footer), `${name}: the footer's menu has every link of the header's menu, in order`, JSON.stringify(footer));
      if (s.link && footer.inFooter) {
        await page.click('.wm-menu-link');
        // (No requestAnimationFrame here: the page runs no script.)
        await new Promise((r) => setTimeout(r, 150));
        const landed = await page.evaluate(() => {
          const t = document.getElementById('wm-footer-menu').getBoundingClientRect();
          const bar = document.querySelector('.wm-exit');
          return { top: t.top, bottom: t.bottom, bar: bar ? bar.getBoundingClientRect().bottom : 0, height: innerHeight, hash: location.hash };
        });
        check(landed.hash === '#wm-footer-menu' && landed.top >= landed.bar && landed.top < landed.height, `${name}: the Menu link shows the footer's menu, below any exit bar`, JSON.stringify(landed));
      }
      await page.close();
    }

    // ------------------------------------------------------------------ desktop
    {
      const { page, problems } = await open(browser, server.origin, url, DESKTOP);
      const h1 = await h1Top(page);
      console.log(`${name} at 1280 × 800: h1 top ${h1} px`);
      if (shots) await page.screenshot({ path: path.join(shots, `firstscreen-${name}-1280.png`) });
      const s = await menuState(page);
      check(s.button === null && s.link === null && s.links === s.all && s.all > 0, `${name}: at 1280 px the menu is shown, with no Menu button or link`, JSON.stringify(s));
      if (exit) {
        const order = await tabOrder(page, 2);
        check(order[0] === 'skip link' && order[1] === 'exit', `${name}: at 1280 px the first Tab reaches the skip link, the next Exit this page`, order.join(', '));
        for (const y of [400, 1200]) {
          const u = await underBar(page, y);
          check(Math.abs(u.top) < 1 && u.solid, `${name}: at 1280 px the exit bar is solid and at the top when scrolled to ${u.scrolled}`, JSON.stringify(u));
          check(u.out.length === 0, `${name}: at 1280 px, scrolled to ${u.scrolled}, only the bar is at its bottom edge`, u.out.slice(0, 3).join('; '));
        }
        await page.evaluate(() => window.scrollTo(0, 0));
      }
      const stray = await strayAnchors(page);
      check(stray.length === 0, `${name}: every heading anchor is on its heading's last line at 1280 px`, stray.join('; '));
      const v = await axeViolations(page);
      check(v.length === 0, `${name}: axe-core finds no violations at 1280 px`, v.join('; '));
      check(problems.length === 0, `${name}: no script error at 1280 px`, problems.join('; '));
      await page.close();
    }
  }
} finally {
  await server.close();
  await close();
}
finish();

// Reader features in headless Debian Chromium, over a built site:
//   - the resources filter: with JavaScript the "Show resources for" links
//     filter the rows in place (status message, current link, a line where a
//     table is left empty); without it the same links open each audience's
//     view, which shows only that audience's rows; axe-core on both;
//   - print: a page and a section's print page as printed (print media):
//     no header, menu, search box, breadcrumbs, "Exit this page" or footer,
//     link addresses printed after links (not after glossary links);
//     screenshots of both.
//   - moving through a section: on a practitioner page the section
//     navigation is beside the text at 1280px and after it at 360px, lists
//     the pages in the section page's order with the page shown marked, and
//     previous/next open the neighbours in that order; a family page has
//     previous/next only; axe-core on both at both widths.
//
// usage: node reader.mjs SITE_DIR [SCREENSHOT_DIR]
// Prints `reader: N passed, M failed` last; exits 1 on any failure.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { serve, launch, axeViolations, tally, HEIGHTS } from './lib.mjs';


const [site, shots] = process.argv.slice(2);
if (!site) {
  console.error('usage: node reader.mjs SITE_DIR [SCREENSHOT_DIR]');
  process.exit(2);
}

const { check, finish } = tally('reader');

async function axe(page, what) {
  const v = await axeViolations(page);
  check(v.length === 0, `axe: ${what}`, v.join('; '));
}

const shown = (page) => page.evaluate(() => [...document.querySelectorAll('tr[data-wm-audience]')]
  .filter((r) => r.offsetParent !== null)
  .map((r) => ({ audience: r.getAttribute('data-wm-audience').split(' '), title: r.cells[0].textContent })));

const { origin, close: stop } = await serve(site);
const { browser, close } = await launch();
const problems = [];
try {
  if (shots) await mkdir(shots, { recursive: true });

  // -------------------------------------------- resources, with JavaScript
  {
    const page = await browser.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.setViewport({ width: 360, height: 740 });
    await page.goto(`${origin}/resources/`, { waitUntil: 'load' });
    const all = await shown(page);
    check(all.length >= 10, 'resources: every resource is shown at first', String(all.length));
    const links = await page.$$eval('[data-wm-resources-filter] a', (as) => as.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('data-wm-audience')]));
    check(links[0][0] === 'Everyone' && links.length >= 4, 'resources: a link for everyone and one per audience', JSON.stringify(links));
    for (const [label, href, id] of links.slice(1)) {
      await page.click(`[data-wm-resources-filter] a[data-wm-audience="${id}"]`);
      const rows = await shown(page);
      const url = new URL(page.url());
      check(url.pathname === '/resources/', `resources (JS): ${label} filters in place`, page.url());
      check(rows.length > 0 && rows.every((r) => r.audience.includes(id)), `resources (JS): only rows for ${label}`, JSON.stringify(rows));
      check(rows.length === all.filter((r) => r.audience.includes(id)).length, `resources (JS): every row for ${label}`);
      const status = await page.$eval('[data-wm-resources-status]', (s) => s.textContent);
      check(status === `Showing ${rows.length} resource${rows.length === 1 ? '' : 's'} for ${label.toLowerCase()}.`, `resources (JS): the status counts them for ${label}`, status);
      const current = await page.$$eval('[data-wm-resources-filter] a[aria-current="page"]', (as) => as.map((a) => a.textContent));
      check(current.length === 1 && current[0] === label, `resources (JS): ${label} is marked current`, current.join());
      const notes = await page.$$eval('.wm-resources__none', (ps) => ps.filter((p) => !p.hidden).map((p) => p.textContent));
      check(notes.every((n) => n === `Nothing in this list is for ${label.toLowerCase()}.`), `resources (JS): empty tables say so for ${label}`, notes.join(' | '));
      // Each link works without JavaScript too: it names that audience's view.
      check(href === `/resources/${id}/`, `resources: ${label} links to its own view`, href);
    }
    await page.click('[data-wm-resources-filter] a[data-wm-audience="young-people"]');
    await axe(page, 'resources filtered (JS) at 360px');
    if (shots) {
      await page.evaluate(() => document.querySelector('[data-wm-resources-filter]').scrollIntoView());
      await page.screenshot({ path: path.join(shots, 'resources-filtered-js-360.png') });
    }
    await page.click('[data-wm-resources-filter] a[data-wm-audience=""]');
    check((await shown(page)).length === all.length, 'resources (JS): Everyone shows every row again');
    await page.close();
  }

  // ----------------------------------------- resources, without JavaScript
  {
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setViewport({ width: 360, height: 740 });
    await page.goto(`${origin}/resources/`, { waitUntil: 'load' });
    const all = await shown(page);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('[data-wm-resources-filter] a[data-wm-audience="parents-and-carers"]')]);
    check(new URL(page.url()).pathname === '/resources/parents-and-carers/', 'resources (no JS): the link opens the parents\' view', page.url());
    const rows = await shown(page);
    check(rows.length > 0 && rows.length === all.filter((r) => r.audience.includes('parents-and-carers')).length && rows.every((r) => r.audience.includes('parents-and-carers')), 'resources (no JS): the view shows exactly the parents\' rows', JSON.stringify(rows));
    const r = await page.evaluate(() => ({
      title: document.title,
      current: [...document.querySelectorAll('[data-wm-resources-filter] a[aria-current="page"]')].map((a) => a.textContent),
      crumb: [...document.querySelectorAll('.wm-breadcrumbs li')].pop()?.textContent.trim(),
      empty: [...document.querySelectorAll('.wm-resources__none')].filter((p) => !p.hidden).map((p) => p.textContent),
      tables: document.querySelectorAll('table').length,
    }));
    check(/: for parents and carers – /.test(r.title), 'resources (no JS): the view\'s title names the audience', r.title);
    check(r.current.length === 1 && r.current[0] === 'Parents and carers', 'resources (no JS): the view marks its link current', r.current.join());
    check(r.crumb === 'For parents and carers', 'resources (no JS): the breadcrumbs end with the audience', r.crumb);
    check(r.empty.length >= 1 && r.empty.every((t) => t === 'Nothing in this list is for parents and carers.') && r.tables === 3 - r.empty.length, 'resources (no JS): a table with no rows for parents is replaced by a line saying so', JSON.stringify(r));
    await page.setJavaScriptEnabled(true);
    await page.reload({ waitUntil: 'load' });
    await axe(page, 'resources view for parents and carers at 360px');
    if (shots) {
      await page.setJavaScriptEnabled(false);
      await page.reload({ waitUntil: 'load' });
      await page.evaluate(() => document.querySelector('[data-wm-resources-filter]').scrollIntoView());
      await page.screenshot({ path: path.join(shots, 'resources-view-nojs-360.png') });
    }
    await page.close();
  }

  // ------------------------------------------------------------------ print
  for (const url of ['/procedures/core-groups/', '/parents/print/']) {
    const page = await browser.newPage();
    await page.setViewport({ width: 800, height: 1100 });
    await page.goto(`${origin}${url}`, { waitUntil: 'load' });
    await page.emulateMediaType('print');
    const r = await page.evaluate(() => {
      const visible = (sel) => [...document.querySelectorAll(sel)].some((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
      const links = [...document.querySelectorAll('main a[href^="/"], main a[href^="http"]')].filter((a) => !a.closest('nav') && a.offsetParent !== null && !a.classList.contains('wm-anchor'));
      const link = links.find((a) => !a.classList.contains('wm-term'));
      const term = links.find((a) => a.classList.contains('wm-term'));
      return {
        nav: visible('.wm-nav'),
        search: visible('.wm-header-search'),
        exit: visible('.wm-exit-this-page, [data-wm-exit]'),
        crumbs: visible('.wm-breadcrumbs'),
        footer: visible('footer'),
        h1: visible('main h1'),
        after: link ? getComputedStyle(link, '::after').content : 'no link',
        term: term ? getComputedStyle(term, '::after').content : 'none',
      };
    });
    check(!r.nav && !r.search && !r.crumbs && !r.footer && !r.exit, `print ${url}: no menu, search box, breadcrumbs, exit button or footer`, JSON.stringify(r));
    check(r.h1, `print ${url}: the title prints`);
    check(r.term === 'none', `print ${url}: glossary links print no address`, r.term);
    check(/attr\(href\)|"\s*\(|\(/.test(r.after) && r.after !== 'none', `print ${url}: link addresses are printed after links`, r.after);
    if (shots) await page.screenshot({ path: path.join(shots, `print${url.replace(/\//g, '-').replace(/-$/, '')}.png`), fullPage: false });
    await page.close();
  }

  // ---------------------------------------- moving through a section
  {
    const page = await browser.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    const box = (sel) => page.$eval(sel, (e) => {
      const b = e.getBoundingClientRect();
      return { left: b.left + scrollX, right: b.right + scrollX, top: b.top + scrollY, bottom: b.bottom + scrollY };
    });
    const neighbours = () => page.evaluate(() => Object.fromEntries(['prev', 'next'].map((d) => {
      const a = document.querySelector(`.wm-pagination__item--${d} a`);
      return [d, a && { href: a.getAttribute('href'), title: a.querySelector('.wm-pagination__title').textContent }];
    })));
    // The order the section page lists its pages in.
    await page.setViewport({ width: 1280, height: HEIGHTS[1280] });
    await page.goto(`${origin}/procedures/`, { waitUntil: 'load' });
    const order = await page.$$eval('main .wm-page-list__link', (as) => as.map((a) => ({ href: a.getAttribute('href'), title: a.textContent })));
    const at = order.findIndex((p) => p.href === '/procedures/core-groups/');
    check(at > 0 && at < order.length - 1, 'section: core groups is neither first nor last in the procedures', JSON.stringify(order));
    for (const width of [1280, 360]) {
      await page.setViewport({ width, height: HEIGHTS[width] });
      await page.goto(`${origin}/procedures/core-groups/`, { waitUntil: 'load' });
      const nav = await box('nav.wm-section-nav');
      const text = await box('main .wm-prose');
      if (width === 1280) {
        const beside = nav.left >= text.right - 1 || nav.right <= text.left + 1;
        check(beside && nav.top < text.bottom, 'section nav at 1280px: beside the text, not below it', JSON.stringify({ nav, text }));
      } else {
        check(nav.top >= text.bottom && nav.left < text.right && nav.right > text.left, 'section nav at 360px: after the text', JSON.stringify({ nav, text }));
        check(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'section nav at 360px: nothing wider than the screen');
      }
      const r = await page.evaluate(() => ({
        label: document.querySelector('nav.wm-section-nav').getAttribute('aria-label'),
        links: [...document.querySelectorAll('nav.wm-section-nav .wm-section-nav__list a')].map((a) => ({ href: a.getAttribute('href'), current: a.getAttribute('aria-current') })),
        visible: [...document.querySelectorAll('nav.wm-section-nav a, nav.wm-pagination a')].every((a) => a.getClientRects().length > 0),
      }));
      check(r.label === 'Pages in this section', `section nav at ${width}px: a labelled nav`, r.label);
      check(JSON.stringify(r.links.map((l) => l.href)) === JSON.stringify(order.map((p) => p.href)), `section nav at ${width}px: the section's pages in the section page's order`, JSON.stringify(r.links));
      const current = r.links.filter((l) => l.current === 'page').map((l) => l.href);
      check(current.length === 1 && current[0] === '/procedures/core-groups/', `section nav at ${width}px: the page shown is marked aria-current`, current.join());
      check(r.visible, `section nav at ${width}px: every link is shown`);
      const n = await neighbours();
      check(n.prev?.href === order[at - 1].href && n.prev.title === order[at - 1].title, `previous at ${width}px: the page before in the section's order`, JSON.stringify(n));
      check(n.next?.href === order[at + 1].href && n.next.title === order[at + 1].title, `next at ${width}px: the page after in the section's order`, JSON.stringify(n));
      await axe(page, `practitioner page with section navigation at ${width}px`);
      if (shots) await page.screenshot({ path: path.join(shots, `section-nav-${width}.png`), fullPage: true });
    }
    // Following the links: next, then previous, comes back.
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('.wm-pagination__item--next a')]);
    check(new URL(page.url()).pathname === order[at + 1].href, 'next opens the next page', page.url());
    const marked = await page.$$eval('nav.wm-section-nav a[aria-current="page"]', (as) => as.map((a) => a.getAttribute('href')));
    check(marked.length === 1 && marked[0] === order[at + 1].href, 'the next page marks itself current', marked.join());
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('.wm-pagination__item--prev a')]);
    check(new URL(page.url()).pathname === '/procedures/core-groups/', 'previous comes back', page.url());
    // The ends of the sequence.
    await page.goto(`${origin}${order[0].href}`, { waitUntil: 'load' });
    let n = await neighbours();
    check(!n.prev && n.next?.href === order[1].href, 'the first page has next but no previous', JSON.stringify(n));
    await page.goto(`${origin}${order[order.length - 1].href}`, { waitUntil: 'load' });
    n = await neighbours();
    check(!n.next && n.prev?.href === order[order.length - 2].href, 'the last page has previous but no next', JSON.stringify(n));

    // A family page: previous/next only, the short form for a phone.
    await page.goto(`${origin}/parents/`, { waitUntil: 'load' });
    const guide = await page.$$eval('main .wm-page-list__link', (as) => as.map((a) => a.getAttribute('href')));
    const family = guide[1];
    for (const width of [360, 1280]) {
      await page.setViewport({ width, height: HEIGHTS[width] });
      await page.goto(`${origin}${family}`, { waitUntil: 'load' });
      const f = await page.evaluate(() => ({
        list: document.querySelectorAll('nav.wm-section-nav').length,
        guide: document.querySelector('.wm-pagination__guide')?.textContent,
      }));
      n = await neighbours();
      check(f.list === 0, `family page at ${width}px: no list of the section's pages`, JSON.stringify(f));
      check(n.prev?.href === guide[0] && n.next?.href === guide[2], `family page at ${width}px: previous and next in the guide's order`, JSON.stringify(n));
      check(f.guide === `Page 2 of ${guide.length}. All pages in this guide`, `family page at ${width}px: says where the reader is`, f.guide);
      await axe(page, `family page with previous/next at ${width}px`);
      if (shots) await page.screenshot({ path: path.join(shots, `family-pagination-${width}.png`), fullPage: true });
    }
    await page.close();
  }

  check(problems.length === 0, 'no console error or uncaught exception', problems.join('\n  '));
} finally {
  await close();
  await stop();
}
finish();

// Offline use in headless Debian Chromium, with the DevTools protocol's
// network emulation (on the page and on the service worker, and the test
// server counts every request, so "offline" is checked, not assumed):
//   - first visit online: the worker installs, Chromium finds the site
//     installable (manifest, icons, worker), the offer to save the family
//     guide shows its size, says saved pages leave a trace and links to the
//     safety page; axe-core finds nothing with the offer showing;
//   - saving: the progress bar's total and the bytes the server sent equal
//     the size the offer states (the exact bytes of the list in sw.js), the
//     caches then hold every file of the list and those bytes, and the
//     result says what was saved;
//   - offline: three saved family pages open with the offline notice ("You
//     are offline. This is the version saved on …", the build's date); a
//     search gives results; a calculator gives the dates `waymark dates`
//     gives; a page that is not saved gives the offline page listing what
//     is (axe-core: zero violations); "Exit this page" still leaves; the
//     server answers nothing (it refuses every connection while offline);
//   - a new build published while offline: back online, the banner "A newer
//     version is available: reload" shows and the page keeps its old text
//     until the reader presses reload (axe-core: zero violations with the
//     banner); after it, the new text;
//   - "Remove saved pages from this phone" leaves no cache and no worker;
//   - a site built with `[offline] enabled = false` has no worker, manifest
//     or offer, and registers nothing;
//   - under a base path (`/cp/`) the worker's scope is `/cp/` and a saved
//     page opens offline;
//   - no console error, uncaught exception, CSP report or request to
//     another host.
//
// usage: node offline.mjs SITE_DIR WAYMARK_BIN SITE_ROOT [SCREENSHOT_DIR]
// (SITE_DIR: the shipped site built; SITE_ROOT: the folder with site.toml,
// copied to make the second build.) Prints `offline: N passed, M failed`.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { serve, launch, axeViolations, tally } from './lib.mjs';

const run = promisify(execFile);
const [siteDir, waymark, siteRoot, shots] = process.argv.slice(2);
if (!siteDir || !waymark || !siteRoot) {
  console.error('usage: node offline.mjs SITE_DIR WAYMARK_BIN SITE_ROOT [SCREENSHOT_DIR]');
  process.exit(2);
}
const { check, finish } = tally('offline');
const tmp = await mkdtemp(path.join(tmpdir(), 'waymark-offline-'));
if (shots) await mkdir(shots, { recursive: true });

/** The build's table of files, as the worker gets it. */
async function table(dir) {
  const sw = await readFile(path.join(dir, 'sw.js'), 'utf8');
  return JSON.parse(/^self\.WAYMARK = (.*);$/m.exec(sw)[1]);
}

const problems = [];
let live = siteDir;
const served = [];
// While the test is offline the server also drops every connection, and
// counts who still tried: the network emulation governs the page and the
// worker, not the browser's own checks for a new sw.js and manifest.
let unreachable = false;
const refused = [];
const { origin, close: stop } = await serve(() => live, {
  log: (p, status, bytes) => served.push({ p, status, bytes }),
  refuse: (p) => unreachable && refused.push(p) > 0,
});
const { browser, close } = await launch();

async function openPage(width = 360) {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 740 });
  page.on('request', (r) => {
    if (!r.url().startsWith(origin + '/') && !r.url().startsWith('data:') && !r.url().startsWith('chrome-error:')) {
      if (!r.isNavigationRequest()) problems.push(`request to another host: ${r.url()}`);
    }
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/ERR_INTERNET_DISCONNECTED|net::ERR_/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return page;
}

async function axe(page, what) {
  const v = await axeViolations(page);
  check(v.length === 0, `axe-core: ${what}`, v.join('; '));
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: path.join(shots, name) });
}

/** Scrolls an element to the top of the screen and takes a picture. */
async function shotOf(page, sel, name) {
  if (!shots) return;
  await page.$eval(sel, (e) => e.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(shots, name) });
}

// Offline on and off, by the DevTools protocol's network emulation, on the
// page and on every service worker (a new session each time: a page's
// renderer changes with some navigations, and a worker that stopped comes
// back as a new target). Asked again after each navigation.
async function emulate(target, offline) {
  const s = await target.createCDPSession();
  const timeout = new Promise((resolve) => setTimeout(resolve, 5000));
  const apply = (async () => {
    await s.send('Network.enable');
    await s.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  })().catch(() => {});
  await Promise.race([apply, timeout]);
}
async function network(page, offline) {
  unreachable = offline;
  const targets = [page.target(), ...browser.targets().filter((t) => t.type() === 'service_worker')];
  await Promise.all(targets.map((t) => emulate(t, offline)));
}
browser.on('targetcreated', (t) => {
  if (unreachable && t.type() === 'service_worker') emulate(t, true);
});

/** Wakes the worker (a stopped one has no target to emulate on). */
function wake(page) {
  return page.evaluate(() => Promise.race([
    navigator.serviceWorker.ready.then((r) => new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => resolve();
      r.active.postMessage({ type: 'status', list: '' }, [ch.port2]);
    })),
    new Promise((resolve) => setTimeout(resolve, 3000)),
  ])).catch(() => {});
}

/** Opens a page while offline. */
async function gotoOffline(page, url) {
  await wake(page);
  await network(page, true);
  const r = await page.goto(url, { waitUntil: 'load' });
  await network(page, true);
  return r;
}

const h1 = (page) => page.$eval('h1', (e) => e.textContent.trim());
const visible = (page, sel) => page.$eval(sel, (e) => !e.hidden && e.getClientRects().length > 0).catch(() => false);
const cacheState = (page) =>
  page.evaluate(async () => {
    const names = await caches.keys();
    const regs = await navigator.serviceWorker.getRegistrations();
    return { names, scopes: regs.map((r) => r.scope) };
  });

try {
  const A = await table(siteDir);
  const list = A.lists['parents-and-carers'];
  check(!!list, 'the site has a save list for parents and carers');
  const listUrls = list.files.map((i) => A.files[i][0]);
  console.log(`offline: save lists: ${Object.entries(A.lists).map(([id, l]) => `${id} ${l.files.length} files, ${l.pages} pages, ${l.bytes} bytes (${l.size})`).join('; ')}`);

  // ---------------------------------------------------------- first visit
  const page = await openPage();
  await page.goto(`${origin}/parents/`, { waitUntil: 'load' });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 20_000 });
  await page.waitForSelector('[data-wm-offline-save]:not([hidden])', { timeout: 20_000 });
  const offer = await page.$eval('[data-wm-offline-save]', (e) => ({
    text: e.textContent.replace(/\s+/g, ' '),
    bytes: Number(e.getAttribute('data-wm-bytes')),
    button: e.querySelector('[data-wm-save-button]').textContent,
    safety: e.querySelector('a[href*="#saved-pages"]')?.getAttribute('href'),
  }));
  check(offer.button === 'Save this guide on this phone', 'the family offer is "Save this guide on this phone"', offer.button);
  check(offer.text.includes(`Saving it downloads ${list.size}.`), 'the offer states the size before saving', offer.text);
  check(/leave a trace/.test(offer.text) && offer.safety === '/safety/#saved-pages', 'the offer says saved pages leave a trace and links to the safety page', `${offer.safety}`);
  check(offer.bytes === list.bytes, 'the offer is for the bytes of the list', `${offer.bytes} vs ${list.bytes}`);
  await axe(page, 'family page with the offer');
  // Chromium's own verdict on the manifest, icons and worker.
  const cdp = await page.target().createCDPSession();
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  check(installabilityErrors.length === 0, 'Chromium finds the site installable', JSON.stringify(installabilityErrors));
  const { url: manifestUrl, errors: manifestErrors } = await cdp.send('Page.getAppManifest');
  check(manifestUrl === `${origin}/manifest.webmanifest` && manifestErrors.length === 0, 'the manifest is read without errors', JSON.stringify(manifestErrors));
  await cdp.detach();
  await shotOf(page, '[data-wm-offline-save]', 'offline-offer-360.png');

  // ---------------------------------------------------------- save
  let total = 0;
  await page.exposeFunction('__wmProgress', (max) => { total = max; });
  await page.evaluate(() => {
    const bar = document.querySelector('[data-wm-offline-save] progress');
    new MutationObserver(() => window.__wmProgress(Number(bar.max))).observe(bar, { attributes: true });
  });
  await page.click('[data-wm-save-button]');
  await page.waitForSelector('[data-wm-save-result] [data-wm-say="done"]:not([hidden])', { timeout: 60_000 });
  const result = await page.$eval('[data-wm-save-result] [data-wm-say="done"]', (e) => e.textContent.replace(/\s+/g, ' ').trim());
  check(result.startsWith(`Saved on this phone: ${list.pages} pages for parents and carers, with the search and the date calculators (${list.size}).`), 'the result says what is saved', result);
  check(total === list.bytes, 'the progress bar counts the bytes the offer states', `${total} vs ${list.bytes}`);
  await shotOf(page, '[data-wm-offline-save]', 'offline-saved-360.png');

  const ok = served.filter((r) => r.status === 200 && r.p !== '/sw.js');
  const byPath = new Map(ok.map((r) => [r.p, r.bytes]));
  const fetched = [...byPath.values()].reduce((a, b) => a + b, 0);
  const missing = listUrls.filter((u) => !byPath.has(u));
  const extra = [...byPath.keys()].filter((u) => !listUrls.includes(u));
  check(missing.length === 0, 'every file of the list was downloaded', missing.join(', '));
  check(extra.length === 0, 'nothing outside the list was downloaded', extra.join(', '));
  check(fetched === list.bytes, 'the bytes downloaded equal the size the offer states', `${fetched} downloaded, ${list.bytes} stated (${list.size})`);
  console.log(`offline: saved the parents' guide: ${byPath.size} files, ${fetched} bytes downloaded in ${ok.length} answers; stated ${list.size}`);

  const cached = await page.evaluate(async () => {
    const out = [];
    for (const name of await caches.keys()) {
      const c = await caches.open(name);
      for (const req of await c.keys()) {
        const p = new URL(req.url).pathname;
        const body = await (await c.match(req)).arrayBuffer();
        out.push({ name, p, bytes: body.byteLength });
      }
    }
    return out;
  });
  const cacheNames = [...new Set(cached.map((c) => c.name))];
  check(cacheNames.length === 1 && cacheNames[0] === `${A.cache_prefix}${A.version}`, 'one cache, named by the build', cacheNames.join(', '));
  const inCache = new Map(cached.filter((c) => c.p !== '/sw.js').map((c) => [c.p, c.bytes]));
  check(listUrls.every((u) => inCache.has(u)), 'the cache holds every file of the list');
  const cachedBytes = listUrls.reduce((a, u) => a + (inCache.get(u) || 0), 0);
  check(cachedBytes === list.bytes, 'the cache holds the bytes the offer states', `${cachedBytes} vs ${list.bytes}`);
  console.log(`offline: cache ${cacheNames[0]}: ${inCache.size} files, ${[...inCache.values()].reduce((a, b) => a + b, 0)} bytes`);

  // ---------------------------------------------------------- offline
  await network(page, true);
  const before = served.length;
  const saved = ['/parents/who-will-be-there/', '/parents/the-register/', '/parents/if-you-disagree/'];
  for (const [n, url] of saved.entries()) {
    const r = await gotoOffline(page, origin + url);
    const want = /<h1[^>]*>([^<]*)<\/h1>/.exec(await readFile(path.join(siteDir, url, 'index.html'), 'utf8'))[1];
    check(r && r.ok() && (await h1(page)) === want, `offline: ${url} opens from the phone`, `${r && r.status()} ${await h1(page)}`);
    await page.waitForSelector('[data-wm-offline-notice]:not([hidden])', { timeout: 15_000 }).catch(() => {});
    const notice = await page.$eval('[data-wm-offline-notice]', (e) => (e.hidden ? '' : e.textContent.trim()));
    check(/^You are offline\. This is the version saved on \d{1,2} [A-Z][a-z]+ \d{4}\.$/.test(notice), `offline: ${url} shows the offline notice`, notice);
    if (n === 0) {
      console.log(`offline: notice: "${notice}"`);
      await axe(page, 'a saved page offline, with the notice');
      await shot(page, 'offline-notice-360.png');
    }
  }

  // Search, offline.
  await gotoOffline(page, `${origin}/search/`);
  await page.waitForSelector('#wm-search-input');
  await page.type('#wm-search-input', 'meeting');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-wm-search-status]');
    return s && s.textContent && !s.textContent.startsWith('Searching');
  }, { timeout: 20_000 }).catch(() => {});
  const found = await page.$$eval('.wm-search-result', (l) => l.length);
  const status = await page.$eval('[data-wm-search-status]', (e) => e.textContent);
  check(found > 0, 'offline: a search for "meeting" gives results', status);
  console.log(`offline: search offline: ${status}`);

  // A calculator, offline, against waymark dates.
  await gotoOffline(page, `${origin}/parents/the-register/`);
  await page.waitForFunction(() => document.documentElement.dataset.wmCalculators === 'ready', { timeout: 15_000 }).catch(() => {});
  const calc = await page.evaluate(() => {
    const section = document.querySelector('section[data-wm-calculator]');
    const form = section.querySelector('form');
    const events = [...form.querySelectorAll('fieldset[data-wm-event]')].map((f) => f.dataset.wmEvent);
    for (const fs of form.querySelectorAll('fieldset[data-wm-event]')) {
      fs.querySelector('[data-wm-part="day"]').value = '3';
      fs.querySelector('[data-wm-part="month"]').value = '12';
      fs.querySelector('[data-wm-part="year"]').value = '2026';
    }
    form.querySelector('button[type="submit"]').click();
    const rows = [...section.querySelectorAll('[role="status"] [data-wm-timescale]')].map((r) => ({
      id: r.dataset.wmTimescale,
      dates: [...r.querySelectorAll('[data-wm-iso]')].map((n) => n.dataset.wmIso),
    }));
    return { events, rows, series: Number(section.dataset.wmSeries) };
  });
  check(calc.rows.length > 0, 'offline: the calculator gives dates', JSON.stringify(calc));
  for (const row of calc.rows) {
    const args = ['dates', '--rules', path.join(siteRoot, 'content/rules.yaml')];
    if (row.dates.length > 1) args.push('--count', String(row.dates.length));
    args.push(row.id, '2026-12-03');
    for (const e of calc.events) args.push('--event', `${e}=2026-12-03`);
    const { stdout } = await run(waymark, args);
    const want = stdout.trim().split('\n');
    check(JSON.stringify(row.dates) === JSON.stringify(want), `offline: calculator ${row.id} gives the dates of waymark dates`, `${row.dates} vs ${want}`);
  }

  // A page that is not saved.
  const unsaved = '/procedures/core-groups/';
  await gotoOffline(page, origin + unsaved);
  check(page.url() === origin + unsaved, 'offline: the address stays the one asked for', page.url());
  check((await h1(page)) === 'Saved pages', 'offline: a page that is not saved gives the offline page', await h1(page));
  await page.waitForSelector('[data-wm-saved-result] [data-wm-say="some"]:not([hidden])', { timeout: 10_000 }).catch(() => {});
  const listed = await page.$$eval('[data-wm-saved-list] a', (l) => l.map((a) => a.getAttribute('href')));
  check(saved.every((u) => listed.includes(u)) && !listed.includes(unsaved), 'offline: the offline page lists the saved pages', `${listed.length} listed`);
  console.log(`offline: the offline page lists ${listed.length} saved pages`);
  await axe(page, 'the offline page');
  await shot(page, 'offline-page-360.png');

  // Exit this page, offline: the site goes away.
  await gotoOffline(page, `${origin}/parents/who-will-be-there/`);
  await Promise.all([page.waitForNavigation({ timeout: 10_000 }).catch(() => {}), page.click('.wm-exit__button')]);
  check(!page.url().startsWith(origin), 'offline: Exit this page leaves the site', page.url());
  check(served.length === before, 'offline: nothing was downloaded', served.slice(before).map((r) => r.p).join(', '));
  // Requests the emulation did not stop reached a server that refused them:
  // the browser's own checks for a new sw.js and manifest, and, now and then,
  // a worker that restarted before the emulation reached its new target.
  const tried = refused.filter((p) => !/^\/(sw\.js|manifest\.webmanifest)$/.test(p.split('?')[0]));
  if (tried.length) console.log(`offline: a restarted worker tried ${tried.length} time(s) before the emulation reached it (refused): ${tried.join(', ')}`);
  console.log(`offline: while offline, the browser itself tried ${refused.length} times (${[...new Set(refused)].join(', ')})`);

  // ---------------------------------------------------------- a new build
  const src = path.join(tmp, 'src');
  await mkdir(src);
  for (const f of ['site.toml', 'content', 'themes', 'i18n']) await cp(path.join(siteRoot, f), path.join(src, f), { recursive: true });
  // Past editions need the git history, which the copy lacks.
  const toml = (await readFile(path.join(src, 'site.toml'), 'utf8')).replace(/\[\[editions\]\][^[]*/g, '');
  await writeFile(path.join(src, 'site.toml'), toml);
  const changed = path.join(src, 'content/parents/who-will-be-there.md');
  const NEW = 'This sentence is new in the second build.';
  await writeFile(changed, `${await readFile(changed, 'utf8')}\n${NEW}\n`);
  await run(waymark, ['build', '--root', src, '--out', path.join(tmp, 'B')]);
  const B = await table(path.join(tmp, 'B'));
  check(B.version !== A.version, 'the second build has a new version', B.version);

  await gotoOffline(page, `${origin}/parents/who-will-be-there/`);
  const oldText = await page.$eval('main', (e) => e.textContent);
  check(!oldText.includes(NEW), 'offline: the saved page has the old text');
  live = path.join(tmp, 'B');
  await network(page, false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.waitForSelector('[data-wm-update]:not([hidden])', { timeout: 60_000 }).catch(() => {});
  check(await visible(page, '[data-wm-update]'), 'back online: the update banner shows');
  const bannerText = await page.$eval('[data-wm-update] p', (e) => e.textContent.trim());
  check(bannerText === 'A newer version is available: reload', 'the banner says "A newer version is available: reload"', bannerText);
  await new Promise((r) => setTimeout(r, 1500));
  check(!(await page.$eval('main', (e) => e.textContent)).includes(NEW), 'the page does not reload by itself');
  await axe(page, 'a page with the update banner');
  await shot(page, 'offline-update-banner-360.png');
  await Promise.all([page.waitForNavigation({ timeout: 20_000 }), page.click('[data-wm-update-reload]')]);
  check((await page.$eval('main', (e) => e.textContent)).includes(NEW), 'after reload: the new text');
  await page.waitForFunction((v) => caches.keys().then((k) => k.length === 1 && k[0].endsWith(v)), { timeout: 20_000 }, B.version).catch(() => {});
  const afterUpdate = await cacheState(page);
  check(afterUpdate.names.length === 1 && afterUpdate.names[0] === `${B.cache_prefix}${B.version}`, 'after the update: only the new build\'s cache', afterUpdate.names.join(', '));
  // The new build kept the saved guide: offline again, another saved page opens.
  const r2 = await gotoOffline(page, `${origin}/parents/the-register/`);
  check(r2 && r2.ok() && (await h1(page)) !== 'Saved pages', 'after the update: the saved guide is still saved (offline)');
  await network(page, false);

  // ---------------------------------------------------------- remove
  await page.goto(`${origin}/parents/`, { waitUntil: 'load' });
  await page.waitForSelector('.wm-footer [data-wm-offline-remove]:not([hidden])', { timeout: 10_000 });
  await page.click('.wm-footer [data-wm-offline-remove] button');
  await page.waitForSelector('.wm-footer [data-wm-remove-result] [data-wm-say="done"]:not([hidden])', { timeout: 10_000 }).catch(() => {});
  const gone = await cacheState(page);
  check(gone.names.length === 0, 'Remove saved pages: no cache left', gone.names.join(', '));
  check(gone.scopes.length === 0, 'Remove saved pages: no worker registered', gone.scopes.join(', '));
  await shotOf(page, '.wm-footer [data-wm-offline-remove]', 'offline-removed-360.png');
  await page.close();

  // ---------------------------------------------------------- the safety page
  const safety = await openPage();
  await safety.goto(`${origin}/safety/`, { waitUntil: 'load' });
  await safety.waitForSelector('#saved-pages');
  await safety.waitForSelector('.wm-offline-safety [data-wm-offline-remove]:not([hidden])', { timeout: 10_000 }).catch(() => {});
  check(await visible(safety, '.wm-offline-safety [data-wm-offline-remove] button'), 'the safety page has the remove button');
  await safety.close();

  // ---------------------------------------------------------- turned off
  const off = path.join(tmp, 'off');
  await writeFile(path.join(src, 'site.toml'), toml.replace('enabled = true', 'enabled = false'));
  await run(waymark, ['build', '--root', src, '--out', off]);
  live = off;
  const plain = await openPage();
  await plain.goto(`${origin}/parents/`, { waitUntil: 'load' });
  // A worker left by an earlier build is replaced by one that removes itself.
  // (It reloads the tab once it is gone: ask until the page answers.)
  await plain.waitForFunction(() => navigator.serviceWorker.getRegistrations().then((r) => r.length === 0), { timeout: 20_000 }).catch(() => {});
  await new Promise((r) => setTimeout(r, 1000));
  const offState = await plain.evaluate(async () => ({
    regs: (await navigator.serviceWorker.getRegistrations()).length,
    caches: (await caches.keys()).length,
    manifest: !!document.querySelector('link[rel=manifest]'),
    offer: !!document.querySelector('[data-wm-offline-save]'),
  }));
  const remover = /unregister/.test(await readFile(path.join(off, 'sw.js'), 'utf8')) && !(await readFile(path.join(off, 'sw.js'), 'utf8')).includes('WAYMARK');
  const manifestFile = await readFile(path.join(off, 'manifest.webmanifest')).then(() => true, () => false);
  check(remover && !manifestFile && !offState.manifest && !offState.offer, '[offline] enabled = false: no manifest or offer, and sw.js only removes itself', JSON.stringify({ remover, manifestFile, ...offState }));
  check(offState.regs === 0 && offState.caches === 0, '[offline] enabled = false: the worker an earlier build left is gone, with its caches', JSON.stringify(offState));
  await plain.close();

  // ---------------------------------------------------------- a base path
  const cpOut = path.join(tmp, 'cp-root');
  await writeFile(path.join(src, 'site.toml'), toml);
  await run(waymark, ['build', '--root', src, '--out', path.join(cpOut, 'cp'), '--base-url', `${origin}/cp/`]);
  live = cpOut;
  const cpPage = await openPage();
  await cpPage.goto(`${origin}/cp/parents/`, { waitUntil: 'load' });
  await cpPage.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 20_000 }).catch(() => {});
  const cpState = await cacheState(cpPage);
  const controller = await cpPage.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
  check(cpState.scopes.includes(`${origin}/cp/`) && controller === `${origin}/cp/sw.js`, 'under /cp/: the worker is /cp/sw.js with the scope /cp/', `${cpState.scopes.join(', ')} ${controller}`);
  const manifest = JSON.parse(await readFile(path.join(cpOut, 'cp/manifest.webmanifest'), 'utf8'));
  check(manifest.start_url === '/cp/' && manifest.scope === '/cp/', 'under /cp/: the manifest starts and is scoped at /cp/', `${manifest.start_url} ${manifest.scope}`);
  await cpPage.waitForSelector('[data-wm-offline-save]:not([hidden])', { timeout: 20_000 });
  await cpPage.click('[data-wm-save-button]');
  await cpPage.waitForSelector('[data-wm-save-result] [data-wm-say="done"]:not([hidden])', { timeout: 60_000 }).catch(() => {});
  const r3 = await gotoOffline(cpPage, `${origin}/cp/parents/the-register/`);
  check(r3 && r3.ok() && (await h1(cpPage)) !== 'Saved pages', 'under /cp/: a saved page opens offline', `${r3 && r3.status()} ${await h1(cpPage)}`);
  const r4 = await gotoOffline(cpPage, `${origin}/cp/procedures/cppm/`);
  check(r4 && (await h1(cpPage)) === 'Saved pages', 'under /cp/: a page that is not saved gives the offline page');
  await network(cpPage, false);
  await cpPage.close();

  check(problems.length === 0, 'no console error, exception, CSP report or request to another host', [...new Set(problems)].join('\n  '));
} catch (err) {
  check(false, 'the test ran to the end', err.stack);
} finally {
  await close();
  await stop();
  await rm(tmp, { recursive: true, force: true });
}
finish();

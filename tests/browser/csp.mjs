// The site's Content-Security-Policy, in Chromium, as the last line of
// defence: a page of the built site is copied with what waymark's raw-HTML
// check refuses put back in on purpose (as if the check had missed it), and
// the browser must refuse every piece of it:
//
// - a `javascript:` link, clicked, and one written with a character reference;
// - an inline <script> and an inline event handler;
// - an image and a stylesheet from another host;
// - an inline style attribute.
//
// Nothing of it may run or load, each must be reported as a policy
// violation, and the theme's own scripts must still run.
//
// Usage: node csp.mjs <built site>

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { serve, launch, tally, htmlFiles } from './lib.mjs';

const [site] = process.argv.slice(2);
if (!site) {
  console.error('usage: node csp.mjs <built site>');
  process.exit(2);
}

const t = tally('csp');
const fixtureDir = path.join(site, '__csp-fixture');
await mkdir(fixtureDir, { recursive: true });
// A page for families: it carries "Exit this page", whose script must still run.
let home = null;
for (const f of await htmlFiles(site)) {
  const html = await readFile(path.join(site, f), 'utf8');
  if (html.includes('data-wm-exit') && html.includes('</main>')) {
    home = html;
    break;
  }
}
if (!home) {
  console.error('csp: no page with "Exit this page" in the built site');
  process.exit(1);
}
t.check(home.includes('http-equiv="Content-Security-Policy"'), 'the page carries the policy in a <meta>');

// What the check would refuse, left in on purpose.
const hostile = `
<p><a id="js-link" href="javascript:void(window.__pwned='link')">a javascript: link</a></p>
<p><a id="js-ref-link" href="&#106;avascript&colon;void(window.__pwned='ref')">a javascript: link behind references</a></p>
<script>window.__pwned = 'inline script';</script>
<p><button id="handler" onclick="window.__pwned='handler'">an event handler</button></p>
<img id="tracker" alt="" src="https://tracker.example/pixel.png">
<link rel="stylesheet" href="https://tracker.example/style.css">
<p id="styled" style="color: rgb(255, 0, 0)">inline style</p>
`;
const at = home.indexOf('</main>');
t.check(at > 0, 'the page has a <main>');
await writeFile(path.join(fixtureDir, 'index.html'), home.slice(0, at) + hostile + home.slice(at));

const { origin, close: stop } = await serve(site);
const { browser, close } = await launch();
try {
  const page = await browser.newPage();
  // Listens for violations from the start, outside the page's own scripts
  // (DevTools scripts are not subject to the page's policy).
  await page.evaluateOnNewDocument(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`);
    });
  });
  // Requests for other hosts: each must be blocked by the policy before it
  // leaves the browser (the DevTools protocol says why a load failed).
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  const urls = new Map();
  const otherHosts = [];
  const blocked = new Set();
  const other = (url) => {
    const u = new URL(url);
    return u.origin !== origin && (u.protocol === 'http:' || u.protocol === 'https:');
  };
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.responseReceived', (e) => other(e.response.url) && otherHosts.push(e.response.url));
  cdp.on('Network.loadingFailed', (e) => {
    const url = urls.get(e.requestId) ?? '';
    if (!other(url)) return;
    if (e.blockedReason === 'csp') blocked.add(url);
    else otherHosts.push(`${url} (${e.errorText})`);
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${origin}/__csp-fixture/`, { waitUntil: 'load' });

  for (const id of ['#js-link', '#js-ref-link', '#handler']) {
    try {
      await page.click(id);
    } catch (err) {
      t.check(false, `clicking ${id} leaves the page in place`, err.message);
    }
  }
  await new Promise((r) => setTimeout(r, 300));

  const state = await page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    url: location.pathname,
    violations: window.__violations,
    color: getComputedStyle(document.getElementById('styled')).color,
    tracker: document.getElementById('tracker').naturalWidth,
    // The theme's "Exit this page" script adds its progress dots when it runs.
    themeRan: document.querySelector('.wm-exit__indicator') !== null,
  }));

  t.check(state.pwned === null, 'no hostile script ran', String(state.pwned));
  t.check(state.url === '/__csp-fixture/', 'the javascript: links did not navigate', state.url);
  const v = state.violations.join('\n');
  t.check(state.violations.filter((x) => x.startsWith('script-src') && x.endsWith(' inline')).length >= 3,
    'the inline script, the handler and the javascript: links are each reported', v);
  t.check(state.violations.some((x) => x.startsWith('img-src') && x.includes('tracker.example')), 'the image from another host is refused', v);
  t.check(state.violations.some((x) => x.startsWith('style-src') && x.includes('tracker.example')), 'the stylesheet from another host is refused', v);
  t.check(state.violations.some((x) => x.startsWith('style-src') && x.endsWith(' inline')), 'the inline style is refused', v);
  t.check(state.color !== 'rgb(255, 0, 0)', 'the inline style did not apply', state.color);
  t.check(state.tracker === 0, 'the tracking pixel did not load');
  t.check(otherHosts.length === 0, 'no request left for any other host', otherHosts.join(' '));
  t.check(blocked.size === 2, 'the image and the stylesheet were blocked by the policy', [...blocked].join(' '));
  t.check(state.themeRan, "the theme's own script still ran");
  t.check(errors.length === 0, 'no script errors', errors.join('\n'));
} finally {
  await close();
  await stop();
}
t.finish();

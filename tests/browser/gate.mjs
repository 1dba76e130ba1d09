#!/usr/bin/env node
// The browser gate: every .html page of a built site, opened in Debian
// Chromium at 1280 px and 360 px, must have
//   - zero axe-core violations (tags wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa),
//   - no console error, uncaught exception or Content-Security-Policy violation,
//   - no request to any host but 127.0.0.1 (such requests are aborted),
//   - no subresource (CSS, JS, images, wasm, ...) answered with status >= 400,
//     and no image that cannot be decoded,
//   - no sideways scrolling at 360 px (WCAG 1.4.10 reflow),
// and the Nu HTML Checker must report zero errors for it.
//
// Usage: node gate.mjs SITE_DIR [--only PATH ...]
//   --only PATH   check only the page(s) at these URL paths (e.g. /procedures/cppm/)
// Prints a summary per page and ends with `browser gate: N passed, M failed`
// (pages); exits 1 if any page failed, 2 if the gate could not run.
//
// axe-core is evaluated over the DevTools protocol, which the page's CSP does
// not govern, so the page keeps its real CSP while it is checked: a CSP
// violation is never hidden by bypassing it.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { AXE_TAGS, HEIGHTS, WIDTHS, axeSource, htmlFiles, launch, serve, urlPathFor } from './lib.mjs';

const require = createRequire(import.meta.url);
const NOT_FOUND_PATH = '/waymark-browser-gate/missing-page/';
const CONCURRENCY = 2;
const NAV_TIMEOUT = 30_000;

function usage(msg) {
  if (msg) console.error(`browser gate: ${msg}`);
  console.error('usage: node gate.mjs SITE_DIR [--only URL_PATH ...]');
  process.exit(2);
}

const argv = process.argv.slice(2);
let site = null;
const only = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--only') {
    if (i + 1 >= argv.length) usage('--only needs a URL path');
    only.push(argv[++i]);
  } else if (argv[i] === '-h' || argv[i] === '--help') usage();
  else if (argv[i].startsWith('-')) usage(`unknown option ${argv[i]}`);
  else if (site === null) site = argv[i];
  else usage(`unexpected argument ${argv[i]}`);
}
if (!site) usage('no site folder given');
site = path.resolve(site);
try {
  if (!(await stat(site)).isDirectory()) usage(`${site} is not a folder`);
} catch {
  usage(`${site} does not exist`);
}

// ---------------------------------------------------------------- Nu HTML Checker

function runVnu(root) {
  const jar = String(require('vnu-jar'));
  const args = ['-jar', jar, '--errors-only', '--skip-non-html', '--format', 'json', root];
  return new Promise((resolve) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => resolve({ ok: false, reason: `could not start java: ${e.message}`, messages: [] }));
    child.on('close', (code) => {
      // With --format json the report goes to stderr.
      const text = (err.trim() || out.trim());
      let report;
      try {
        report = JSON.parse(text);
      } catch {
        resolve({ ok: false, reason: `vnu exited ${code} without a JSON report:\n${text}`, messages: [] });
        return;
      }
      const messages = (report.messages || []).filter(
        (m) => m.type === 'error' || (m.type === 'non-document-error') || m.subType === 'fatal',
      );
      resolve({ ok: true, code, messages });
    });
  });
}

function vnuFile(m) {
  if (!m.url) return null;
  try {
    return path.relative(site, new URL(m.url).pathname).split(path.sep).join('/');
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- one page, one width


async function checkAt(browser, origin, entry, width) {
  const findings = [];
  const aborted = new Set();
  const page = await browser.newPage();
  const pageUrl = origin + entry.urlPath;
  try {
    await page.setViewport({ width, height: HEIGHTS[width] });
    await page.setCacheEnabled(false);
    // Every page as the server sends it: the site's offline worker (which
    // registers itself on the first page) would otherwise answer later
    // pages from its cache. offline.mjs tests the worker.
    await page.setBypassServiceWorker(true);

    // CSP violations, reported by the page itself as well as by the console.
    await page.exposeFunction('__waymarkCsp', (v) => {
      findings.push({
        kind: 'csp',
        id: `csp:${v.directive}`,
        impact: 'serious',
        help: `Content-Security-Policy blocked ${v.blocked || 'inline content'} (${v.directive})`,
        target: v.source || '',
      });
    });
    await page.evaluateOnNewDocument(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__waymarkCsp({
          directive: e.effectiveDirective || e.violatedDirective,
          blocked: e.blockedURI,
          source: e.sourceFile ? `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}` : '',
        });
      });
    });

    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const loc = msg.location() || {};
      // A request the gate aborted is reported once, as external-request.
      if (aborted.has(loc.url) && /ERR_BLOCKED_BY_CLIENT/.test(msg.text())) return;
      // The 404 page's own document is meant to answer 404.
      if (entry.expectStatus === 404 && loc.url === pageUrl && /status of 404/.test(msg.text())) return;
      findings.push({
        kind: 'console',
        id: 'console-error',
        impact: 'serious',
        help: msg.text(),
        target: loc.url ? `${loc.url}${loc.lineNumber != null ? ':' + (loc.lineNumber + 1) : ''}` : '',
      });
    });
    page.on('pageerror', (err) => {
      findings.push({ kind: 'pageerror', id: 'uncaught-exception', impact: 'serious', help: String(err && err.message ? err.message : err), target: '' });
    });

    await page.setRequestInterception(true);
    page.on('request', (req) => {
      if (req.isInterceptResolutionHandled()) return;
      const u = req.url();
      let host = null;
      try {
        const parsed = new URL(u);
        if (parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.protocol === 'about:') {
          req.continue();
          return;
        }
        host = parsed.hostname;
      } catch {
        /* unparsable: treat as foreign */
      }
      if (host === '127.0.0.1') {
        req.continue();
        return;
      }
      findings.push({
        kind: 'request',
        id: 'external-request',
        impact: 'serious',
        help: `request to a host other than 127.0.0.1 (${req.resourceType()}), aborted`,
        target: u,
      });
      aborted.add(u);
      req.abort('blockedbyclient');
    });
    page.on('response', (res) => {
      const req = res.request();
      if (req.isNavigationRequest() && req.frame() === page.mainFrame()) return;
      if (res.status() >= 400) {
        findings.push({
          kind: 'http',
          id: `http-${res.status()}`,
          impact: 'serious',
          help: `${req.resourceType()} answered ${res.status()}`,
          target: res.url(),
        });
      }
    });
    page.on('requestfailed', (req) => {
      const f = req.failure();
      if (f && f.errorText.startsWith('net::ERR_BLOCKED_BY_CLIENT')) return; // recorded above
      findings.push({ kind: 'http', id: 'request-failed', impact: 'serious', help: `${req.resourceType()} failed: ${f ? f.errorText : '?'}`, target: req.url() });
    });

    const res = await page.goto(pageUrl, { waitUntil: 'networkidle0', timeout: NAV_TIMEOUT });
    const status = res ? res.status() : 0;
    if (status !== entry.expectStatus) {
      findings.push({ kind: 'http', id: `document-status-${status}`, impact: 'serious', help: `the page answered ${status}, expected ${entry.expectStatus}`, target: pageUrl });
    }

    // Images that loaded but could not be shown (a broken or truncated file).
    const broken = await page.evaluate(() =>
      [...document.images].filter((img) => img.complete && img.currentSrc && img.naturalWidth === 0).map((img) => img.currentSrc),
    );
    for (const src of broken) {
      findings.push({ kind: 'http', id: 'broken-image', impact: 'serious', help: 'image could not be decoded', target: src });
    }

    await page.evaluate(await axeSource());
    const result = await page.evaluate(
      (tags) =>
        window.axe
          .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] })
          .then((r) => ({
            violations: r.violations.map((v) => ({
              id: v.id,
              impact: v.impact,
              help: v.help,
              helpUrl: v.helpUrl,
              nodes: v.nodes.length,
              target: v.nodes[0] ? v.nodes[0].target.join(' ') : '',
              summary: v.nodes[0] ? v.nodes[0].failureSummary : '',
            })),
            incomplete: r.incomplete.map((v) => v.id),
          })),
      AXE_TAGS,
    );
    for (const v of result.violations) findings.push({ kind: 'axe', ...v });

    if (width === 360) {
      const overflow = await page.evaluate(() => {
        const doc = document.documentElement;
        if (doc.scrollWidth <= doc.clientWidth) return null;
        // The widest element that sticks out, to say where.
        let worst = null;
        for (const el of document.body.querySelectorAll('*')) {
          const r = el.getBoundingClientRect();
          if (r.right > doc.clientWidth + 1 && (!worst || r.right > worst.right)) {
            worst = { right: Math.round(r.right), sel: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') };
          }
        }
        return { scroll: doc.scrollWidth, client: doc.clientWidth, worst };
      });
      if (overflow) {
        findings.push({
          kind: 'reflow',
          id: 'reflow-1.4.10',
          impact: 'serious',
          help: `page scrolls sideways at 360 px (content ${overflow.scroll} px wide)`,
          target: overflow.worst ? `${overflow.worst.sel} (right edge ${overflow.worst.right} px)` : '',
        });
      }
    }
    return { findings, incomplete: result.incomplete };
  } catch (err) {
    findings.push({ kind: 'gate', id: 'gate-error', impact: 'serious', help: `could not check the page: ${err.message}`, target: '' });
    return { findings, incomplete: [] };
  } finally {
    await page.close().catch(() => {});
  }
}

// ---------------------------------------------------------------- main

const files = await htmlFiles(site);
let entries = files.map((file) =>
  file === '404.html'
    ? { file, urlPath: NOT_FOUND_PATH, expectStatus: 404 }
    : { file, urlPath: urlPathFor(file), expectStatus: 200 },
);
if (only.length) {
  entries = entries.filter((e) => only.includes(e.urlPath) || only.includes('/' + e.file));
  if (!entries.length) usage(`no page at ${only.join(', ')}`);
}
if (!entries.length) usage(`no .html pages in ${site}`);

console.log(`browser gate: ${entries.length} page(s) in ${site}`);
const vnuRun = runVnu(site);

let srv;
let chromium;
try {
  srv = await serve(site);
  chromium = await launch();
} catch (err) {
  console.error(`browser gate: could not start: ${err.message}`);
  if (srv) await srv.close();
  console.log(`browser gate: 0 passed, ${entries.length} failed`);
  process.exit(2);
}
console.log(`browser gate: serving on ${srv.origin}; ${await chromium.browser.version()}; axe-core ${require('axe-core/package.json').version}`);

const results = new Map(entries.map((e) => [e.file, { entry: e, findings: [], incomplete: new Set() }]));
const queue = entries.flatMap((e) => WIDTHS.map((w) => ({ e, w })));
async function worker() {
  for (;;) {
    const job = queue.shift();
    if (!job) return;
    const { findings, incomplete } = await checkAt(chromium.browser, srv.origin, job.e, job.w);
    const r = results.get(job.e.file);
    for (const f of findings) r.findings.push({ ...f, width: job.w, url: srv.origin + job.e.urlPath });
    for (const i of incomplete) r.incomplete.add(i);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
await chromium.close();
await srv.close();

const vnu = await vnuRun;
if (!vnu.ok) {
  for (const r of results.values())
    r.findings.push({ kind: 'vnu', id: 'vnu-did-not-run', impact: 'serious', help: vnu.reason, target: '', url: r.entry.file });
} else {
  for (const m of vnu.messages) {
    const file = vnuFile(m);
    const r = results.get(file);
    const where = `${file || m.url || '?'}:${m.lastLine ?? m.firstLine ?? '?'}:${m.firstColumn ?? '?'}`;
    const finding = { kind: 'vnu', id: 'html-error', impact: 'error', help: m.message, target: (m.extract || '').replace(/\s+/g, ' ').trim(), url: where };
    if (r) r.findings.push(finding);
    else if (!only.length) {
      // An error in a file that is not one of the pages (should not happen).
      const first = results.values().next().value;
      first.findings.push(finding);
    }
  }
}

// ---------------------------------------------------------------- report

let passed = 0;
let failed = 0;
const dedupe = (fs) => {
  // The same finding at both widths is reported once, with both widths.
  const byKey = new Map();
  for (const f of fs) {
    const key = [f.kind, f.id, f.help, f.target, f.kind === 'vnu' ? f.url : ''].join('\u0000');
    const prev = byKey.get(key);
    if (prev) {
      if (f.width && !prev.widths.includes(f.width)) prev.widths.push(f.width);
    } else byKey.set(key, { ...f, widths: f.width ? [f.width] : [] });
  }
  return [...byKey.values()];
};

const failures = [];
for (const r of results.values()) {
  const fs = dedupe(r.findings);
  const axeN = fs.filter((f) => f.kind === 'axe').length;
  const vnuN = fs.filter((f) => f.kind === 'vnu').length;
  const otherN = fs.length - axeN - vnuN;
  const incomplete = r.incomplete.size ? `; axe needs review: ${[...r.incomplete].sort().join(', ')}` : '';
  const label = r.entry.file === '404.html' ? `${r.entry.urlPath} (404.html)` : r.entry.urlPath;
  if (fs.length === 0) {
    passed++;
    console.log(`ok   ${label}${incomplete}`);
  } else {
    failed++;
    console.log(`FAIL ${label}: ${axeN} axe, ${vnuN} HTML, ${otherN} other${incomplete}`);
    failures.push({ label, fs });
  }
}

if (failures.length) {
  console.log('\nfindings:');
  for (const { label, fs } of failures) {
    console.log(`\n${label}`);
    for (const f of fs) {
      const widths = f.widths.length ? ` @${f.widths.sort((a, b) => b - a).join('/')}px` : '';
      console.log(`  - [${f.kind}] ${f.id} (${f.impact})${widths}: ${f.help}`);
      if (f.target) console.log(`      at: ${f.target}`);
      if (f.url) console.log(`      page: ${f.url}`);
      if (f.nodes > 1) console.log(`      (${f.nodes} elements; first shown)`);
      if (f.helpUrl) console.log(`      see: ${f.helpUrl}`);
    }
  }
  console.log('');
}

if (vnu.ok) {
  const counted = only.length ? vnu.messages.filter((m) => results.has(vnuFile(m))).length : vnu.messages.length;
  console.log(`Nu HTML Checker: ${counted} error(s)${only.length ? ' in the pages checked' : ''}`);
}
console.log(`browser gate: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

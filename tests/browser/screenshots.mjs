#!/usr/bin/env node
// Full-page screenshots of a built site at 360 px and 1280 px, for people to
// look at. Not part of the gate's pass/fail.
//
// Usage: node screenshots.mjs SITE_DIR OUT_DIR [URL_PATH ...]
//   URL_PATH  pages to take, e.g. / /procedures/cppm/ /no-such-page/ (default: every page)
// Files are named after the path and width: procedures-cppm-360.png, home-1280.png.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { HEIGHTS, WIDTHS, htmlFiles, launch, serve, urlPathFor } from './lib.mjs';

const [siteArg, outArg, ...paths] = process.argv.slice(2);
if (!siteArg || !outArg || siteArg.startsWith('-')) {
  console.error('usage: node screenshots.mjs SITE_DIR OUT_DIR [URL_PATH ...]');
  process.exit(2);
}
const site = path.resolve(siteArg);
const out = path.resolve(outArg);
if (!(await stat(site).catch(() => null))?.isDirectory()) {
  console.error(`screenshots: ${site} is not a folder`);
  process.exit(2);
}
await mkdir(out, { recursive: true });

const targets = paths.length
  ? paths.map((p) => (p.startsWith('/') ? p : '/' + p))
  : (await htmlFiles(site)).filter((f) => f !== '404.html').map(urlPathFor);

const nameFor = (p) => p.replace(/^\/+|\/+$/g, '').replace(/\/index\.html$|\.html$/, '').replace(/[^A-Za-z0-9._-]+/g, '-') || 'home';

const srv = await serve(site);
const chromium = await launch();
let failures = 0;
try {
  for (const p of targets) {
    for (const width of WIDTHS) {
      const page = await chromium.browser.newPage();
      try {
        await page.setViewport({ width, height: HEIGHTS[width] });
        // Nothing leaves the machine, even for a screenshot.
        await page.setRequestInterception(true);
        page.on('request', (req) => {
          let host = null;
          try {
            const u = new URL(req.url());
            host = u.protocol === 'data:' || u.protocol === 'blob:' ? '127.0.0.1' : u.hostname;
          } catch {}
          if (host === '127.0.0.1') req.continue();
          else req.abort('blockedbyclient');
        });
        const res = await page.goto(srv.origin + p, { waitUntil: 'networkidle0', timeout: 30_000 });
        const file = path.join(out, `${nameFor(p)}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`${file} (${res ? res.status() : '?'})`);
      } catch (err) {
        failures++;
        console.error(`screenshots: ${p} at ${width}px: ${err.message}`);
      } finally {
        await page.close().catch(() => {});
      }
    }
  }
} finally {
  await chromium.close();
  await srv.close();
}
process.exit(failures ? 1 : 0);

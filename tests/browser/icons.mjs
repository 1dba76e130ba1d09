// Draws the theme's PNG icons from its hand-drawn SVG, once, with headless
// Chromium: `node icons.mjs` (from tests/browser/) rewrites
// themes/default/static/images/icon-{180,192,512}.png. The PNGs are
// committed, so a build needs no rasteriser; run this again after changing
// icon.svg, and look at the results.
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM, CHROMIUM_FLAGS } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const images = path.join(here, '../../themes/default/static/images');
const svg = await readFile(path.join(images, 'icon.svg'), 'utf8');
const profile = await mkdtemp(path.join(tmpdir(), 'waymark-icons-'));
const browser = await puppeteer.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`], headless: true });
try {
  const page = await browser.newPage();
  for (const size of [180, 192, 512]) {
    await page.setViewport({ width: size, height: size, deviceScaleFactor: 1 });
    const sized = svg.replace('width="512" height="512"', `width="${size}" height="${size}"`);
    await page.setContent(`<!doctype html><html><body style="margin:0">${sized}</body></html>`);
    const png = await page.screenshot({ clip: { x: 0, y: 0, width: size, height: size } });
    await writeFile(path.join(images, `icon-${size}.png`), png);
    console.log(`icon-${size}.png: ${png.length} bytes`);
  }
} finally {
  await browser.close();
  await rm(profile, { recursive: true, force: true });
}

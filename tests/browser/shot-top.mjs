import { serve, launch } from './lib.mjs';
const [site, out, ...specs] = process.argv.slice(2);
const { origin, close: stop } = await serve(site);
const { browser, close } = await launch();
for (const spec of specs) {
  const [p, w, js, click] = spec.split('@');
  const page = await browser.newPage();
  if (js === 'nojs') await page.setJavaScriptEnabled(false);
  await page.setViewport({ width: Number(w), height: Number(w) > 400 ? 800 : 740 });
  await page.goto(origin + p, { waitUntil: 'networkidle0' });
  if (click) { await page.click(`a[data-wm-audience="${click}"]`); }
  await page.evaluate(() => document.querySelector('[data-wm-resources-filter]')?.scrollIntoView());
  await page.screenshot({ path: `${out}/${p.replace(/\//g, '_')}-${w}-${js || 'js'}-${click || ''}.png` });
  await page.close();
}
await close(); await stop();

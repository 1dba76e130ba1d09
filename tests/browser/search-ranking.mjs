// Search results must not change when the index is built another way.
//
//   node search-ranking.mjs SITE_DIR [--update]
//
// Runs a fixed list of queries (with and without the audience filter)
// through Pagefind's own search API in Chromium, on the built shipped site,
// and compares each query's result pages, in order, with
// search-ranking.json. A change to how waymark builds the index (parallel
// parsing, another compression level) must leave every list as it is. A
// change to the shipped content changes results on purpose: rebuild the
// site and run with --update, then review the difference in git.
import { readFile, writeFile } from 'node:fs/promises';
import { serve, launch, tally } from './lib.mjs';

const [site, flag] = process.argv.slice(2);
if (!site) {
  console.error('usage: node search-ranking.mjs SITE_DIR [--update]');
  process.exit(2);
}
const EXPECTED = new URL('./search-ranking.json', import.meta.url);

const QUERIES = [
  'core group', 'chronology', 'register', 'review meeting', 'transfer', 'interim safety plan',
  'advocate', 'reports', 'pre-birth', 'parental resistance', 'social worker', 'meeting',
  'timescales', 'disagree', 'plan', 'exit', 'child protection planning meeting', 'easy read',
];
const FILTERED = [['meeting', 'Parents and carers'], ['plan', 'Practitioners'], ['register', 'Young people']];

const { check, finish } = tally('search ranking');
const { origin, close: stop } = await serve(site);
const { browser, close } = await launch();
const page = await browser.newPage();
await page.goto(`${origin}/search/`, { waitUntil: 'networkidle0' });
const got = await page.evaluate(async (queries, filtered) => {
  const pf = await import(document.querySelector('[data-wm-search]').getAttribute('data-wm-search') + 'pagefind.js');
  const urls = async (q, filters) => {
    const found = await pf.search(q, filters ? { filters } : {});
    const data = await Promise.all(found.results.map((r) => r.data()));
    return data.map((d) => d.url);
  };
  const out = {};
  for (const q of queries) out[q] = await urls(q);
  for (const [q, audience] of filtered) out[`${q} [audience: ${audience}]`] = await urls(q, { audience });
  return out;
}, QUERIES, FILTERED);
await close();
await stop();

if (flag === '--update') {
  await writeFile(EXPECTED, `${JSON.stringify(got, null, 1)}\n`);
  console.log(`search ranking: wrote ${Object.keys(got).length} queries to search-ranking.json`);
  process.exit(0);
}
const expected = JSON.parse(await readFile(EXPECTED, 'utf8'));
for (const [q, want] of Object.entries(expected)) {
  const have = got[q] ?? [];
  const same = have.length === want.length && have.every((u, i) => u === want[i]);
  check(same, `"${q}" returns the same ${want.length} pages in the same order`,
    `expected ${want.slice(0, 5).join(' ')}…, got ${have.slice(0, 5).join(' ')}…`);
}
check(Object.values(got).some((l) => l.length > 3), 'the queries find pages at all');
finish();

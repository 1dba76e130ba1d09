// The timescale calculators in headless Debian Chromium, against the native
// engine:
//   - parity: for every calculator of the built site, the form is filled for
//     over 200 dates spread over 2025–2030 (weekends, every bank holiday and
//     the days around it, Christmas, month ends, leap day) and every date shown
//     must equal what `waymark dates` prints for the same input;
//   - error states, one case per GOV.UK date input rule (nothing entered;
//     day, day and month, month and year missing; letters in the boxes; not
//     a real date; a 2-digit year; a year outside the years the calculator
//     can count in): the GOV.UK wording, one message per date, every wrong
//     box marked (class and aria-invalid), the error summary above the
//     calculator's heading and focused, its link focusing the first wrong
//     box, each box described by the hint and the error, input kept;
//   - axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa): zero violations
//     initially, in the error state and with results;
//   - the .ics download parsed back: CRLF, folding, all-day dates, UIDs;
//   - no console error, uncaught exception or CSP violation;
//   - timing: computing all dates of one calculator, printed (budget 1 ms);
//   - rules that changed: a date before a change (3 March 2020) gets the
//     dates `waymark dates` gives, each row counted by an older rule says
//     so ("For … on 3 March 2020, the rule then in force was …" with the
//     words `waymark dates --explain` prints), and a date after the change
//     gets no such notice.
//
// usage: node calculator.mjs SITE_DIR WAYMARK_BIN RULES_FILE [SCREENSHOT_DIR]
// Prints `calculator: N passed, M failed` last; exits 1 on any failure.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { serve, launch, htmlFiles, urlPathFor, axeViolations, tally } from './lib.mjs';

const run = promisify(execFile);

const [site, waymark, rulesFile, shots] = process.argv.slice(2);
if (!site || !waymark || !rulesFile) {
  console.error('usage: node calculator.mjs SITE_DIR WAYMARK_BIN RULES_FILE [SCREENSHOT_DIR]');
  process.exit(2);
}

const { check, finish } = tally('calculator');

// ------------------------------------------------------------------ dates

const iso = (d) => d.toISOString().slice(0, 10);
const addDays = (s, n) => {
  const d = new Date(`${s}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return iso(d);
};

async function testDates() {
  const set = new Set();
  for (let y = 2025; y <= 2030; y++) {
    const { stdout } = await run(waymark, ['holidays', '--rules', rulesFile, '--year', String(y)]);
    for (const line of stdout.trim().split('\n')) {
      const h = line.split('\t')[0];
      for (const k of [-1, 0, 1]) set.add(addDays(h, k));
    }
    set.add(`${y}-12-24`);
    set.add(`${y}-12-31`);
    for (let m = 1; m <= 12; m++) {
      set.add(iso(new Date(Date.UTC(y, m, 0)))); // last day of month m
      set.add(iso(new Date(Date.UTC(y, m - 1, 1))));
    }
  }
  set.add('2028-02-29');
  // A deterministic spread over every weekday.
  let s = '2025-01-03';
  while (s <= '2030-12-31') {
    set.add(s);
    s = addDays(s, 37);
  }
  return [...set].filter((d) => d >= '2025-01-01' && d <= '2030-12-31').sort();
}

/** A second date for calculators that ask two (e.g. expected date of delivery). */
const secondDate = (first, i) => addDays(first, 40 + ((i * 53) % 240));

async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** What `waymark dates` says: one line per date. */
async function expected(timescale, asked, count) {
  const args = ['dates', '--rules', rulesFile];
  if (count > 1) args.push('--count', String(count));
  args.push(timescale, asked[0].iso);
  for (const a of asked) args.push('--event', `${a.event}=${a.iso}`);
  const { stdout } = await run(waymark, args);
  return stdout.trim().split('\n');
}

// ------------------------------------------------------------------ pages

async function calculatorPages(root) {
  const byId = new Map();
  for (const file of await htmlFiles(root)) {
    // Past editions count by the rules of their own revision, not RULES_FILE;
    // the translations' calculators are still the English one, marked as
    // such (tests/browser/languages.mjs): this test uses the default language's pages.
    if (['editions', 'pl', 'ar', 'ur', 'gd'].includes(file.split(path.sep)[0])) continue;
    const html = await readFile(path.join(root, file), 'utf8');
    // Only pages that load the calculator script are interactive; a section's
    // print page carries the same markup for its no-JavaScript wording.
    if (!/\/js\/calculator\.[0-9a-f]+\.js"/.test(html)) continue;
    for (const m of html.matchAll(/data-wm-calculator="([^"]+)"/g)) {
      if (!byId.has(m[1])) byId.set(m[1], urlPathFor(file));
    }
  }
  return byId;
}

/** A picture of the calculator, as it sits in the page (360 px wide unless told). */
async function shot(page, sel, name, width = 360) {
  if (!shots) return;
  const box = await page.evaluate((sel) => {
    const r = document.querySelector(sel).getBoundingClientRect();
    return { y: r.top + window.scrollY, height: r.height };
  }, sel);
  await page.screenshot({ path: path.join(shots, name), clip: { x: 0, y: Math.max(0, box.y - 16), width, height: box.height + 32 }, captureBeyondViewport: true });
}

async function openPage(browser, url, problems) {
  const page = await browser.newPage();
  await page.setViewport({ width: 360, height: 740 });
  await page.exposeFunction('__wmCsp', (v) => problems.push(`CSP blocked ${v}`));
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => window.__wmCsp(`${e.blockedURI} (${e.effectiveDirective})`));
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`exception: ${err.message}`));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.wmCalculators === 'ready', { timeout: 15000 });
  return page;
}

async function axe(page, what) {
  const v = await axeViolations(page);
  check(v.length === 0, `axe ${what}`, v.join('; '));
}

/** Fills and submits the calculator `id` for each input; returns what it shows. */
function fillAll(page, id, inputs) {
  return page.evaluate(
    (id, inputs) => {
      const section = document.querySelector(`section[data-wm-calculator="${id}"]`);
      const form = section.querySelector('form');
      const out = [];
      for (const asked of inputs) {
        for (const a of asked) {
          const fs = form.querySelector(`fieldset[data-wm-event="${a.event}"]`);
          const [y, m, d] = a.iso.split('-');
          fs.querySelector('[data-wm-part="day"]').value = String(Number(d));
          fs.querySelector('[data-wm-part="month"]').value = String(Number(m));
          fs.querySelector('[data-wm-part="year"]').value = y;
        }
        form.querySelector('button[type="submit"]').click();
        const rows = [...section.querySelectorAll('[role="status"] [data-wm-timescale]')].map((r) => ({
          id: r.dataset.wmTimescale,
          dates: [...r.querySelectorAll('[data-wm-iso]')].map((n) => n.dataset.wmIso),
          words: [...r.querySelectorAll('[data-wm-iso]')].map((n) => n.textContent),
          then: r.querySelector('.wm-calculator__then')?.textContent ?? null,
          rule: r.querySelector('.wm-calculator__rule')?.textContent ?? null,
          note: r.querySelector('.wm-calculator__note')?.textContent ?? null,
          // The same rule's note in the worked example the page was built with.
          builtNote: section.querySelector(`.wm-calculator__fallback [data-wm-timescale="${r.dataset.wmTimescale}"] .wm-calculator__note`)?.textContent ?? null,
        }));
        out.push(rows);
      }
      return out;
    },
    id,
    inputs,
  );
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const long = (s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
};

async function parity(browser, origin, id, url, dates, problems) {
  const page = await openPage(browser, origin + url, problems);
  const meta = await page.evaluate((id) => {
    const s = document.querySelector(`section[data-wm-calculator="${id}"]`);
    return { events: [...s.querySelectorAll('fieldset[data-wm-event]')].map((f) => f.dataset.wmEvent), series: Number(s.dataset.wmSeries) };
  }, id);
  const inputs = dates.map((d, i) => meta.events.map((event, k) => ({ event, iso: k === 0 ? d : secondDate(d, i) })));
  const shown = await fillAll(page, id, inputs);
  const timings = await page.evaluate(() => performance.getEntriesByName('wm-calculator', 'measure').map((e) => e.duration));
  const shows = shown[0].map((r) => r.id);
  let mismatches = 0;
  let compared = 0;
  const jobs = [];
  inputs.forEach((asked, i) => shows.forEach((ts, j) => jobs.push({ asked, i, j, ts })));
  await pool(jobs, 4, async ({ asked, i, j, ts }) => {
    const row = shown[i][j];
    const want = await expected(ts, asked, shown[0][j].dates.length > 1 ? meta.series : 1);
    compared += want.length;
    const same = row && row.id === ts && JSON.stringify(row.dates) === JSON.stringify(want) && row.words.every((w, k) => w === `By ${long(want[k])}`);
    if (!same) {
      mismatches++;
      if (mismatches <= 5) console.log(`  ${id} ${JSON.stringify(asked)} ${ts}: page ${JSON.stringify(row)} vs waymark dates ${JSON.stringify(want)}`);
    }
  });
  check(mismatches === 0, `parity ${id}`, `${mismatches} of ${jobs.length} rows differ`);
  const sorted = [...timings].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  console.log(
    `calculator: ${id}: ${inputs.length} inputs, ${compared} dates equal to waymark dates; compute median ${median.toFixed(3)} ms, mean ${mean.toFixed(3)} ms, max ${sorted[sorted.length - 1].toFixed(3)} ms (budget 1 ms)`,
  );
  await page.close();
  return { median, mean };
}

// ------------------------------------------------------------------ rules that changed

/** What `waymark dates --explain` says about the rule used: its words and whether a later one exists. */
async function explained(timescale, asked) {
  const args = ['dates', '--rules', rulesFile, '--explain', timescale, asked[0].iso];
  for (const a of asked) args.push('--event', `${a.event}=${a.iso}`);
  const { stdout } = await run(waymark, args);
  const header = stdout.split('\n').find((l) => l.startsWith(`${timescale} (`));
  const words = header.slice(header.indexOf('): ') + 3, header.lastIndexOf(', counted in the '));
  const from = /This is the rule in force from (\d+ \w+ \d+)/.exec(stdout)?.[1] ?? null;
  const figure = / in force was (?:the one from [^:]+: )?(\d+) /.exec(stdout)?.[1] ?? null;
  return { words, from, figure, later: /^From .* the rule is /m.test(stdout) };
}

async function beforeAChange(browser, origin, pages, problems) {
  let notices = 0;
  let notes = 0;
  for (const [id, url] of pages) {
    const page = await openPage(browser, origin + url, problems);
    const events = await page.evaluate((id) => [...document.querySelectorAll(`section[data-wm-calculator="${id}"] fieldset[data-wm-event]`)].map((f) => ({ event: f.dataset.wmEvent, words: f.dataset.wmWords })), id);
    const plain = await page.evaluate((id) => document.querySelector(`section[data-wm-calculator="${id}"]`).dataset.wmPlain === 'true', id);
    for (const day of ['2020-03-03', '2022-03-03']) {
      const asked = events.map((e, k) => ({ ...e, iso: k === 0 ? day : addDays(day, 120) }));
      const [rows] = await fillAll(page, id, [asked]);
      for (const row of rows) {
        const want = await expected(row.id, asked, row.dates.length);
        check(JSON.stringify(row.dates) === JSON.stringify(want), `${id} ${day} ${row.id}: the dates of waymark dates`, `${row.dates} vs ${want}`);
        const cli = await explained(row.id, asked);
        if (cli.later) {
          const event = asked.find((a) => a.iso === day);
          // Family calculators word the rule for families: the row's own rule line, with the older figure.
          const words = plain ? row.rule[0].toLowerCase() + row.rule.slice(1, -1) : cli.words;
          if (plain) check(words.includes(` ${cli.figure} `), `${id} ${day} ${row.id}: the family wording has the older figure`, `${words} vs ${cli.figure}`);
          const text = `For ${event.words} on ${day === '2020-03-03' ? '3 March 2020' : '3 March 2022'}, the rule then in force was ${words}${cli.from ? ` (in force from ${cli.from})` : ''}.`;
          check(row.then === text.replace(/'/g, '\u2019'), `${id} ${day} ${row.id}: the notice names the older rule`, `${row.then} vs ${text}`);
          notices++;
          check(row.note === null, `${id} ${day} ${row.id}: no note of today's rule under an older one`, row.note);
        } else {
          check(row.then === null, `${id} ${day} ${row.id}: no notice for the current rule`, row.then);
          // Practitioners' calculators show the rule's note under its result; family ones have none.
          check(row.note === (plain ? null : row.builtNote), `${id} ${day} ${row.id}: ${plain ? 'no note (family words)' : 'the rule\'s note under the result'}`, `${row.note} vs ${row.builtNote}`);
          if (row.note) notes++;
        }
      }
      if (day === '2020-03-03') await axe(page, `${id} with a rule that changed`);
    }
    await page.close();
  }
  check(notices >= 2, 'a date before a change gets the older rule with its notice', `${notices} notices`);
  check(notes >= 2, 'results show the notes of the rules that have one', `${notes} notes`);
  console.log(`calculator: rules that changed: ${notices} rows counted by an older rule, each with its notice`);
}

// ------------------------------------------------------------------ errors, axe, ics

async function errorsAxeIcs(browser, origin, id, url, problems) {
  const page = await openPage(browser, origin + url, problems);
  const sel = `section[data-wm-calculator="${id}"]`;
  await page.evaluate((sel) => document.querySelector(sel).scrollIntoView(), sel);
  await shot(page, sel, `calculator-${id}-form-360.png`);
  await axe(page, `${id} initial`);
  const names = await page.evaluate((sel) => [...document.querySelectorAll(`${sel} fieldset`)].map((f) => f.dataset.wmName), sel);
  const cap = (s) => s[0].toUpperCase() + s.slice(1);

  const submit = async (values) => {
    await page.evaluate(
      (sel, values) => {
        const fs = document.querySelector(`${sel} fieldset`);
        for (const [part, v] of Object.entries(values)) fs.querySelector(`[data-wm-part="${part}"]`).value = v;
      },
      sel,
      values,
    );
    await page.click(`${sel} button[type="submit"]`);
    return page.evaluate((sel) => {
      const s = document.querySelector(sel);
      const summary = s.querySelector('.wm-error-summary');
      const title = s.querySelector('.wm-calculator__title');
      const fs = s.querySelector('fieldset');
      const inputs = [...fs.querySelectorAll('input')];
      const hint = fs.querySelector('.wm-hint');
      const error = fs.querySelector('.wm-error-message');
      return {
        summaryShown: !summary.hidden,
        focused: document.activeElement === summary,
        // Before the calculator's heading in the page, and drawn above it.
        aboveHeading: Boolean(summary.compareDocumentPosition(title) & Node.DOCUMENT_POSITION_FOLLOWING) && summary.getBoundingClientRect().bottom <= title.getBoundingClientRect().top,
        items: [...summary.querySelectorAll('li a')].map((a) => ({ text: a.textContent, href: a.getAttribute('href') })),
        // The links that go to this date's boxes.
        mine: [...summary.querySelectorAll('li a')].filter((a) => inputs.some((i) => a.getAttribute('href') === `#${i.id}`)).length,
        inline: error.textContent,
        errorShown: !error.hidden,
        hiddenPrefix: fs.querySelector('.wm-error-message .wm-visually-hidden')?.textContent,
        invalid: inputs.filter((i) => i.getAttribute('aria-invalid') === 'true').map((i) => i.dataset.wmPart),
        marked: inputs.filter((i) => i.classList.contains('wm-input--error')).map((i) => i.dataset.wmPart),
        described: inputs.map((i) => {
          const ids = (i.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
          return { hint: Boolean(hint.id) && ids.includes(hint.id), error: Boolean(error.id) && ids.includes(error.id), allExist: ids.every((id) => document.getElementById(id)) };
        }),
        fieldsetDescribed: fs.hasAttribute('aria-describedby'),
        values: inputs.map((i) => i.value),
        title: document.title,
        results: s.querySelector('[role="status"]').textContent,
        location: location.href,
      };
    }, sel);
  };

  /** Clicks the summary's first link; says which box then has focus. */
  const followFirstLink = async () => {
    if (!(await page.$(`${sel} .wm-error-summary li a`))) return { id: null };
    await page.click(`${sel} .wm-error-summary li a`);
    return page.evaluate(() => ({ id: document.activeElement.id, part: document.activeElement.dataset.wmPart, invalid: document.activeElement.getAttribute('aria-invalid'), location: location.href }));
  };

  const Name = cap(names[0]);
  const ALL = ['day', 'month', 'year'];
  const escaped = Name.replace(/[.*+?^$()|[\]\\{}]/g, (c) => `\\${c}`);
  const BETWEEN = new RegExp(`^${escaped} must be between (\\d{1,2} [A-Z][a-z]+ \\d{4}) and (\\d{1,2} [A-Z][a-z]+ \\d{4})$`);
  const isoOf = (words) => {
    const [d, m, y] = words.split(' ');
    return `${y}-${String(MONTHS.indexOf(m) + 1).padStart(2, '0')}-${d.padStart(2, '0')}`;
  };
  let range = null;
  // [what, values, message (or a pattern), the boxes marked]: one case per GOV.UK rule.
  const cases = [
    ['nothing entered', { day: '', month: '', year: '' }, `Enter ${names[0]}`, ALL],
    ['day missing', { day: '', month: '3', year: '2027' }, `${Name} must include a day`, ['day']],
    ['day and month missing', { day: '', month: '', year: '2027' }, `${Name} must include a day and month`, ['day', 'month']],
    ['month and year missing', { day: '12', month: '', year: '' }, `${Name} must include a month and year`, ['month', 'year']],
    ['month missing, letters in the day', { day: 'ab', month: '', year: '2027' }, `${Name} must include a month`, ['day', 'month']],
    ['letters in all three', { day: 'ab', month: 'cd', year: 'efgh' }, `${Name} must be a real date`, ALL],
    ['letters in the day and month', { day: 'ab', month: 'cd', year: '2027' }, `${Name} must be a real date`, ['day', 'month']],
    ['month 13', { day: '12', month: '13', year: '2027' }, `${Name} must be a real date`, ['month']],
    ['not a real date', { day: '31', month: '02', year: '2025' }, `${Name} must be a real date`, ALL],
    ['29 February outside a leap year', { day: '29', month: '2', year: '2027' }, `${Name} must be a real date`, ALL],
    ['2-digit year', { day: '12', month: '3', year: '27' }, 'Year must include 4 numbers', ['year']],
    ['year before the range', { day: '1', month: '1', year: '1999' }, BETWEEN, ['year']],
    ['year after the range', () => ({ day: '31', month: '12', year: String(Number(range.to.slice(0, 4)) + 1) }), BETWEEN, ['year']],
    // The day before the first: only the year is wrong if that is in the year before.
    ['the day before the range', () => {
      const [y, m, d] = addDays(range.from, -1).split('-');
      return { day: String(Number(d)), month: String(Number(m)), year: y };
    }, BETWEEN, () => (range.from.endsWith('-01-01') ? ['year'] : ALL)],
    ['the day after the range', () => {
      const [y, m, d] = addDays(range.to, 1).split('-');
      return { day: String(Number(d)), month: String(Number(m)), year: y };
    }, BETWEEN, () => (range.to.endsWith('-12-31') ? ['year'] : ALL)],
  ];
  for (const [label, given, message, marks] of cases) {
    if (typeof given === 'function' && !range) continue;
    const values = typeof given === 'function' ? given() : given;
    const invalid = typeof marks === 'function' ? marks() : marks;
    const r = await submit(values);
    const what = `${id} error, ${label} ${JSON.stringify(values)}`;
    const said = r.items[0]?.text ?? '';
    const matches = message instanceof RegExp ? message.exec(said) : said === message ? [said] : null;
    check(r.summaryShown && r.focused, `${what}: summary shown and focused`);
    check(r.aboveHeading, `${what}: summary above the calculator's heading`);
    check(matches !== null, `${what}: summary says "${message instanceof RegExp ? message.source : message}"`, JSON.stringify(r.items));
    check(r.mine === 1, `${what}: one message for the date`, JSON.stringify(r.items));
    check(r.items[0] && r.items[0].href.endsWith(`-${invalid[0]}`), `${what}: summary links to the ${invalid[0]} box`, r.items[0]?.href);
    check(r.inline === `Error: ${said}` && r.hiddenPrefix === 'Error:' && r.errorShown, `${what}: the same message inline, with a hidden prefix`, r.inline);
    check(JSON.stringify(r.invalid) === JSON.stringify(invalid) && JSON.stringify(r.marked) === JSON.stringify(invalid), `${what}: marks ${invalid} (class and aria-invalid)`, `aria-invalid ${r.invalid}, class ${r.marked}`);
    check(r.described.every((d) => d.hint && d.error && d.allExist) && !r.fieldsetDescribed, `${what}: each box described by the hint and the error`, JSON.stringify(r.described));
    check(JSON.stringify(r.values) === JSON.stringify([values.day, values.month, values.year]), `${what}: input kept`);
    check(r.title.startsWith('Error: ') && r.results === '', `${what}: title prefixed, no results`);
    check(!r.location.includes('?') && !r.location.includes('#'), `${what}: nothing in the URL`, r.location);
    if (message === BETWEEN && matches) {
      const [from, to] = [isoOf(matches[1]), isoOf(matches[2])];
      // Within the years the browser is given calendars for (2000 to 2060), and a useful span.
      check(from >= '2000-01-01' && to <= '2060-12-31' && Number(to.slice(0, 4)) - Number(from.slice(0, 4)) >= 30, `${what}: the range is inside 2000 to 2060`, `${from} to ${to}`);
      check(!range || (range.from === from && range.to === to), `${what}: the same range each time`, `${from} to ${to}`);
      range = { from, to };
    }
    const went = await followFirstLink();
    check(went.id !== null && went.id === r.items[0]?.href.slice(1) && went.part === invalid[0] && went.invalid === 'true' && !went.location.includes('#'), `${what}: the summary's link focuses the first wrong box (${invalid[0]})`, JSON.stringify(went));
    if (label === 'letters in all three') {
      await axe(page, `${id} error state (letters in all three)`);
      await shot(page, sel, `calculator-${id}-error-360.png`);
      await page.setViewport({ width: 1280, height: 800 });
      await axe(page, `${id} error state (letters in all three) at 1280 px`);
      await shot(page, sel, `calculator-${id}-error-1280.png`, 1280);
      await page.setViewport({ width: 360, height: 740 });
    }
  }
  // The first and last days of the range count, as `waymark dates` does.
  check(range !== null, `${id}: a year out of range gets "must be between"`);
  if (range) {
    const events = await page.evaluate((sel) => [...document.querySelectorAll(`${sel} fieldset`)].map((f) => f.dataset.wmEvent), sel);
    for (const day of [range.from, range.to]) {
      const asked = events.map((event) => ({ event, iso: day }));
      const [rows] = await fillAll(page, id, [asked]);
      let same = rows.length > 0;
      for (const row of rows) {
        const want = await expected(row.id, asked, row.dates.length);
        same &&= JSON.stringify(row.dates) === JSON.stringify(want);
      }
      check(same, `${id}: ${day}, at the edge of the range, gets the dates of waymark dates`, JSON.stringify(rows));
    }
  }
  // After a good date: no box marked, each described by its hint only.
  {
    const r = await submit({ day: '23', month: '12', year: '2026' });
    check(r.invalid.length === 0 && r.marked.length === 0 && !r.errorShown && r.described.every((d) => d.hint && !d.error && d.allExist), `${id}: a good date clears the marks and the error from aria-describedby`, JSON.stringify(r));
  }
  // Month names are accepted.
  await page.evaluate((sel) => {
    for (const fs of document.querySelectorAll(`${sel} fieldset`)) {
      fs.querySelector('[data-wm-part="day"]').value = '23';
      fs.querySelector('[data-wm-part="month"]').value = 'dec';
      fs.querySelector('[data-wm-part="year"]').value = '2026';
    }
  }, sel);
  await page.click(`${sel} button[type="submit"]`);
  const ok = await page.evaluate((sel) => {
    const s = document.querySelector(sel);
    return { title: document.title, rows: s.querySelectorAll('[role="status"] [data-wm-iso]').length, summary: s.querySelector('.wm-error-summary').hidden, ics: !s.querySelector('.wm-calculator__ics').hidden };
  }, sel);
  check(ok.rows > 0 && ok.summary && ok.ics && !ok.title.startsWith('Error'), `${id} results for 23 dec 2026`, JSON.stringify(ok));
  await shot(page, sel, `calculator-${id}-results-360.png`);
  await axe(page, `${id} with results`);
  const storage = await page.evaluate(() => ({ cookie: document.cookie, local: localStorage.length, session: sessionStorage.length }));
  check(storage.cookie === '' && storage.local === 0 && storage.session === 0, `${id}: nothing stored`, JSON.stringify(storage));

  // The .ics download.
  const dir = await mkdtemp(path.join(tmpdir(), 'waymark-ics-'));
  try {
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    await page.click(`${sel} .wm-calculator__ics`);
    let files = [];
    for (let i = 0; i < 50 && !files.some((f) => f.endsWith('.ics')); i++) {
      await new Promise((r) => setTimeout(r, 100));
      files = await readdir(dir);
    }
    const file = files.find((f) => f.endsWith('.ics'));
    if (!check(file === `${id}.ics`, `${id}: .ics downloaded`, files.join(', '))) return;
    const text = await readFile(path.join(dir, file), 'utf8');
    const shown = await page.evaluate((sel) => [...document.querySelectorAll(`${sel} [role="status"] [data-wm-iso]`)].map((n) => n.dataset.wmIso), sel);
    checkIcs(text, id, shown);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await page.close();
}

function checkIcs(text, id, shown) {
  const what = `${id}.ics`;
  check(text.endsWith('\r\n') && !/[^\r]\n/.test(text), `${what}: CRLF line endings`);
  const raw = text.split('\r\n').slice(0, -1);
  check(raw.every((l) => Buffer.byteLength(l, 'utf8') <= 75), `${what}: lines folded at 75 octets`);
  const lines = raw.reduce((acc, l) => (l.startsWith(' ') ? (acc[acc.length - 1] += l.slice(1), acc) : (acc.push(l), acc)), []);
  check(lines[0] === 'BEGIN:VCALENDAR' && lines.at(-1) === 'END:VCALENDAR' && lines.includes('VERSION:2.0') && lines.some((l) => l.startsWith('PRODID:')), `${what}: calendar envelope`);
  const events = [];
  let cur = null;
  for (const l of lines) {
    if (l === 'BEGIN:VEVENT') cur = {};
    else if (l === 'END:VEVENT') events.push(cur), (cur = null);
    else if (cur) {
      const i = l.indexOf(':');
      cur[l.slice(0, i)] = l.slice(i + 1);
    }
  }
  const starts = events.map((e) => e['DTSTART;VALUE=DATE']);
  check(JSON.stringify(starts) === JSON.stringify(shown.map((d) => d.replace(/-/g, ''))), `${what}: one all-day event per date shown`, `${starts} vs ${shown}`);
  const uids = events.map((e) => e.UID);
  check(new Set(uids).size === uids.length && uids.every((u, k) => u === `${starts[k]}-${u.split('-')[1]}-${id}@waymark` || u.startsWith(`${starts[k]}-`) && u.endsWith(`-${id}@waymark`)), `${what}: stable unique UIDs`, uids.join(' '));
  check(events.every((e) => /^\d{8}T000000Z$/.test(e.DTSTAMP) && e.SUMMARY && e.DESCRIPTION && /^\d{8}$/.test(e['DTEND;VALUE=DATE'])), `${what}: DTSTAMP, DTEND, SUMMARY, DESCRIPTION`);
}

// ------------------------------------------------------------------ main

const pages = await calculatorPages(site);
const srv = await serve(site);
const chromium = await launch();
const problems = [];
try {
  if (shots) await mkdir(shots, { recursive: true });
  const dates = await testDates();
  console.log(`calculator: ${pages.size} calculators (${[...pages.keys()].join(', ')}); ${dates.length} dates from ${dates[0]} to ${dates.at(-1)}`);
  check(pages.size >= 5, 'the shipped site has at least 5 calculators');
  check(dates.length >= 200, 'at least 200 dates');
  for (const [id, url] of pages) {
    await parity(chromium.browser, srv.origin, id, url, dates, problems);
    await errorsAxeIcs(chromium.browser, srv.origin, id, url, problems);
  }
  await beforeAChange(chromium.browser, srv.origin, pages, problems);
  check(problems.length === 0, 'no console error, exception or CSP violation', problems.slice(0, 5).join('; '));
} catch (err) {
  check(false, 'calculator test ran', err.stack);
} finally {
  await chromium.close();
  await srv.close();
}
finish();

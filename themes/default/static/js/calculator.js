// Timescale calculators (loaded only on pages that have one).
//
// The page already shows, without JavaScript, each rule in words and a worked
// example counted at build time. This script loads the rule engine (the same
// Rust code as `waymark dates`, compiled to WebAssembly) and the site's rules
// (JSON), both from this site at the content-hashed URLs the server put in
// the calculator's data- attributes. Then it shows the form (GOV.UK date
// input: validation on submit, an error summary that takes focus, inline
// errors, the user's input kept) and fills the role="status" region with the
// dates. "Add these dates to your calendar" makes an .ics file in the page.
//
// Nothing leaves the page: the form is never submitted, and nothing is put
// in the URL, cookies or storage.

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ERROR_PREFIX = 'Error: ';

/** The same typographic quotes the server gives inserted rule text. */
export function smartQuotes(s) {
  let out = '';
  let prev = null;
  for (const c of s) {
    const opening = prev === null || /\s/.test(prev) || '([\u2014\u2013'.includes(prev);
    if (c === "'") out += opening ? '\u2018' : '\u2019';
    else if (c === '"') out += opening ? '\u201C' : '\u201D';
    else out += c;
    prev = c;
  }
  return out;
}

/** First letter in capitals. */
export function capitalise(s) {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** "the first core group meeting" → "First core group meeting" (as the server does). */
export function heading(label) {
  return capitalise(label.replace(/^(the|a) /, ''));
}

/** "3 March 2020" for an ISO date. */
function dayMonthYear(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${capitalise(MONTHS[m - 1])} ${y}`;
}

/**
 * The notice for a row counted by a rule that is not the one in force now:
 * "For the concern being raised on 3 March 2020, the rule then in force was
 * within 21 calendar days of … (in force from 1 May 2014)."
 */
export function thenNotice(row, asked) {
  const event = asked.find((a) => a.iso === row.then.on);
  const what = event ? `${event.words} on ${dayMonthYear(row.then.on)}` : `a count starting on ${dayMonthYear(row.then.on)}`;
  const from = row.then.from ? ` (in force from ${dayMonthYear(row.then.from)})` : '';
  return `For ${what}, the rule then in force was ${row.words}${from}.`;
}

/** "Wednesday 23 December 2026" for y, m (1-12), d. */
function longDate(y, m, d) {
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return `${WEEKDAYS[wd]} ${d} ${capitalise(MONTHS[m - 1])} ${y}`;
}

function pad(n, width) {
  return String(n).padStart(width, '0');
}

/** A month typed as a number or a name ("jan", "Sept", "december"). */
function readMonth(text) {
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const t = text.toLowerCase().replace(/\.$/, '');
  if (t.length < 3) return NaN;
  const i = MONTHS.findIndex((m) => m.startsWith(t) || (t === 'sept' && m === 'september'));
  return i < 0 ? NaN : i + 1;
}

function isLeap(y) {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** The number of days in month m (1-12) of year y. */
function daysIn(y, m) {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

const PARTS = ['day', 'month', 'year'];

/**
 * Checks one date (its day, month and year boxes) by the GOV.UK date input
 * rules, and gives one message for the date:
 *   1. nothing entered: "Enter [name]" (all three boxes marked);
 *   2. a box left empty: "[Name] must include a day and month" (the empty
 *      boxes marked, and any box filled in wrongly);
 *   3. only the year wrong: "Year must include 4 numbers";
 *   4. a box that cannot be right (letters, day 32, month 13, or more than
 *      one box wrong): "[Name] must be a real date" (those boxes marked);
 *      a day the month does not have (31 2, or 29 2 outside a leap year):
 *      the same message with all three marked, since any of them may be
 *      the mistake;
 *   5. a date outside `range` ({ from, to }, the first and last dates the
 *      calculator can count from, YYYY-MM-DD): "[Name] must be between
 *      [from] and [to]" (the year marked when the year alone is outside,
 *      otherwise all three).
 * Returns { iso, y, m, d } or { message, parts } (the boxes to mark, in the
 * order they appear).
 */
export function checkDate(values, name, range) {
  const Name = capitalise(name);
  const text = { day: values.day.trim(), month: values.month.trim(), year: values.year.trim() };
  const missing = PARTS.filter((p) => !text[p]);
  if (missing.length === 3) return { message: `Enter ${name}`, parts: PARTS };
  const d = /^\d{1,2}$/.test(text.day) ? Number(text.day) : NaN;
  const m = readMonth(text.month);
  const y = /^\d{4}$/.test(text.year) ? Number(text.year) : NaN;
  const ok = { day: d >= 1 && d <= 31, month: m >= 1 && m <= 12, year: y >= 0 };
  const wrong = PARTS.filter((p) => text[p] && !ok[p]);
  if (missing.length) {
    const words = missing.length === 2 ? `${missing[0]} and ${missing[1]}` : missing[0];
    return { message: `${Name} must include a ${words}`, parts: PARTS.filter((p) => missing.includes(p) || wrong.includes(p)) };
  }
  if (wrong.length === 1 && wrong[0] === 'year') return { message: 'Year must include 4 numbers', parts: ['year'] };
  if (wrong.length) return { message: `${Name} must be a real date`, parts: wrong };
  if (d > daysIn(y, m)) return { message: `${Name} must be a real date`, parts: PARTS };
  const iso = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
  if (range && (iso < range.from || iso > range.to)) {
    const yearAlone = y < Number(range.from.slice(0, 4)) || y > Number(range.to.slice(0, 4));
    return { message: `${Name} must be between ${dayMonthYear(range.from)} and ${dayMonthYear(range.to)}`, parts: yearAlone ? ['year'] : PARTS };
  }
  return { iso, y, m, d };
}

// ------------------------------------------------------------------ .ics

/** RFC 5545 TEXT escaping. */
function icsText(s) {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets (UTF-8), never inside a character. */
export function fold(line) {
  const enc = new TextEncoder();
  const out = [];
  let cur = '';
  let curBytes = 0;
  let limit = 75;
  for (const ch of line) {
    const n = enc.encode(ch).length;
    if (curBytes + n > limit) {
      out.push(cur);
      cur = ' ';
      curBytes = 1;
      limit = 75;
    }
    cur += ch;
    curBytes += n;
  }
  out.push(cur);
  return out.join('\r\n');
}

function compact(iso) {
  return iso.replace(/-/g, '');
}

function nextDay(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return `${pad(t.getUTCFullYear(), 4)}${pad(t.getUTCMonth() + 1, 2)}${pad(t.getUTCDate(), 2)}`;
}

/**
 * The calendar file for one result: an all-day event per date. UIDs come
 * from the calculator, the timescale and the date, so adding the same dates
 * twice updates the events rather than doubling them. DTSTAMP is the first
 * date asked (deterministic: the same input gives the same file).
 */
export function icsFile(calculatorId, stampIso, rows) {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//waymark//timescale calculator//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'];
  for (const row of rows) {
    row.dates.forEach((date, i) => {
      const count = row.dates.length > 1 ? ` (${i + 1} of ${row.dates.length})` : '';
      lines.push(
        'BEGIN:VEVENT',
        `UID:${compact(date.iso)}-${row.id}-${calculatorId}@waymark`,
        `DTSTAMP:${compact(stampIso)}T000000Z`,
        `DTSTART;VALUE=DATE:${compact(date.iso)}`,
        `DTEND;VALUE=DATE:${nextDay(date.iso)}`,
        `SUMMARY:${icsText(smartQuotes(heading(row.label)) + count)}`,
        `DESCRIPTION:${icsText(smartQuotes(`Due by this date: ${row.words}. Source: ${row.source}.`))}`,
        'TRANSP:TRANSPARENT',
        'END:VEVENT',
      );
    });
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/calendar;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ------------------------------------------------------------------ DOM

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const UNIX_EPOCH_JD = 2440588;

/** YYYY-MM-DD for a Julian day number (years 1 to 9999). */
function isoOfJd(jd) {
  const t = new Date((jd - UNIX_EPOCH_JD) * 86400000);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1, 2)}-${pad(t.getUTCDate(), 2)}`;
}

/** The days (Julian day numbers) the rules' calendars cover, or every day a date can be written for. */
function coveredDays(rules) {
  const cals = rules.calendars || [];
  if (!cals.length) return { first: 1721426, last: 5373484 }; // 1 January 1 to 31 December 9999
  return { first: Math.max(...cals.map((c) => c.first)), last: Math.min(...cals.map((c) => c.last)) };
}

/**
 * The first and last dates (YYYY-MM-DD) calculator `id` can count from,
 * inside the days `covered`: a count runs out of the calendar the browser
 * was given near its ends, and no date before the oldest version of a rule
 * can be counted. Found from the engine itself (a day it counts, then a
 * halving search to each end), with every asked date on the same day.
 * Null if it counts no day.
 */
function countableDates(engine, id, events, plain, series, covered) {
  const counts = (jd) => {
    try {
      engine.compute(id, events.map((e) => `${e}=${isoOfJd(jd)}`).join('&'), plain, series);
      return true;
    } catch {
      return false;
    }
  };
  const { first, last } = covered;
  const now = new Date();
  const today = Math.floor(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / 86400000) + UNIX_EPOCH_JD;
  const tries = [Math.min(last, Math.max(first, today))];
  for (let k = 1; k < 64; k++) tries.push(Math.round(first + ((last - first) * k) / 64));
  const good = tries.find(counts);
  if (good === undefined) return null;
  const edge = (ok, bad) => {
    // `ok` counts; find the last day from it towards `bad` that does.
    if (counts(bad)) return bad;
    while (Math.abs(bad - ok) > 1) {
      const mid = Math.trunc((ok + bad) / 2);
      if (counts(mid)) ok = mid;
      else bad = mid;
    }
    return ok;
  };
  return { from: isoOfJd(edge(good, first)), to: isoOfJd(edge(good, last)) };
}

function setUp(section, engine, covered) {
  const id = section.dataset.wmCalculator;
  const plain = section.dataset.wmPlain === 'true';
  const series = Number(section.dataset.wmSeries) || 3;
  const form = section.querySelector('form');
  const summary = section.querySelector('.wm-error-summary');
  const summaryList = summary.querySelector('ul');
  const results = section.querySelector('[role="status"]');
  const icsButton = section.querySelector('.wm-calculator__ics');
  const fallback = section.querySelector('.wm-calculator__fallback');
  const fieldsets = [...form.querySelectorAll('fieldset[data-wm-event]')];
  let last = null;
  const range = countableDates(engine, id, fieldsets.map((fs) => fs.dataset.wmEvent), plain, series, covered);
  if (!range) {
    // The rules in words and the worked example stay on the page.
    console.error(`calculator ${id}: the engine counts no date`);
    return;
  }

  // Each box is described by the date's hint, and by its error when it has one.
  const describe = (fs, error) => {
    const ids = [fs.querySelector('.wm-hint').id, error && fs.querySelector('.wm-error-message').id].filter(Boolean).join(' ');
    for (const input of fs.querySelectorAll('input')) input.setAttribute('aria-describedby', ids);
  };

  const clearErrors = () => {
    summary.hidden = true;
    summaryList.replaceChildren();
    for (const fs of fieldsets) {
      fs.parentElement.classList.remove('wm-form-group--error');
      const msg = fs.querySelector('.wm-error-message');
      msg.hidden = true;
      msg.replaceChildren();
      describe(fs, false);
      for (const input of fs.querySelectorAll('input')) {
        input.classList.remove('wm-input--error');
        input.removeAttribute('aria-invalid');
      }
    }
  };

  const showErrors = (errors) => {
    for (const { fs, message, parts } of errors) {
      fs.parentElement.classList.add('wm-form-group--error');
      const msg = fs.querySelector('.wm-error-message');
      msg.append(el('span', 'wm-visually-hidden', 'Error:'), ` ${message}`);
      msg.hidden = false;
      describe(fs, true);
      for (const part of parts) {
        const input = fs.querySelector(`input[data-wm-part="${part}"]`);
        input.classList.add('wm-input--error');
        input.setAttribute('aria-invalid', 'true');
      }
      const first = fs.querySelector(`input[data-wm-part="${parts[0]}"]`);
      const li = el('li');
      const a = el('a', null, message);
      a.href = `#${first.id}`;
      a.addEventListener('click', (e) => {
        e.preventDefault();
        fs.querySelector('legend').scrollIntoView();
        first.focus({ preventScroll: true });
      });
      li.append(a);
      summaryList.append(li);
    }
    summary.hidden = false;
    if (!document.title.startsWith(ERROR_PREFIX)) document.title = ERROR_PREFIX + document.title;
    summary.focus();
  };

  const showResults = (asked, rows) => {
    const intro = asked.map((a) => `${a.words} was on ${longDate(a.y, a.m, a.d)}`).join(' and ');
    const dl = el('dl', 'wm-summary-list');
    for (const row of rows) {
      const div = el('div', 'wm-summary-list__row');
      div.dataset.wmTimescale = row.id;
      const dd = el('dd', 'wm-summary-list__value');
      const dated = (tag, cls, d) => {
        const n = el(tag, cls, `By ${d.long}`);
        n.dataset.wmIso = d.iso;
        return n;
      };
      if (row.dates.length === 1) {
        dd.append(dated('p', 'wm-calculator__date', row.dates[0]));
      } else {
        const ul = el('ul', 'wm-calculator__dates');
        for (const d of row.dates) ul.append(dated('li', null, d));
        dd.append(ul);
      }
      dd.append(el('p', 'wm-calculator__rule', smartQuotes(`${capitalise(row.words)}.`)));
      if (row.then) dd.append(el('p', 'wm-calculator__then', smartQuotes(thenNotice(row, asked))));
      if (row.set_by) {
        const s = plain ? `This date comes from ${row.set_by}.` : `The earlier date is set by ${row.set_by}.`;
        dd.append(el('p', 'wm-calculator__rule', smartQuotes(s)));
      }
      dd.append(el('p', 'wm-calculator__source', smartQuotes(`Source: ${row.source}`)));
      // The rule's note (practitioners' calculators only) is in the worked
      // example the page was built with; it does not change with the date.
      const note = fallback.querySelector(`[data-wm-timescale="${row.id}"] .wm-calculator__note`);
      if (note && !row.then) dd.append(note.cloneNode(true));
      div.append(el('dt', 'wm-summary-list__key', smartQuotes(heading(row.label))), dd);
      dl.append(div);
    }
    results.replaceChildren(el('p', 'wm-calculator__intro', smartQuotes(`If ${intro}:`)), dl);
    icsButton.hidden = false;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors();
    const errors = [];
    const asked = [];
    for (const fs of fieldsets) {
      const values = {};
      for (const input of fs.querySelectorAll('input')) values[input.dataset.wmPart] = input.value;
      const r = checkDate(values, fs.dataset.wmName, range);
      if (r.message) errors.push({ fs, ...r });
      else asked.push({ event: fs.dataset.wmEvent, words: fs.dataset.wmWords, ...r });
    }
    if (errors.length) {
      results.replaceChildren();
      icsButton.hidden = true;
      last = null;
      showErrors(errors);
      return;
    }
    if (document.title.startsWith(ERROR_PREFIX)) document.title = document.title.slice(ERROR_PREFIX.length);
    const query = asked.map((a) => `${a.event}=${a.iso}`).join('&');
    let rows;
    try {
      performance.mark('wm-calculator-start');
      rows = JSON.parse(engine.compute(id, query, plain, series));
      performance.measure('wm-calculator', 'wm-calculator-start');
    } catch (e) {
      results.replaceChildren(el('p', 'wm-calculator__intro', 'These dates cannot be worked out here. The rules above say how each date is counted.'));
      fallback.hidden = false;
      console.error('calculator:', e);
      return;
    }
    last = { stamp: asked[0].iso, rows };
    showResults(asked, rows);
  });

  icsButton.addEventListener('click', () => {
    if (last) download(`${id}.ics`, icsFile(id, last.stamp, last.rows));
  });

  fallback.hidden = true;
  form.hidden = false;
  section.classList.add('wm-calculator--ready');
}

async function start() {
  const sections = [...document.querySelectorAll('section.wm-calculator[data-wm-calculator]')];
  if (!sections.length) return;
  const { wmGlue, wmWasm, wmRules } = sections[0].dataset;
  let engine;
  let covered;
  try {
    const glue = await import(wmGlue);
    await glue.default({ module_or_path: wmWasm });
    const response = await fetch(wmRules);
    if (!response.ok) throw new Error(`${wmRules}: ${response.status}`);
    const text = await response.text();
    engine = new glue.Engine(text);
    covered = coveredDays(JSON.parse(text));
  } catch (e) {
    // The rules in words and the worked example stay on the page.
    console.error('calculator: the engine did not load', e);
    return;
  }
  for (const section of sections) setUp(section, engine, covered);
  document.documentElement.dataset.wmCalculators = 'ready';
}

start();

// Site search (waymark default theme).
//
// The header's search box, on every page: its words are handed to the search
// page without going into the address, so they never reach the browser's
// history or another site. They wait in sessionStorage for the moment it
// takes the search page to load, which takes them out at once.
//
// The search page: loads Pagefind (from this site's own `pagefind/` folder,
// nothing from anywhere else), searches as the reader types, shows each
// result's title, who it is for and an excerpt, and filters by audience and
// stage. Results are announced through a status message that is in the page
// from the start. Without JavaScript, the search page lists every page.
// The words it shows come from the search's data-wm-text-* attributes
// (search.html, in the page's language; English without them).
(function () {
  "use strict";

  var KEY = "wm-search-handover";
  var PAGE_SIZE = 10;

  function takeHandover() {
    try {
      var q = window.sessionStorage.getItem(KEY);
      window.sessionStorage.removeItem(KEY);
      return q || "";
    } catch (e) {
      return "";
    }
  }

  var root = document.querySelector("[data-wm-search]");
  var box = document.querySelector("[data-wm-search-box]");

  if (box && !root) {
    box.addEventListener("submit", function (event) {
      var q = box.querySelector("input").value.trim();
      if (!q) { return; }
      event.preventDefault();
      try {
        window.sessionStorage.setItem(KEY, q);
      } catch (e) { /* storage off: the search page opens empty */ }
      window.location.href = box.getAttribute("action");
    });
  }
  if (!root) { return; }

  var form = root.querySelector("[data-wm-search-form]");
  var input = root.querySelector("#wm-search-input");
  var status = root.querySelector("[data-wm-search-status]");
  var list = root.querySelector("[data-wm-search-results]");
  var more = root.querySelector("[data-wm-search-more]");
  var filters = Array.prototype.slice.call(root.querySelectorAll("[data-wm-filter]"));
  var noJs = document.querySelector("[data-wm-search-nojs]");
  var bundle = root.getAttribute("data-wm-search");

  // The words shown: data-wm-text-NAME on the search, English if none;
  // {name} in them is filled from `values`.
  function text(name, english, values) {
    var s = root.getAttribute("data-wm-text-" + name) || english;
    return s.replace(/\{(\w+)\}/g, function (all, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }
  var separator = text("separator", ", ");

  root.hidden = false;
  if (noJs) { noJs.hidden = true; }

  var pagefind = null;
  var loading = null;
  function load() {
    if (!loading) {
      loading = import(bundle + "pagefind.js").then(function (pf) {
        return Promise.resolve(pf.options({ basePath: bundle, baseUrl: "/", excerptLength: 24 })).then(function () {
          pf.init();
          pagefind = pf;
          return pf;
        });
      });
    }
    return loading;
  }

  var results = [];
  var shown = 0;
  var generation = 0;
  var timer = null;

  function chosenFilters() {
    var chosen = {};
    filters.forEach(function (select) {
      if (select.value) { chosen[select.getAttribute("data-wm-filter")] = select.value; }
    });
    return chosen;
  }

  function describe(count, q, chosen) {
    var parts = [];
    if (chosen.audience) { parts.push(text("where-audience", "for {audience}", { audience: chosen.audience.toLowerCase() })); }
    if (chosen.stage) { parts.push(text("where-stage", "at the stage {stage}", { stage: chosen.stage.toLowerCase() })); }
    var values = { count: count, where: parts.length ? " " + parts.join(separator) : "", query: q };
    if (!q) {
      return count === 1 ? text("count-one", "{count} page{where}.", values) : text("count-other", "{count} pages{where}.", values);
    }
    if (count === 0) {
      return text("no-match", "No pages{where} match \u201c{query}\u201d. Check the spelling, or try fewer or different words.", values);
    }
    return count === 1
      ? text("match-one", "{count} page{where} match \u201c{query}\u201d.", values)
      : text("match-other", "{count} pages{where} match \u201c{query}\u201d.", values);
  }

  function run() {
    window.clearTimeout(timer);
    var q = input.value.trim();
    var chosen = chosenFilters();
    var mine = ++generation;
    if (!q && !chosen.audience && !chosen.stage) {
      results = [];
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      return;
    }
    status.textContent = text("searching", "Searching\u2026");
    load().then(function (pf) {
      return pf.search(q || null, { filters: chosen });
    }).then(function (found) {
      if (mine !== generation) { return; }
      results = found ? found.results : [];
      shown = 0;
      list.replaceChildren();
      return showMore(false).then(function () {
        // Announced once the results it counts are in the page.
        if (mine === generation) { status.textContent = describe(results.length, q, chosen); }
      });
    }).catch(function () {
      if (mine !== generation) { return; }
      status.textContent = text("failed", "Search is not working at the moment. The list of all pages below still works.");
    });
  }

  // Adds the next page of results; `focus` moves focus to the first new one.
  function showMore(focus) {
    var next = results.slice(shown, shown + PAGE_SIZE);
    var mine = generation;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (data) {
      if (mine !== generation) { return; }
      var first = null;
      data.forEach(function (d) {
        var item = result(d);
        list.appendChild(item);
        first = first || item.querySelector("a");
      });
      shown += next.length;
      more.hidden = shown >= results.length;
      if (focus && first) { first.focus(); }
    });
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text) { e.textContent = text; }
    return e;
  }

  // Pagefind's excerpt is a window of the page's words (its `content` split
  // at spaces) with <mark> around the words found, so it can begin and end
  // in the middle of a sentence. framed() finds where the window sits in the
  // page's words and moves each edge to a sentence boundary when one is a
  // few words away: back to where the sentence starts (or on to the next
  // one, if that comes before the first word found), and on to where the
  // last sentence ends. An edge left inside a sentence gets an ellipsis:
  // "… " before (text comes before it), " …" after. Edges are always
  // between whole words.
  var NEAR = 6;
  var SENTENCE_END = /[.!?]["'\u2019\u201d)\]]*$/;

  function framed(d) {
    var html = d.excerpt;
    var content = typeof d.content === "string" ? d.content : "";
    var plainFrame = { words: null, html: html, before: false, after: false };
    // Pages split at zero-width spaces (some scripts) are left as they are.
    if (!content || content.indexOf("\u200b") >= 0) { return plainFrame; }
    var words = content.split(/\s+/).filter(Boolean);
    var shown = html.split(/\s+/).filter(Boolean);
    var bare = shown.map(function (w) { return w.replace(/<\/?mark>/g, ""); });
    var n = bare.length;
    var start = -1;
    for (var i = 0; start < 0 && i + n <= words.length; i++) {
      var same = true;
      for (var k = 0; same && k < n; k++) { same = words[i + k] === bare[k]; }
      if (same) { start = i; }
    }
    if (start < 0 || n === 0) { return plainFrame; }
    var end = start + n;
    var marked = {};
    var firstMark = end;
    var lastMark = start - 1;
    shown.forEach(function (w, k) {
      if (w.indexOf("<mark>") >= 0) {
        marked[start + k] = true;
        firstMark = Math.min(firstMark, start + k);
        lastMark = Math.max(lastMark, start + k);
      }
    });
    (d.locations || []).forEach(function (at) { marked[at] = true; });
    var startsSentence = function (at) { return at === 0 || SENTENCE_END.test(words[at - 1]); };
    var endsSentence = function (at) { return at === words.length || SENTENCE_END.test(words[at - 1]); };
    var at;
    if (!startsSentence(start)) {
      for (at = start - 1; at >= Math.max(0, start - NEAR) && !startsSentence(at); at--) { /* back */ }
      if (at >= Math.max(0, start - NEAR)) {
        start = at;
      } else {
        for (at = start + 1; at <= Math.min(firstMark, start + NEAR, end - 1) && !startsSentence(at); at++) { /* on */ }
        if (at <= Math.min(firstMark, start + NEAR, end - 1)) { start = at; }
      }
    }
    if (!endsSentence(end)) {
      for (at = end + 1; at <= Math.min(words.length, end + NEAR) && !endsSentence(at); at++) { /* on */ }
      if (at <= Math.min(words.length, end + NEAR)) {
        end = at;
      } else {
        for (at = end - 1; at >= Math.max(lastMark + 1, end - NEAR, start + 1) && !endsSentence(at); at--) { /* back */ }
        if (at >= Math.max(lastMark + 1, end - NEAR, start + 1)) { end = at; }
      }
    }
    return {
      words: words.slice(start, end).map(function (w, k) { return { text: w, marked: !!marked[start + k] }; }),
      html: null,
      before: !startsSentence(start),
      after: !endsSentence(end)
    };
  }

  // Only text and <mark> are kept of Pagefind's excerpt (as text nodes and
  // <mark> elements): its words are page text, which may hold entities.
  function textOf(html) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    return doc.body.firstChild.childNodes;
  }

  function excerpt(d) {
    var out = el("p", "wm-search-result__excerpt");
    var frame = framed(d);
    var add = function (html, mark) {
      textOf(html).forEach(function (n) {
        if (mark || n.nodeName === "MARK") {
          out.appendChild(el("mark", "wm-search-result__match", n.textContent));
        } else {
          out.appendChild(document.createTextNode(n.textContent));
        }
      });
    };
    if (frame.before) { out.appendChild(document.createTextNode("\u2026 ")); }
    if (frame.words) {
      frame.words.forEach(function (w, k) {
        if (k > 0) { out.appendChild(document.createTextNode(" ")); }
        add(w.text, w.marked);
      });
    } else {
      add(frame.html, false);
    }
    if (frame.after) { out.appendChild(document.createTextNode(" \u2026")); }
    return out;
  }

  function result(d) {
    var item = el("li", "wm-search-result");
    var heading = el("h2", "wm-search-result__title");
    var link = el("a", "wm-search-result__link", d.meta && d.meta.title ? d.meta.title : d.url);
    link.href = d.url;
    heading.appendChild(link);
    item.appendChild(heading);
    var f = d.filters || {};
    var about = [];
    if (f.audience && f.audience.length) { about.push(text("result-audience", "For: {audiences}", { audiences: f.audience.join(separator) })); }
    if (f.stage && f.stage.length) { about.push(text("result-stage", "Stage: {stages}", { stages: f.stage.join(separator) })); }
    if (about.length) { item.appendChild(el("p", "wm-search-result__meta", about.join(". "))); }
    if (d.excerpt) { item.appendChild(excerpt(d)); }
    // Up to three headings inside the page where the words were found.
    var parts = (d.sub_results || []).filter(function (s) { return s.url !== d.url && s.title; }).slice(0, 3);
    if (parts.length) {
      var sections = el("ul", "wm-search-result__sections");
      parts.forEach(function (s) {
        var li = el("li");
        var a = el("a", null, s.title);
        a.href = s.url;
        li.appendChild(a);
        sections.appendChild(li);
      });
      item.appendChild(sections);
    }
    return item;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 300);
  });
  // Start loading the index as soon as the reader shows they will search.
  input.addEventListener("focus", function () { load().catch(function () {}); });
  filters.forEach(function (select) { select.addEventListener("change", run); });
  more.addEventListener("click", function () { showMore(true); });

  // On the search page the header box (if a theme keeps one) searches here.
  if (box) {
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      input.value = box.querySelector("input").value;
      run();
      input.focus();
    });
  }

  var handed = takeHandover();
  if (handed) {
    input.value = handed;
    input.focus();
    run();
  }
}());

// The resources filter (waymark default theme).
//
// Without JavaScript, "Show resources for" links go to each audience's view
// of the page, made at build time. With it, the same links filter the rows
// in place: rows for other audiences are hidden, a table left empty says so,
// the chosen link is marked as current, and a status message (in the page
// from the start) says how many resources are shown. Its words come from the
// filter's data-wm-text-* attributes (partials/resources-filter.html, in the
// page's language; English without them).
(function () {
  "use strict";

  var nav = document.querySelector("[data-wm-resources-filter]");
  var status = document.querySelector("[data-wm-resources-status]");
  if (!nav || !status) { return; }
  var links = Array.prototype.slice.call(nav.querySelectorAll("a[data-wm-audience]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-wm-audience]"));
  var tables = Array.prototype.slice.call(document.querySelectorAll("[data-wm-resources]"));

  // The words said: data-wm-text-NAME on the filter, English if none;
  // {name} in them is filled from `values`.
  function text(name, english, values) {
    var s = nav.getAttribute("data-wm-text-" + name) || english;
    return s.replace(/\{(\w+)\}/g, function (all, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function show(audience, label) {
    var count = 0;
    rows.forEach(function (row) {
      var match = !audience || row.getAttribute("data-wm-audience").split(" ").indexOf(audience) !== -1;
      row.hidden = !match;
      if (match) { count++; }
    });
    tables.forEach(function (wrap) {
      var any = wrap.querySelector("tr[data-wm-audience]:not([hidden])") !== null;
      wrap.hidden = !any;
      var note = wrap.nextElementSibling;
      if (note && note.classList.contains("wm-resources__none")) {
        note.textContent = any ? "" : text("none", "Nothing in this list is for {audience}.", { audience: label.toLowerCase() });
        note.hidden = any;
      }
    });
    links.forEach(function (a) {
      if (a.getAttribute("data-wm-audience") === audience) {
        a.setAttribute("aria-current", "page");
      } else {
        a.removeAttribute("aria-current");
      }
    });
    var values = { count: count, audience: audience ? label.toLowerCase() : "" };
    if (audience) {
      status.textContent = count === 1
        ? text("showing-one", "Showing {count} resource for {audience}.", values)
        : text("showing-other", "Showing {count} resources for {audience}.", values);
    } else {
      status.textContent = count === 1
        ? text("showing-all-one", "Showing all {count} resource.", values)
        : text("showing-all-other", "Showing all {count} resources.", values);
    }
  }

  links.forEach(function (a) {
    a.addEventListener("click", function (event) {
      // Keep the browser's ways to open a link elsewhere.
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
      event.preventDefault();
      show(a.getAttribute("data-wm-audience"), a.textContent);
    });
  });
}());

// waymark serve: reloads the page after a rebuild, and shows build errors over
// the last good version of the page. Added to pages only by `waymark serve`;
// a built site never contains it. Text from the server is only ever set with
// textContent, never parsed as HTML.
(function () {
  "use strict";
  var here = location.pathname;
  try { here = decodeURIComponent(here); } catch (e) { /* keep it encoded */ }
  var server = null;
  var generation = null;

  function styles() {
    if (document.getElementById("wm-preview-css")) { return; }
    var link = document.createElement("link");
    link.id = "wm-preview-css";
    link.rel = "stylesheet";
    link.href = "/__waymark/overlay.css";
    (document.head || document.documentElement).appendChild(link);
  }

  function clear() {
    var old = document.getElementById("wm-preview-errors");
    if (old) { old.parentNode.removeChild(old); }
  }

  function show(errors) {
    clear();
    if (!errors.length) { return; }
    styles();
    var box = document.createElement("section");
    box.id = "wm-preview-errors";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "wm-preview-errors-title");
    var title = document.createElement("h2");
    title.id = "wm-preview-errors-title";
    title.textContent = errors.length === 1
      ? "The last change has 1 problem. This is the last good version of the page."
      : "The last change has " + errors.length + " problems. This is the last good version of the page.";
    box.appendChild(title);
    for (var i = 0; i < errors.length; i++) {
      var pre = document.createElement("pre");
      pre.textContent = errors[i].text;
      box.appendChild(pre);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide until the next change";
    close.addEventListener("click", clear);
    box.appendChild(close);
    (document.body || document.documentElement).appendChild(box);
  }

  // Whether a rebuild that changed these URL paths changes what this page shows.
  function concerns(changed) {
    for (var i = 0; i < changed.length; i++) {
      var c = changed[i];
      if (c === here) { return true; }
      // The search index follows every page edit; a search page reads it afresh.
      if (c.indexOf("/pagefind/") === 0) { continue; }
      // A stylesheet, script or image may be used by this page.
      if (!/(\/|\.html|\.xml|\/_headers)$/.test(c)) { return true; }
    }
    // A missing page (showing the 404 page) may exist now.
    return !!(document.body && document.body.classList.contains("wm-kind-404"));
  }

  var events = new EventSource("/__waymark/events");
  events.addEventListener("hello", function (e) {
    var d = JSON.parse(e.data);
    // Reconnected to a restarted server, or a rebuild happened while away.
    if (server !== null && (d.server !== server || d.generation !== generation)) {
      location.reload();
      return;
    }
    server = d.server;
    generation = d.generation;
  });
  events.addEventListener("errors", function (e) { show(JSON.parse(e.data).errors); });
  events.addEventListener("ok", clear);
  events.addEventListener("reload", function (e) {
    var d = JSON.parse(e.data);
    generation = d.generation;
    if (concerns(d.changed)) { location.reload(); }
  });
})();

/*
 * Offline use (waymark default theme). Loaded on every page of a built site
 * with offline use on; never in `waymark serve`, which leaves it out.
 *
 * - Registers the site's worker (sw.js at the base path; its address and
 *   scope are this script tag's data-wm-worker and data-wm-scope), and tells
 *   it which page it was installed from, so that page is kept too.
 * - Shows the offline notice ([data-wm-offline-notice]) while the browser
 *   has no connection, and checks for a newer build when it comes back.
 * - When a newer build is waiting, shows the update banner
 *   ([data-wm-update]); its button (and only its button) makes the new build
 *   take over and reloads the page. Nothing reloads by itself.
 * - The offer ([data-wm-offline-save]): asks the worker for the size of the
 *   audience's list, shows it, and on the button saves the list with a
 *   progress bar and a result that says what was saved.
 * - The remove buttons ([data-wm-offline-remove], in the footer of every
 *   page and on the safety page): delete this site's caches and unregister
 *   the worker.
 * - The offline page ([data-wm-saved-list]): lists the pages this phone
 *   has, by their titles.
 *
 * Without service workers (an old browser, some private windows) nothing is
 * shown and nothing is kept. Nothing is sent anywhere. Plain ES2017.
 */
(function () {
  'use strict';

  var me = document.currentScript;
  var sw = navigator.serviceWorker;
  if (!me || !sw || !window.caches) { return; }
  var workerUrl = me.getAttribute('data-wm-worker');
  var scope = me.getAttribute('data-wm-scope');
  var prefix = me.getAttribute('data-wm-cache-prefix');
  var scopeUrl = new URL(scope, location.href).href;
  var reloading = false;

  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  function one(root, sel) { return root.querySelector(sel); }

  // Asks the active worker something; resolves to its first answer.
  function ask(reg, message, onEach) {
    return new Promise(function (resolve) {
      var ch = new MessageChannel();
      ch.port1.onmessage = function (e) {
        if (onEach && e.data.type === 'progress') { onEach(e.data); return; }
        resolve(e.data);
      };
      reg.active.postMessage(message, [ch.port2]);
    });
  }

  // The offline notice.
  var notice = document.querySelector('[data-wm-offline-notice]');
  function showOnline() {
    if (notice) { notice.hidden = navigator.onLine; }
  }

  // The update banner.
  var banner = document.querySelector('[data-wm-update]');
  function offerUpdate(reg) {
    if (!banner || !reg.waiting || !sw.controller) { return; }
    banner.hidden = false;
    var button = one(banner, '[data-wm-update-reload]');
    button.onclick = function () {
      reloading = true;
      button.disabled = true;
      if (reg.waiting) { reg.waiting.postMessage({ type: 'activate' }); } else { location.reload(); }
    };
    var later = one(banner, '[data-wm-update-dismiss]');
    if (later) { later.onclick = function () { banner.hidden = true; }; }
  }
  sw.addEventListener('controllerchange', function () {
    if (reloading) { location.reload(); }
  });

  function watchUpdates(reg) {
    offerUpdate(reg);
    reg.addEventListener('updatefound', function () {
      var next = reg.installing;
      if (!next) { return; }
      next.addEventListener('statechange', function () {
        if (next.state === 'installed') { offerUpdate(reg); }
      });
    });
    // Back online: look for a newer build now rather than at the next page.
    window.addEventListener('online', function () { reg.update().catch(function () {}); });
  }

  // Shows one of a result region's messages (or none).
  function say(region, which) {
    Array.prototype.forEach.call(region.children, function (c) {
      c.hidden = c.getAttribute('data-wm-say') !== which;
    });
  }

  // The offer to save an audience's pages.
  function setUpOffer(reg, box) {
    var list = box.getAttribute('data-wm-offline-save');
    var button = one(box, '[data-wm-save-button]');
    var progress = one(box, '[data-wm-save-progress]');
    var bar = one(box, 'progress');
    var result = one(box, '[data-wm-save-result]');
    function fill(st) {
      all('[data-wm-save-size]').forEach(function (e) { e.textContent = st.size; });
      all('[data-wm-save-pages]').forEach(function (e) { e.textContent = String(st.pages); });
    }
    ask(reg, { type: 'status', list: list }).then(function (st) {
      if (!st.list) { return; }
      fill(st.list);
      box.setAttribute('data-wm-bytes', String(st.list.bytes));
      box.hidden = false;
      if (st.list.saved) { say(result, 'done'); }
    });
    button.addEventListener('click', function () {
      button.disabled = true;
      say(result, '');
      progress.hidden = false;
      bar.value = 0;
      ask(reg, { type: 'save', list: list }, function (p) {
        bar.max = p.total;
        bar.value = p.done;
      }).then(function (r) {
        progress.hidden = true;
        button.disabled = false;
        if (r.type === 'saved') { fill(r); }
        say(result, r.type === 'saved' ? 'done' : 'failed');
      });
    });
  }

  // Removes every cache of this site and the worker.
  function removeAll() {
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf(prefix) === 0; }).map(function (n) { return caches.delete(n); }));
    }).then(function () {
      return sw.getRegistrations();
    }).then(function (regs) {
      return Promise.all(regs.filter(function (r) { return r.scope === scopeUrl; }).map(function (r) { return r.unregister(); }));
    });
  }

  function setUpRemove(box) {
    var button = one(box, 'button');
    var result = one(box, '[data-wm-remove-result]');
    box.hidden = false;
    button.addEventListener('click', function () {
      button.disabled = true;
      say(result, '');
      removeAll().then(function () {
        all('[data-wm-remove-result]').forEach(function (r) { say(r, r === result ? 'done' : ''); });
        all('[data-wm-offline-save]').forEach(function (b) { b.hidden = true; });
        if (banner) { banner.hidden = true; }
      }, function () {
        say(result, 'failed');
      }).then(function () { button.disabled = false; });
    });
  }

  // The offline page: the titles of the pages kept on this phone.
  function listSaved(box) {
    var list = one(box, '[data-wm-saved-list]');
    var result = one(box, '[data-wm-saved-result]');
    var offlinePath = new URL(me.getAttribute('data-wm-offline-page'), location.href).pathname;
    caches.keys().then(function (names) {
      var mine = names.filter(function (n) { return n.indexOf(prefix) === 0; });
      return Promise.all(mine.map(function (n) {
        return caches.open(n).then(function (c) {
          return c.keys().then(function (reqs) {
            return Promise.all(reqs.map(function (r) {
              return c.match(r).then(function (res) {
                var type = res.headers.get('Content-Type') || '';
                var path = new URL(r.url).pathname;
                if (type.indexOf('text/html') !== 0 || path === location.pathname || path === offlinePath || /\.html$/.test(path)) { return null; }
                return res.text().then(function (html) {
                  var doc = new DOMParser().parseFromString(html, 'text/html');
                  var h1 = doc.querySelector('h1');
                  return h1 ? { path: path, title: h1.textContent.trim() } : null;
                });
              });
            }));
          });
        });
      }));
    }).then(function (groups) {
      var seen = {};
      var pages = [].concat.apply([], groups).filter(function (p) {
        if (!p || seen[p.path]) { return false; }
        seen[p.path] = true;
        return true;
      });
      pages.sort(function (a, b) { return a.title.localeCompare(b.title); });
      pages.forEach(function (p) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = p.path;
        a.textContent = p.title;
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = pages.length === 0;
      say(result, pages.length ? 'some' : 'none');
    });
  }

  showOnline();
  window.addEventListener('online', showOnline);
  window.addEventListener('offline', showOnline);
  all('[data-wm-offline-remove]').forEach(setUpRemove);
  all('[data-wm-saved]').forEach(listSaved);

  sw.register(workerUrl, { scope: scope }).then(function (reg) {
    watchUpdates(reg);
    return sw.ready;
  }).then(function (reg) {
    reg.active.postMessage({ type: 'visited', path: location.pathname });
    all('[data-wm-offline-save]').forEach(function (box) { setUpOffer(reg, box); });
  }).catch(function () { /* no worker: the page works as it is */ });
})();

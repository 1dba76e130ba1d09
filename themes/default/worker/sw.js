/*
 * The offline worker (waymark default theme).
 *
 * waymark writes this file to the top of the site as sw.js, after one line
 * that sets self.WAYMARK: this build's files (address, hash of the bytes,
 * size, whether the name carries a hash), the shell (kept without asking)
 * and each audience's save list. Nothing here talks to another host.
 *
 * One cache per build, named by the build's version. What it holds:
 *   - at install: the shell (styles, scripts, pictures, manifest, offline
 *     page); and, when this replaces an older build, what the old cache
 *     held that this build still has: a file whose hash is unchanged is
 *     copied, a changed one is fetched again, so a fix reaches the phone;
 *   - as the reader goes: every file of this build that a page asks for;
 *   - on request ("Save … on this phone", a message from offline.js): an
 *     audience's whole list, with progress sent back to the page.
 * A new build waits until the reader chooses to reload (the page shows the
 * banner); it never takes over a page that is being read.
 *
 * Pages are asked for from the network first, so a reader with signal
 * always gets the published text; the saved copy answers when there is no
 * signal (or none within a few seconds). Files named by a hash are used
 * from the cache without asking. A page that is not saved gets the offline
 * page, which lists what is. Plain ES2017.
 */
'use strict';

var WM = self.WAYMARK;
var CACHE = WM.cache_prefix + WM.version;
// Kept in the cache beside the files, never fetched: this build's table of
// hashes and the lists the reader saved, for the next build to read. Its
// address is the worker's own with a query, which is never a file of the table.
var NOTE = WM.base + 'sw.js?note';
var SLOW_MS = 4000;

var byUrl = {};
WM.files.forEach(function (f, i) { byUrl[f[0]] = i; });

function key(path) { return self.location.origin + path; }

function note(cache) {
  return cache.match(NOTE).then(function (r) { return r ? r.json() : { hashes: {}, saved: [] }; }).catch(function () { return { hashes: {}, saved: [] }; });
}

function writeNote(cache, saved) {
  var hashes = {};
  WM.files.forEach(function (f) { hashes[f[0]] = f[1]; });
  var body = JSON.stringify({ hashes: hashes, saved: saved });
  return cache.put(NOTE, new Response(body, { headers: { 'Content-Type': 'application/json' } }));
}

// The older caches of this site, each with its note.
function older() {
  return caches.keys().then(function (names) {
    var mine = names.filter(function (n) { return n.indexOf(WM.cache_prefix) === 0 && n !== CACHE; });
    return Promise.all(mine.map(function (n) {
      return caches.open(n).then(function (c) {
        return Promise.all([note(c), c.keys()]).then(function (got) {
          return { cache: c, note: got[0], urls: got[1].map(function (r) { return new URL(r.url).pathname; }) };
        });
      });
    }));
  });
}

// Puts file i in the cache unless it is there: copied from an older cache
// when its hash is the same, else fetched. Resolves to its size.
function fill(cache, i, old) {
  var f = WM.files[i];
  return cache.match(key(f[0])).then(function (hit) {
    if (hit) { return f[2]; }
    var same = old.filter(function (o) { return o.note.hashes[f[0]] === f[1]; });
    var copy = same.reduce(function (p, o) {
      return p.then(function (r) { return r || o.cache.match(key(f[0])); });
    }, Promise.resolve(null));
    return copy.then(function (r) {
      if (r) { return cache.put(key(f[0]), r); }
      return fetch(key(f[0]), { cache: f[3] ? 'default' : 'no-cache', credentials: 'omit' }).then(function (res) {
        if (!res.ok || res.redirected) { throw new Error('could not fetch ' + f[0] + ' (' + res.status + ')'); }
        return cache.put(key(f[0]), res);
      });
    }).then(function () { return f[2]; });
  });
}

// Fills files a few at a time, calling progress(bytes) after each.
function fillAll(cache, list, old, progress) {
  var next = 0;
  function worker() {
    if (next >= list.length) { return Promise.resolve(); }
    var i = list[next++];
    return fill(cache, i, old).then(function (n) { if (progress) { progress(n); } return worker(); });
  }
  return Promise.all([worker(), worker(), worker(), worker()]);
}

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return older().then(function (old) {
      var want = WM.shell.slice();
      var saved = [];
      old.forEach(function (o) {
        o.urls.forEach(function (u) { if (byUrl[u] !== undefined) { want.push(byUrl[u]); } });
        o.note.saved.forEach(function (id) { if (WM.lists[id] && saved.indexOf(id) < 0) { saved.push(id); } });
      });
      saved.forEach(function (id) { want = want.concat(WM.lists[id].files); });
      want = want.filter(function (i, n) { return want.indexOf(i) === n; });
      return fillAll(cache, want, old, null).then(function () { return writeNote(cache, saved); });
    });
  }));
  // The first worker of a phone starts at once; a newer build waits (see 'message').
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf(WM.cache_prefix) === 0 && n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

// Writes to this build's cache only while it exists: once the reader has
// removed the saved pages, nothing is kept again by this worker.
function keep(path, res) {
  return caches.has(CACHE).then(function (has) {
    if (!has) { return; }
    return caches.open(CACHE).then(function (c) { return c.put(key(path), res); });
  }).catch(function () {});
}

function offlinePage() {
  return caches.open(CACHE).then(function (c) { return c.match(key(WM.offline)); }).then(function (r) {
    return r || new Response('You are offline, and this page is not saved on this device.', { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  });
}

function fromCache(path) {
  return caches.open(CACHE).then(function (c) { return c.match(key(path)); });
}

function networkFirst(event, path, navigate) {
  return fromCache(path).then(function (hit) {
    var net = fetch(event.request).then(function (res) {
      if (res.ok && !res.redirected && res.type === 'basic') { event.waitUntil(keep(path, res.clone())); }
      return res;
    });
    if (!hit) {
      return net.catch(function () { return navigate ? offlinePage() : Response.error(); });
    }
    var slow = new Promise(function (resolve) { setTimeout(function () { resolve(hit); }, SLOW_MS); });
    return Promise.race([net, slow]).catch(function () { return hit; });
  });
}

function cacheFirst(event, path) {
  return fromCache(path).then(function (hit) {
    return hit || fetch(event.request).then(function (res) {
      if (res.ok && res.type === 'basic') { event.waitUntil(keep(path, res.clone())); }
      return res;
    });
  });
}

self.addEventListener('fetch', function (event) {
  var req = event.request;
  if (req.method !== 'GET') { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf(WM.base) !== 0) { return; }
  var i = byUrl[url.pathname];
  var navigate = req.mode === 'navigate';
  if (i === undefined) {
    if (navigate) { event.respondWith(fetch(req).catch(offlinePage)); }
    return;
  }
  event.respondWith(WM.files[i][3] ? cacheFirst(event, url.pathname) : networkFirst(event, url.pathname, navigate));
});

function saveList(id, port) {
  var list = WM.lists[id];
  if (!list) { return Promise.resolve(); }
  var done = 0;
  return caches.open(CACHE).then(function (cache) {
    return older().then(function (old) {
      return fillAll(cache, list.files, old, function (n) {
        done += n;
        port.postMessage({ type: 'progress', done: done, total: list.bytes });
      }).then(function () { return note(cache); }).then(function (n) {
        var saved = n.saved.indexOf(id) < 0 ? n.saved.concat([id]) : n.saved;
        return writeNote(cache, saved);
      });
    });
  }).then(function () {
    port.postMessage({ type: 'saved', pages: list.pages, bytes: list.bytes, size: list.size });
  }, function (err) {
    port.postMessage({ type: 'failed', reason: String(err && err.message || err) });
  });
}

function status(id, port) {
  var list = WM.lists[id];
  return caches.has(CACHE).then(function (has) {
    return has ? caches.open(CACHE).then(note) : { hashes: {}, saved: [] };
  }).then(function (n) {
    port.postMessage({
      type: 'status',
      version: WM.version,
      list: list ? { pages: list.pages, bytes: list.bytes, size: list.size, saved: n.saved.indexOf(id) >= 0 } : null,
    });
  });
}

self.addEventListener('message', function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  if (data.type === 'activate') {
    // The reader chose to reload into this build.
    self.skipWaiting();
  } else if (data.type === 'visited' && typeof data.path === 'string') {
    // The page the worker was installed from: keep it like any other.
    var i = byUrl[data.path];
    if (i !== undefined) {
      event.waitUntil(caches.has(CACHE).then(function (has) {
        return has && caches.open(CACHE).then(function (c) { return fill(c, i, []); });
      }).catch(function () {}));
    }
  } else if (data.type === 'save' && port) {
    event.waitUntil(saveList(data.list, port));
  } else if (data.type === 'status' && port) {
    event.waitUntil(status(data.list, port));
  }
});

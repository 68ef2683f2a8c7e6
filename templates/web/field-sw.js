// kaoping's service worker for the on-site page (实地考评 where there is
// no signal). Hand-written: it does four small things, and a library such
// as Workbox would be larger than all of them.
//
// - Served at /c/{id}/field-sw.js, so its scope is /c/{id}/ (one worker
//   per community). It answers only GET requests for the community's
//   field pages (the point list /c/{id}/field and each point's page
//   /c/{id}/field?point=…), their photo thumbnails and the static files
//   they link to. Everything else, uploads and the photo state included,
//   goes to the network untouched.
// - Network first: each answer that arrives is kept in the cache; with no
//   network (or a server error) the kept copy is answered instead, marked
//   data-served="cache" so the page says it is offline and shows the time
//   the copy was fetched (written in the page by the server).
// - The page asks it (message "precache") to fetch every point page of
//   the community while the network is there, so points not opened yet
//   still open offline.
// - Versions: the server rewrites VERSION as it serves this file, from a
//   hash of this file and the page's script and the [field] page_edition
//   setting, so a new kaoping (or a raised edition) is a new worker.
// - Updates: a new version installs but does not take over by itself
//   (no skipWaiting on install); the page sends "skip-waiting" only when
//   its outbox is empty. The outbox lives in IndexedDB, which this worker
//   never opens or clears; its schema is migrated by the page's script
//   (/static/field.js), never dropped.
"use strict";

var VERSION = "kaoping-field-v1";
var STATIC = ["/static/app.css", "/static/app.js", "/static/field.js"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(VERSION).then(function (cache) {
    return cache.addAll(STATIC);
  }));
});

self.addEventListener("activate", function (event) {
  // Older versions' page copies go; the outbox (IndexedDB) is not touched.
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("kaoping-field-") === 0 && k !== VERSION;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  var d = event.data || {};
  if (d.type === "skip-waiting") self.skipWaiting();
  if (d.type === "precache" && Array.isArray(d.urls)) {
    event.waitUntil(Promise.all(d.urls.filter(function (u) {
      return kept(new URL(u, self.location.href));
    }).map(function (u) {
      return fetch(u, { credentials: "same-origin" }).then(function (res) {
        return keep(new Request(u), res);
      }).catch(function () { /* no network: the copy kept stays */ });
    })));
  }
});

// Whether a URL is one the worker keeps a copy of.
function kept(url) {
  if (url.origin !== self.location.origin) return false;
  if (STATIC.indexOf(url.pathname) >= 0) return true;
  var scope = new URL(self.registration.scope).pathname;
  if (url.pathname.indexOf(scope) !== 0) return false;
  var rest = url.pathname.slice(scope.length);
  return rest === "field" || rest.indexOf("field/photo/") === 0;
}

// Keeps a copy of a whole, direct answer (never a redirect to sign in).
function keep(request, res) {
  if (!res.ok || res.redirected || res.type !== "basic") return Promise.resolve(res);
  var copy = res.clone();
  return caches.open(VERSION).then(function (cache) {
    return cache.put(request, copy);
  }).then(function () { return res; });
}

function fromCache(request) {
  return caches.match(request, { cacheName: VERSION }).then(function (res) {
    if (!res) {
      return new Response("<!doctype html><meta charset=utf-8><title>离线</title><p>当前没有网络，本机也没有保存这个页面。请联网后先打开一次实地考评页面。</p>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
    var type = res.headers.get("Content-Type") || "";
    if (type.indexOf("text/html") !== 0) return res;
    return res.text().then(function (html) {
      return new Response(html.replace('data-served="network"', 'data-served="cache"'),
        { status: 200, headers: { "Content-Type": type } });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !kept(new URL(request.url))) return;
  event.respondWith(fetch(request).then(function (res) {
    if (res.status >= 500) return fromCache(request);
    return keep(request, res);
  }).catch(function () { return fromCache(request); }));
});

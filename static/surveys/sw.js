/* SKM kiosk service worker: keeps the kiosk page and its files so that a reload works without the server.
 * It never touches the API: the page sends (and queues) answers itself, and reads the form through it. */
"use strict";

var SHELL_CACHE = "skm-kiosk-v1";
var NETWORK_TIMEOUT_MS = 4000;

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("skm-kiosk-") === 0 && name !== SHELL_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  event.respondWith(networkFirst(request));
});

/* Fresh from the server when it answers in time (and remembered); the remembered copy when the server
 * cannot be reached, is too slow, or answers with a server error (a proxy's 502 while the app is down). */
function networkFirst(request) {
  return caches.open(SHELL_CACHE).then(function (cache) {
    function remembered() { return cache.match(request, {ignoreSearch: true, ignoreVary: true}); }
    var network = fetch(request).then(function (response) {
      if (response.ok) {
        cache.put(request, response.clone());
        return response;
      }
      if (response.status >= 500) return remembered().then(function (hit) { return hit || response; });
      return response;
    });
    var timeout = new Promise(function (resolve, reject) {
      setTimeout(function () { reject(new Error("timeout")); }, NETWORK_TIMEOUT_MS);
    });
    return Promise.race([network, timeout]).catch(function (error) {
      return remembered().then(function (hit) {
        return hit || network.catch(function () { throw error; });
      });
    });
  });
}

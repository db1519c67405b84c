// Quartier service worker. The server fills in the build version, so that each build gets new
// cache names and the previous app shell is dropped on activation.
const VERSION = "__BUILD_VERSION__";
const SHELL_CACHE = `quartier-shell-${VERSION}`;
const PAGES_CACHE = `quartier-pages-${VERSION}`;
const OFFLINE_URL = "/offline";
// The compiled front end of this build (JS, WASM, CSS), listed by the server.
const ASSETS = "__ASSETS__";
const SHELL = ["/", OFFLINE_URL, "/manifest.webmanifest", "/icons/icon.svg", "/icons/icon-192.png", ...ASSETS];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("quartier-") && name !== SHELL_CACHE && name !== PAGES_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

// Pages: network first, so residents see fresh hours; the last copy (or the offline page) when
// the network fails. Built assets: cache first (their cache is replaced with each build).
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(PAGES_CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(async () => {
          const cached = (await caches.match(request)) || (await caches.match(OFFLINE_URL));
          return cached || Response.error();
        }),
    );
    return;
  }

  if (url.pathname.startsWith("__PKG__/") || url.pathname.startsWith("/icons/")) {
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});

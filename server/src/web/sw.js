// Quartier service worker. The server fills in the build version, so that each build gets new
// cache names and the previous app shell is dropped on activation.
const VERSION = "__BUILD_VERSION__";
const SHELL_CACHE = `quartier-shell-${VERSION}`;
const PAGES_CACHE = `quartier-pages-${VERSION}`;
const OFFLINE_URL = "/offline";
// What reading a page offline needs (this build's style sheet, the site's small scripts), listed
// by the server; islands' scripts and WebAssembly are kept the first time a page loads them.
const ASSETS = "__ASSETS__";
// The merchants' offline posting queue (Background Sync).
importScripts("/pending-posts.js");

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

// How long a page request may take before the saved copy is shown instead.
const NETWORK_TIMEOUT_MS = 4000;
// Pages kept for reading offline (the feed, shops, districts, what the resident follows).
const KEEPABLE = /^\/(feed|following|shops\/[a-z0-9-]+|districts\/[a-z0-9-]+)?$/;

// Only public pages and the resident's feed are kept: never an account, counter or sign-in page.
async function fetchAndKeep(request) {
  const response = await fetch(request);
  const path = new URL(request.url).pathname;
  if (response.ok && response.type === "basic" && KEEPABLE.test(path)) {
    const copy = response.clone();
    const cache = await caches.open(PAGES_CACHE);
    await cache.put(request, copy);
  }
  return response;
}

// Pages: network first so that residents see fresh hours and posts, but stale-while-revalidate
// when the network is slow (the saved copy after NETWORK_TIMEOUT_MS, the fresh one saved for
// next time) or down (the saved copy, or the offline page). Never a blank screen.
function page(event) {
  const request = event.request;
  const network = fetchAndKeep(request);
  event.waitUntil(network.catch(() => undefined));
  return new Promise((resolve) => {
    let settled = false;
    const fallback = async () => {
      if (settled) return;
      const cached = await caches.match(request, { ignoreVary: true });
      if (settled) return;
      if (cached) {
        settled = true;
        resolve(cached);
      }
    };
    const timer = setTimeout(fallback, NETWORK_TIMEOUT_MS);
    network.then(
      (response) => {
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          resolve(response);
        }
      },
      async () => {
        clearTimeout(timer);
        await fallback();
        if (!settled) {
          settled = true;
          resolve((await caches.match(OFFLINE_URL)) || Response.error());
        }
      },
    );
  });
}

// A push message (RFC 8030) carries JSON in the Declarative Web Push form, which recent Safari
// shows by itself: {"web_push": 8030, "notification": {"title", "body", "navigate", "lang", "tag",
// "icon", "image", "badge", "silent"}}. Here the service worker shows it; only this site's pages open.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { notification: { title: "Quartier", body: event.data ? event.data.text() : "" } };
  }
  const notification = message.notification || {};
  const target = new URL(notification.navigate || "/", self.location.origin);
  const options = {
    body: notification.body || "",
    icon: notification.icon || "/icons/icon-192.png",
    badge: notification.badge || "/icons/icon-192.png",
    lang: notification.lang || "fr",
    data: { url: target.origin === self.location.origin ? target.pathname + target.search + target.hash : "/" },
  };
  if (notification.tag) {
    // A newer version of the same post replaces the one shown.
    options.tag = notification.tag;
    options.renotify = false;
  }
  if (notification.image) options.image = notification.image;
  // An edited post sent again replaces the notification without a sound or vibration.
  if (notification.silent) options.silent = true;
  event.waitUntil(self.registration.showNotification(notification.title || "Quartier", options));
});

// The push service replaced this browser's subscription (or it expired): subscribe again with
// the same key and tell the server, which forgets the old one. Chromium never fires the event;
// Firefox does.
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(renewSubscription(event.oldSubscription, event.newSubscription));
});

// Saves `fresh` (or a new subscription with `old`'s key, else the site's) on the server and
// removes `old` there; says how the server answered: [saved, removed] HTTP statuses.
async function renewSubscription(old, fresh) {
  let subscription = fresh;
  if (!subscription) {
    let key = old && old.options && old.options.applicationServerKey;
    if (!key) {
      const answer = await (await fetch("/api/push/key")).json();
      const base64 = answer.publicKey.replace(/-/g, "+").replace(/_/g, "/");
      key = Uint8Array.from(atob(base64 + "===".slice((base64.length + 3) % 4)), (c) => c.charCodeAt(0));
    }
    subscription = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  }
  const saved = await fetch("/api/push/subscriptions", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(subscription.toJSON()),
  });
  let removed = null;
  if (old && old.endpoint !== subscription.endpoint) {
    removed = await fetch("/api/push/subscriptions?endpoint=" + encodeURIComponent(old.endpoint), {
      method: "DELETE",
      headers: { Accept: "application/json" },
    });
  }
  return [saved.status, removed && removed.status];
}

// A tap on a notification: to an open window of the app if there is one, else a new one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  // Counted for the merchant's figures (the post's number only, nothing about the resident).
  const post = /^post-(\d+)$/.exec(event.notification.tag || "");
  const report = post
    ? fetch("/api/push/clicks", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ post: Number(post[1]) }),
      }).catch(() => {})
    : Promise.resolve();
  const url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      // Focusing may be refused (no user activation): the page is opened all the same.
      const focus = (client) => client && client.focus().catch(() => client);
      const same = windows.find((w) => w.url === url.href);
      if (same) return focus(same);
      const any = windows.find((w) => "navigate" in w);
      if (any) {
        const navigated = await any.navigate(url.href);
        return focus(navigated || any);
      }
      return self.clients.openWindow(url.href);
    })().then((opened) => report.then(() => opened)),
  );
});

// The app asks to keep pages (e.g. the shops a resident follows) for reading offline.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  const paths = data.urls
    .map((u) => new URL(u, self.location.origin))
    .filter((u) => u.origin === self.location.origin && KEEPABLE.test(u.pathname))
    .slice(0, 100)
    .map((u) => u.pathname);
  event.waitUntil(
    Promise.all(
      paths.map((path) =>
        fetchAndKeep(new Request(path, { credentials: "same-origin" })).catch(() => undefined),
      ),
    ),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    event.respondWith(page(event));
    return;
  }

  if (
    url.pathname.startsWith("__PKG__/") ||
    url.pathname.startsWith("/icons/") ||
    url.pathname.startsWith("/leaflet/") ||
    url.pathname === "/map.js" ||
    url.pathname === "/pending-posts.js" ||
    url.pathname === "/push.js" ||
    url.pathname === "/passkeys.js" ||
    url.pathname === "/register-sw.js" ||
    url.pathname === "/favicon.ico"
  ) {
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

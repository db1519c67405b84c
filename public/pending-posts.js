// The merchants' offline posting queue. A post published without a connection is kept in
// IndexedDB (fields and photo) and sent when the connection returns: by Background Sync where
// the browser has it (the service worker loads this file too), otherwise when a page of the app
// opens or the browser comes back online. Each post carries its idempotency key: sent twice, it
// is published once.
(function (scope) {
  "use strict";
  // Loaded by the counter and, while posts wait, by every page (public/register-sw.js): once.
  if (scope.quartierPendingPosts) return;
  // The stored names (database, flag, sync tag) are those of the first version, so that posts
  // queued before the queue was renamed are still found and sent.
  var DB_NAME = "quartier-outbox";
  // Tells register-sw.js that posts are waiting (pages have no other cheap way to know).
  var WAITING_FLAG = "quartier-outbox-waiting";
  var STORE = "posts";
  var SYNC_TAG = "quartier-outbox";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, action) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = action(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  // Keeps the flag in step with the queue (windows only: a service worker has no localStorage).
  function markWaiting() {
    if (typeof localStorage === "undefined") return Promise.resolve();
    // Only posts still to send (refused ones wait for the merchant on the counter).
    return withStore("readonly", function (store) { return store.getAll(); })
      .then(function (all) {
        var waiting = (all || []).some(function (e) { return !e.error; });
        if (waiting) localStorage.setItem(WAITING_FLAG, "1");
        else localStorage.removeItem(WAITING_FLAG);
      })
      .catch(function () { /* storage refused: the counter still loads the queue */ });
  }

  function notify(type, detail) {
    if (typeof scope.dispatchEvent === "function" && typeof CustomEvent === "function") {
      scope.dispatchEvent(new CustomEvent(type, { detail: detail }));
    }
    // Pages are told by the service worker too (it has no window of its own).
    if (scope.clients && scope.clients.matchAll) {
      scope.clients.matchAll({ type: "window" }).then(function (windows) {
        windows.forEach(function (w) { w.postMessage({ type: type, detail: detail }); });
      });
    }
  }

  // Keeps a form's data (a FormData) to send later. Resolves with the stored entry.
  function enqueue(url, formData) {
    var fields = [];
    formData.forEach(function (value, name) {
      if (typeof value === "string") {
        fields.push({ name: name, value: value });
      } else if (value && value.size > 0) {
        fields.push({ name: name, blob: value, filename: value.name || "photo.jpg" });
      }
    });
    var field = function (name) {
      var found = fields.find(function (f) { return f.name === name && "value" in f; });
      return found ? found.value : "";
    };
    var entry = {
      key: field("idempotency_key") || String(Date.now()) + "-" + Math.random().toString(16).slice(2),
      url: url,
      // Whose counter lists it: a shop's slug, or "district:" and a district's.
      shop: field("district") ? "district:" + field("district") : field("slug"),
      title: field("title"),
      kind: field("kind"),
      fields: fields,
      queuedAt: new Date().toISOString(),
      error: null,
    };
    return withStore("readwrite", function (store) { store.put(entry); })
      .then(markWaiting)
      .then(function () {
        // Never wait for a service worker that may not be there (`ready` would wait for ever).
        if (scope.navigator && scope.navigator.serviceWorker && scope.SyncManager) {
          return scope.navigator.serviceWorker
            .getRegistration()
            .then(function (registration) {
              if (registration && registration.active && registration.sync) {
                return registration.sync.register(SYNC_TAG);
              }
            })
            .catch(function () { /* no Background Sync: sent on the next opening */ });
        }
      })
      .then(function () { notify("quartier-pending-posts-changed", { key: entry.key }); return entry; });
  }

  function pending() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).map(function (e) {
        return { key: e.key, shop: e.shop, title: e.title, kind: e.kind, queuedAt: e.queuedAt, error: e.error };
      });
    });
  }

  function remove(key) {
    return withStore("readwrite", function (store) { store.delete(key); }).then(markWaiting).then(function () {
      notify("quartier-pending-posts-changed", { key: key });
    });
  }

  var flushing = null;
  // Sends every queued post, oldest first. Network errors and server errors (5xx) keep the post
  // for the next try; a refusal (4xx) keeps it with the server's message for the merchant.
  function flush() {
    if (flushing) return flushing;
    flushing = withStore("readonly", function (store) { return store.getAll(); })
      .then(function (all) {
        all = (all || []).filter(function (e) { return !e.error; });
        all.sort(function (a, b) { return a.queuedAt < b.queuedAt ? -1 : 1; });
        return all.reduce(function (chain, entry) {
          return chain.then(function () { return send(entry); });
        }, Promise.resolve());
      })
      .then(markWaiting)
      .finally(function () { flushing = null; });
    return flushing;
  }

  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (f) {
      if ("blob" in f) body.append(f.name, f.blob, f.filename);
      else body.append(f.name, f.value);
    });
    return fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(
      function (response) {
        if (response.ok) {
          return response.text().then(function (id) {
            return remove(entry.key).then(function () {
              notify("quartier-pending-posts-sent", { key: entry.key, shop: entry.shop, id: id });
            });
          });
        }
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          return response.text().then(function (text) {
            entry.error = text || String(response.status);
            return withStore("readwrite", function (store) { store.put(entry); }).then(function () {
              notify("quartier-pending-posts-changed", { key: entry.key });
            });
          });
        }
        throw new Error("server " + response.status);
      },
      function (error) { throw error; },
    ).catch(function () {
      // Still offline or the server is away: the post stays queued.
    });
  }

  scope.quartierPendingPosts = { enqueue: enqueue, pending: pending, remove: remove, flush: flush };

  if (typeof window !== "undefined" && scope === window) {
    window.addEventListener("online", function () { flush(); });
    // Loaded late by register-sw.js, the page may have loaded already.
    if (document.readyState === "complete") {
      if (navigator.onLine) flush();
    } else {
      window.addEventListener("load", function () { if (navigator.onLine) flush(); });
    }
    if (navigator.serviceWorker) {
      navigator.serviceWorker.addEventListener("message", function (event) {
        var data = event.data || {};
        if (data.type === "quartier-pending-posts-sent" || data.type === "quartier-pending-posts-changed") {
          window.dispatchEvent(new CustomEvent(data.type, { detail: data.detail }));
        }
      });
    }
  } else {
    scope.addEventListener("sync", function (event) {
      if (event.tag === SYNC_TAG) event.waitUntil(flush());
    });
  }
})(self);

// Notifications: offered after a tap on "Suivre" (never on page load). "Oui" asks the browser
// for permission, subscribes with the site's VAPID key (GET /api/push/key) and gives the
// subscription to the server (POST /api/push/subscriptions, PushSubscription.toJSON()).
// On an iPhone or iPad outside the installed app, explains how to add it to the Home Screen.
(function () {
  "use strict";
  var LATER_KEY = "quartier.push.later";
  var LATER_DAYS = 7;

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }
  function appleMobile() {
    return /iP(hone|ad|od)/.test(navigator.userAgent) ||
      (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  }
  function standalone() {
    return navigator.standalone === true ||
      (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
  }
  function askedRecently() {
    try {
      var at = Number(localStorage.getItem(LATER_KEY) || 0);
      return Date.now() - at < LATER_DAYS * 86400000;
    } catch (error) {
      return false;
    }
  }
  function keyBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    base64 += "===".slice((base64.length + 3) % 4);
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function sameKey(a, b) {
    if (!a || a.byteLength !== b.byteLength) return false;
    var view = new Uint8Array(a);
    for (var i = 0; i < b.length; i++) if (view[i] !== b[i]) return false;
    return true;
  }

  // Subscribes this browser (again if the site's key changed) and tells the server.
  function subscribe() {
    return fetch("/api/push/key", { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("key " + response.status);
        return response.json();
      })
      .then(function (answer) {
        var key = keyBytes(answer.publicKey);
        return navigator.serviceWorker.ready.then(function (registration) {
          return registration.pushManager.getSubscription().then(function (existing) {
            if (existing && sameKey(existing.options.applicationServerKey, key)) return existing;
            var gone = existing ? existing.unsubscribe() : Promise.resolve();
            return gone.then(function () {
              return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
            });
          });
        });
      })
      .then(function (subscription) {
        return fetch("/api/push/subscriptions", {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(subscription.toJSON()),
        });
      })
      .then(function (response) {
        if (!response.ok) throw new Error("subscription " + response.status);
      });
  }

  // Resolves once the follow button in `container` says the server saved the follow (its
  // answer sets this device's cookie: a subscription sent before it would make a second device
  // profile), or after 15 s whatever happened.
  function followSaved(container) {
    var button = container && container.querySelector("button.follow");
    function saved() {
      return !button || (button.getAttribute("data-following") === "true" && button.getAttribute("aria-busy") !== "true");
    }
    if (saved() || !("MutationObserver" in window)) return Promise.resolve();
    return new Promise(function (resolve) {
      var observer = new MutationObserver(function () {
        if (saved()) done();
      });
      var timer = setTimeout(done, 15000);
      function done() {
        observer.disconnect();
        clearTimeout(timer);
        resolve();
      }
      observer.observe(button, { attributes: true, attributeFilter: ["data-following", "aria-busy"] });
    });
  }

  function show(box, message) {
    var ask = box.querySelector("[data-push-ask]");
    var status = box.querySelector("[data-push-status]");
    box.hidden = false;
    if (ask) ask.hidden = !!message;
    if (status) status.textContent = message ? status.getAttribute("data-" + message) : "";
  }

  // The settings page's panel: this phone's state at once (also when the page arrives by the
  // app's own navigation, hence the observer).
  function showPanels() {
    var panels = document.querySelectorAll("[data-push-panel]:not([data-push-ready])");
    for (var i = 0; i < panels.length; i++) {
      var panel = panels[i];
      panel.setAttribute("data-push-ready", "");
      if (!supported()) {
        show(panel, appleMobile() && !standalone() ? "ios" : "unsupported");
      } else if (Notification.permission === "granted") {
        show(panel, "enabled");
        subscribe().catch(function () {});
      } else if (Notification.permission === "denied") {
        show(panel, "denied");
      } else {
        show(panel, null);
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showPanels);
  } else {
    showPanels();
  }
  if ("MutationObserver" in window) {
    new MutationObserver(function () {
      if (document.querySelector("[data-push-panel]:not([data-push-ready])")) showPanels();
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) return;
    var follow = target.closest("button.follow");
    if (follow) {
      // The attribute still says what was true before this tap.
      if (follow.getAttribute("data-following") !== "false") return;
      var container = follow.closest("div.follow");
      var box = container && container.querySelector("[data-push-offer]");
      if (!box) return;
      if (!supported()) {
        if (appleMobile() && !standalone()) show(box, "ios");
        return;
      }
      if (Notification.permission === "granted") {
        // Already allowed: make sure this browser's subscription is on the server.
        followSaved(container)
          .then(subscribe)
          .catch(function () {});
      } else if (Notification.permission === "default" && !askedRecently()) {
        show(box, null);
      }
      return;
    }
    var offer = target.closest("[data-push-offer]");
    if (!offer) return;
    if (target.closest("[data-push-later]")) {
      try {
        localStorage.setItem(LATER_KEY, String(Date.now()));
      } catch (error) {}
      offer.hidden = true;
    } else if (target.closest("[data-push-accept]")) {
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") {
          show(offer, "denied");
          return;
        }
        return followSaved(offer.closest("div.follow"))
          .then(subscribe)
          .then(
          function () { show(offer, "enabled"); },
          function (error) {
            console.warn("Push subscription failed:", error);
            show(offer, "failed");
          },
        );
      });
    }
  });
})();

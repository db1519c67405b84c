// Registers the service worker, shows the offline banner, and keeps pages readable offline.
(function () {
  "use strict";
  var banner = null;
  function updateBanner() {
    banner = banner || document.getElementById("offline-banner");
    if (banner) banner.hidden = navigator.onLine;
  }
  window.addEventListener("online", updateBanner);
  window.addEventListener("offline", updateBanner);
  document.addEventListener("DOMContentLoaded", updateBanner);

  // Offline, links load whole pages so that the service worker can answer them from its cache
  // (the app's own navigation would ask the server for data and fail).
  document.addEventListener(
    "click",
    function (event) {
      if (navigator.onLine || event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || link.target || link.hasAttribute("download")) return;
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      location.href = url.href;
    },
    true,
  );

  // Posts a merchant published offline wait in public/pending-posts.js's queue: while some do, every
  // page loads it, so they leave as soon as a page opens online (residents never load it).
  try {
    if (localStorage.getItem("quartier-outbox-waiting")) {
      var queue = document.createElement("script");
      queue.src = "/pending-posts.js";
      document.head.appendChild(queue);
    }
  } catch (error) { /* storage refused */ }

  // The offline page stands in for the page asked for, at its address: that page is asked for
  // again when the connection returns, and up to three times (after 1, 2 and 4 s) when the
  // browser says it is online already (the network can come back to a page before it comes
  // back to its service worker, which then answered with this page). The tries are counted in
  // the tab's storage: without it, only the connection's return reloads.
  var RETRIES = "quartier-offline-retries";
  document.addEventListener("DOMContentLoaded", function () {
    var offline = document.querySelector("main.offline");
    var tries = 0;
    var counted = false;
    try {
      var saved = JSON.parse(sessionStorage.getItem(RETRIES) || "null");
      if (offline && saved && saved.url === location.href) tries = Number(saved.tries) || 0;
      if (!offline) sessionStorage.removeItem(RETRIES);
      counted = true;
    } catch (error) { /* storage refused */ }
    if (!offline) return;
    window.addEventListener("online", function () { location.reload(); });
    if (!counted || !navigator.onLine || tries >= 3 || location.pathname === "/offline") return;
    setTimeout(function () {
      try {
        sessionStorage.setItem(RETRIES, JSON.stringify({ url: location.href, tries: tries + 1 }));
      } catch (error) {
        return;
      }
      location.reload();
    }, 1000 * Math.pow(2, tries));
  });

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function (error) {
        console.warn("Service worker registration failed:", error);
      });
    });
  }
})();

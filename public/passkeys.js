// Passkeys in the browser: turns the server's WebAuthn options into `navigator.credentials`
// calls and sends the answers back (the server verifies everything, with webauthn-rs).
//
// Markup: an element `[data-passkey-box]` (shown only where passkeys work, see main.css) holding
// a button `[data-passkey-action="register"|"sign-in"]`, an output `.passkey-status`, and the
// messages as `data-msg-*` attributes of the button (translated by the page).
(function () {
  "use strict";
  // Pages include this file where they show a passkey button: once is enough.
  if (window.quartierPasskeys) return;
  window.quartierPasskeys = true;

  // Passkeys need a secure context and a domain name (not an IP address).
  var host = location.hostname;
  var supported =
    typeof window.PublicKeyCredential === "function" &&
    window.isSecureContext &&
    !/^[0-9.]+$/.test(host) &&
    host.indexOf(":") === -1;
  if (supported) document.documentElement.classList.add("passkeys");

  function fromBase64url(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    if (!buffer) return undefined;
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(path, fields) {
    var body = new URLSearchParams();
    Object.keys(fields).forEach(function (name) {
      if (fields[name] !== undefined && fields[name] !== null) body.append(name, fields[name]);
    });
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try {
          data = JSON.parse(text);
        } catch (e) {
          data = null;
        }
        if (!response.ok) {
          var error = new Error("refused");
          error.server = data;
          error.status = response.status;
          throw error;
        }
        return data;
      });
    });
  }

  /** A readable name for this device, for the account's list of passkeys. */
  function deviceName() {
    var ua = navigator.userAgent;
    if (/iPhone/.test(ua)) return "iPhone";
    if (/iPad/.test(ua)) return "iPad";
    if (/Android/.test(ua)) return "Android";
    if (/Macintosh/.test(ua)) return "Mac";
    if (/Windows/.test(ua)) return "Windows";
    if (/Linux/.test(ua)) return "Linux";
    return "";
  }

  function register() {
    return post("/api/passkeys/register/start", {}).then(function (challenge) {
      var options = JSON.parse(challenge.options).publicKey;
      options.challenge = fromBase64url(options.challenge);
      options.user.id = fromBase64url(options.user.id);
      options.excludeCredentials = (options.excludeCredentials || []).map(function (c) {
        return Object.assign({}, c, { id: fromBase64url(c.id) });
      });
      return navigator.credentials.create({ publicKey: options }).then(function (credential) {
        var response = credential.response;
        var answer = {
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          response: {
            attestationObject: toBase64url(response.attestationObject),
            clientDataJSON: toBase64url(response.clientDataJSON),
            transports: typeof response.getTransports === "function" ? response.getTransports() : undefined,
          },
          extensions: credential.getClientExtensionResults(),
        };
        return post("/api/passkeys/register/finish", {
          ceremony: challenge.ceremony,
          credential: JSON.stringify(answer),
          name: deviceName(),
        });
      });
    });
  }

  function signIn(returnTo) {
    return post("/api/passkeys/sign-in/start", {}).then(function (challenge) {
      var options = JSON.parse(challenge.options).publicKey;
      options.challenge = fromBase64url(options.challenge);
      options.allowCredentials = (options.allowCredentials || []).map(function (c) {
        return Object.assign({}, c, { id: fromBase64url(c.id) });
      });
      return navigator.credentials.get({ publicKey: options }).then(function (credential) {
        var response = credential.response;
        var answer = {
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          response: {
            authenticatorData: toBase64url(response.authenticatorData),
            clientDataJSON: toBase64url(response.clientDataJSON),
            signature: toBase64url(response.signature),
            userHandle: toBase64url(response.userHandle),
          },
          extensions: credential.getClientExtensionResults(),
        };
        return post("/api/passkeys/sign-in/finish", {
          ceremony: challenge.ceremony,
          credential: JSON.stringify(answer),
          return_to: returnTo || undefined,
        });
      });
    });
  }

  function messageOf(error, button) {
    if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
      return button.getAttribute("data-msg-cancelled");
    }
    if (error && error.name === "InvalidStateError") {
      return button.getAttribute("data-msg-exists");
    }
    var server = error && error.server;
    if (server && server.Validation && server.Validation.message) return server.Validation.message;
    if (server === "RateLimited") return button.getAttribute("data-msg-rate");
    return button.getAttribute("data-msg-error");
  }

  var busy = false;
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-passkey-action]");
    if (!button || busy) return;
    event.preventDefault();
    var box = button.closest("[data-passkey-box]") || button.parentNode;
    var status = box.querySelector(".passkey-status");
    var say = function (text) {
      if (status) status.textContent = text || "";
    };
    busy = true;
    button.setAttribute("aria-busy", "true");
    say(button.getAttribute("data-msg-working"));
    var action = button.getAttribute("data-passkey-action");
    var done =
      action === "register"
        ? register().then(function () {
            location.assign(button.getAttribute("data-done") || "/account?passkey=added");
          })
        : signIn(button.getAttribute("data-return-to")).then(function (path) {
            location.assign(typeof path === "string" && path.charAt(0) === "/" ? path : "/account");
          });
    done
      .catch(function (error) {
        say(messageOf(error, button));
      })
      .then(function () {
        busy = false;
        button.removeAttribute("aria-busy");
      });
  });
})();

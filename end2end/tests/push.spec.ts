// Push: notifications shown and replaced by the service worker, the tap counted, subscribing
// from a follow, a subscription renewed by the push service, and the settings page.
import { expect, test } from "./fixtures";
import { accessibilityViolations, controlledByServiceWorker, waitForHydration } from "./helpers";

test("a pushed message shows as a notification, and a newer one of the same post replaces it", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["notifications"], { origin: baseURL });
  await page.goto("/");
  await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  await controlledByServiceWorker(page);
  // The push service's part, as Chromium's DevTools protocol plays it.
  const cdp = await context.newCDPSession(page);
  const registrationId = new Promise<string>((resolve) => {
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const live = registrations.find((r) => !r.isDeleted && r.scopeURL === `${baseURL}/`);
      if (live) resolve(live.registrationId);
    });
  });
  await cdp.send("ServiceWorker.enable");
  const push = async (notification: Record<string, string | boolean>) =>
    cdp.send("ServiceWorker.deliverPushMessage", {
      origin: baseURL!,
      registrationId: await registrationId,
      data: JSON.stringify({ web_push: 8030, notification }),
    });
  const shown = () =>
    page.evaluate(async () =>
      (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        lang: n.lang,
        silent: n.silent,
        url: n.data?.url,
      })),
    );

  // A worker still starting may miss a message (a push service would retry): deliver until shown;
  // the tag makes a repeat replace, not add.
  await expect(async () => {
    await push({
      title: "Boulangerie Jacob",
      body: "Cougnous -20 % ce week-end",
      navigate: "/shops/boulangerie-jacob#post-1",
      tag: "post-1",
      lang: "fr",
    });
    expect(await shown()).toEqual([
      { title: "Boulangerie Jacob", body: "Cougnous -20 % ce week-end", tag: "post-1", lang: "fr", silent: false, url: "/shops/boulangerie-jacob#post-1" },
    ]);
  }).toPass({ timeout: 20_000 });

  // The merchant edits the post: the notification is replaced, not doubled, without a sound.
  // (Delivered until shown too: a repeat of the first message may still be on its way.)
  await expect(async () => {
    await push({
      title: "Boulangerie Jacob",
      body: "Cougnous -30 % ce week-end",
      navigate: "/shops/boulangerie-jacob#post-1",
      tag: "post-1",
      lang: "fr",
      silent: true,
    });
    expect((await shown()).map((n) => [n.body, n.silent])).toEqual([["Cougnous -30 % ce week-end", true]]);
  }).toPass({ timeout: 20_000 });

  // A link to another site is never followed: the notification opens the app's home instead.
  // (Delivered until shown as well: Chromium drops a message now and then when the worker is
  // between two events, where a push service would deliver it again.)
  await expect(async () => {
    await push({ title: "Quartier", body: "Ailleurs", navigate: "https://evil.example/phish", tag: "post-2" });
    expect((await shown()).find((n) => n.tag === "post-2")?.url).toBe("/");
  }).toPass({ timeout: 20_000 });
});

test("tapping a notification opens the post and counts the tap for the merchant", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["notifications"], { origin: baseURL });
  await page.goto("/shops/boulangerie-jacob");
  const postId = (await page.locator("article.post").first().getAttribute("id"))!.replace("post-", "");
  await page.goto("/");
  await controlledByServiceWorker(page);
  const cdp = await context.newCDPSession(page);
  const registrationId = new Promise<string>((resolve) => {
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const live = registrations.find((r) => !r.isDeleted && r.scopeURL === `${baseURL}/`);
      if (live) resolve(live.registrationId);
    });
  });
  await cdp.send("ServiceWorker.enable");
  const target = `/shops/boulangerie-jacob#post-${postId}`;
  await expect(async () => {
    await cdp.send("ServiceWorker.deliverPushMessage", {
      origin: baseURL!,
      registrationId: await registrationId,
      data: JSON.stringify({ web_push: 8030, notification: { title: "Boulangerie Jacob", body: "Cougnous", navigate: target, tag: `post-${postId}` } }),
    });
    const tags = await page.evaluate(async () =>
      (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => n.tag),
    );
    expect(tags).toContain(`post-${postId}`);
  }).toPass({ timeout: 20_000 });

  // CDP cannot tap a notification: the worker's own handler gets the event the browser would
  // send (its fetch is only watched, the request is real).
  const worker = context.serviceWorkers().find((w) => w.url().endsWith("/sw.js"))!;
  await worker.evaluate(async (tag) => {
    const scope = self as any;
    scope.reports = [];
    const fetchFirst = scope.fetch.bind(scope);
    scope.fetch = (input: any, init: any) =>
      fetchFirst(input, init).then((response: Response) => {
        // Only the report (the page's own loads go through this worker too).
        if (String(input).startsWith("/api/push/")) {
          scope.reports.push({ url: String(input), body: init && init.body, status: response.status });
        }
        return response;
      });
    const [notification] = await scope.registration.getNotifications({ tag });
    scope.dispatchEvent(new (scope as any).NotificationEvent("notificationclick", { notification }));
  }, `post-${postId}`);
  await expect(page).toHaveURL(`${baseURL}${target}`);
  await expect
    .poll(() => worker.evaluate(() => (self as any).reports))
    .toEqual([{ url: "/api/push/clicks", body: JSON.stringify({ post: Number(postId) }), status: 200 }]);
  // The notification is gone once tapped.
  expect(await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).length)).toBe(0);
});

// Debian's Chromium has no push service (no vendor keys), so the browser's own subscribe() is
// replaced by one that answers as a push service would: real P-256 keys and auth secret, an
// endpoint on a public address. Everything else (the offer, the permission, the key, the
// request to the server) is the real thing. Self-contained: it runs in pages and in the worker.
function fakePushManager() {
  const scope = self as any;
  const b64url = (bytes: ArrayBuffer) =>
    btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  scope.subscribedWith = null;
  PushManager.prototype.getSubscription = async () => null;
  PushManager.prototype.subscribe = async function (options: PushSubscriptionOptionsInit) {
    scope.subscribedWith = options;
    const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
    const p256dh = b64url(await crypto.subtle.exportKey("raw", pair.publicKey));
    const auth = b64url(crypto.getRandomValues(new Uint8Array(16)).buffer);
    const endpoint = "https://8.8.8.8/push/e2e-" + crypto.randomUUID();
    scope.endpoint = endpoint;
    return {
      endpoint,
      options,
      toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
      unsubscribe: async () => true,
    } as unknown as PushSubscription;
  };
}

test("following a shop offers notifications, and accepting subscribes this browser", async ({ page, context, baseURL }) => {
  await page.addInitScript(fakePushManager);
  await page.goto("/shops/boucherie-thomas");
  await waitForHydration(page);
  // Never asked on page load.
  await expect(page.getByText("Être prévenu de ses offres et événements ?")).toBeHidden();
  await page.getByRole("button", { name: "Suivre Boucherie Thomas" }).click();
  await expect(page.getByText("Être prévenu de ses offres et événements ?")).toBeVisible();
  await expect(page.getByText("Une notification sur ce téléphone quand Boucherie Thomas publie")).toBeVisible();
  expect(await accessibilityViolations(page)).toEqual([]);

  await context.grantPermissions(["notifications"], { origin: baseURL });
  const saved = page.waitForResponse(
    (r) => r.url().endsWith("/api/push/subscriptions") && r.request().method() === "POST",
  );
  await page.getByRole("button", { name: "Oui, me prévenir" }).click();
  expect((await saved).status()).toBe(200);
  await expect(page.getByRole("status").filter({ hasText: "Notifications activées" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Oui, me prévenir" })).toBeHidden();
  // Subscribed with the site's VAPID key, for visible notifications only.
  const key = await (await page.request.get("/api/push/key")).json();
  const used = await page.evaluate(() => {
    const options = (self as any).subscribedWith;
    const bytes = new Uint8Array(options.applicationServerKey);
    return {
      userVisibleOnly: options.userVisibleOnly,
      key: btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
    };
  });
  expect(used).toEqual({ userVisibleOnly: true, key: key.publicKey });
});

// Chromium never fires `pushsubscriptionchange` (Firefox does): the worker's own handler gets
// the event the browser would send, with the subscription it had, and subscribes again.
test("a subscription replaced by the push service is replaced on the server", async ({ page, context, baseURL }) => {
  await page.addInitScript(fakePushManager);
  await page.goto("/shops/boucherie-thomas");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Suivre Boucherie Thomas" }).click();
  await context.grantPermissions(["notifications"], { origin: baseURL });
  const saved = page.waitForResponse(
    (r) => r.url().endsWith("/api/push/subscriptions") && r.request().method() === "POST",
  );
  await page.getByRole("button", { name: "Oui, me prévenir" }).click();
  expect((await saved).status()).toBe(200);
  const old = await page.evaluate(() => (self as any).endpoint as string);

  const worker = context.serviceWorkers().find((w) => w.url().endsWith("/sw.js"))!;
  await worker.evaluate(fakePushManager);
  await worker.evaluate((old) => {
    const scope = self as any;
    scope.renewed = [];
    const fetchFirst = scope.fetch.bind(scope);
    scope.fetch = (input: any, init: any) =>
      fetchFirst(input, init).then((response: Response) => {
        if (String(input).startsWith("/api/push/subscriptions")) {
          scope.renewed.push({ method: (init && init.method) || "GET", status: response.status });
        }
        return response;
      });
    const event = new scope.ExtendableEvent("pushsubscriptionchange");
    Object.assign(event, { oldSubscription: { endpoint: old, options: { applicationServerKey: null } }, newSubscription: null });
    scope.dispatchEvent(event);
  }, old);
  await expect
    .poll(() => worker.evaluate(() => (self as any).renewed))
    .toEqual([
      { method: "POST", status: 200 },
      { method: "DELETE", status: 200 },
    ]);
  // Subscribed again with the site's key; the server has the new endpoint, not the old one.
  const key = await (await page.request.get("/api/push/key")).json();
  const renewed = await worker.evaluate(() => {
    const scope = self as any;
    const bytes = new Uint8Array(scope.subscribedWith.applicationServerKey);
    return {
      endpoint: scope.endpoint as string,
      key: btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
    };
  });
  expect(renewed.key).toBe(key.publicKey);
  expect(renewed.endpoint).not.toBe(old);
  const remove = (endpoint: string) =>
    page.request.delete("/api/push/subscriptions?endpoint=" + encodeURIComponent(endpoint), {
      headers: { Accept: "application/json" },
    });
  expect((await remove(old)).status()).toBe(404);
  expect((await remove(renewed.endpoint)).status()).toBe(200);
});

test("'Plus tard' hides the offer and it is not repeated for a week", async ({ page }) => {
  await page.goto("/shops/boucherie-thomas");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Suivre Boucherie Thomas" }).click();
  await expect(page.getByRole("button", { name: /Ne plus suivre Boucherie Thomas/ })).toBeVisible();
  await page.getByRole("button", { name: "Plus tard" }).click();
  await expect(page.getByText("Être prévenu de ses offres et événements ?")).toBeHidden();
  await page.goto("/shops/multipharma");
  await waitForHydration(page);
  await page.getByRole("button", { name: /^Suivre Multipharma/ }).click();
  await expect(page.getByRole("button", { name: /Ne plus suivre Multipharma/ })).toBeVisible();
  await expect(page.getByText("Être prévenu de ses offres et événements ?")).toBeHidden();
});

test("the notification settings: per follow, quiet hours and limits, accessible on a phone", async ({ page }) => {
  await page.goto("/shops/boucherie-thomas");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Suivre Boucherie Thomas" }).click();
  // Shown only once the server has saved the follow (and set this device's cookie).
  await expect(page.getByRole("button", { name: /Ne plus suivre Boucherie Thomas/ })).toBeVisible();
  await page.goto("/following");
  // The server's state, not only the button's.
  await expect(page.locator("main")).toContainText("Boucherie Thomas");
  await page.getByRole("link", { name: "Réglages des notifications" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Notifications");
  await waitForHydration(page);
  // This phone's state, shown at once: not asked yet.
  await expect(page.getByText("Recevoir les notifications sur ce téléphone ?")).toBeVisible();
  const group = page.getByRole("group", { name: "Boucherie Thomas" });
  await expect(group.getByRole("radio", { name: "Tout" })).toBeChecked();
  await expect(page.getByLabel("De", { exact: true })).toHaveValue("21:00");
  await expect(page.getByLabel("À", { exact: true })).toHaveValue("08:00");
  expect(await accessibilityViolations(page)).toEqual([]);

  await group.getByRole("radio", { name: "Événements seulement" }).check();
  await page.getByLabel("De", { exact: true }).fill("20:30");
  await page.getByLabel("Notifications par commerce et par jour").fill("2");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Réglages enregistrés." })).toBeVisible();
  await expect(page.getByRole("group", { name: "Boucherie Thomas" }).getByRole("radio", { name: "Événements seulement" })).toBeChecked();
  await expect(page.getByLabel("De", { exact: true })).toHaveValue("20:30");
  await expect(page.getByLabel("Notifications par commerce et par jour")).toHaveValue("2");

  // A limit out of range is refused with its reason; nothing changes.
  await page.getByLabel("Notifications par commerce et par jour").fill("50");
  await page.getByLabel("Notifications par commerce et par jour").evaluate((input: HTMLInputElement) => input.removeAttribute("max"));
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Indiquez un nombre entre 0 et 10." })).toBeVisible();
  await expect(page.getByLabel("Notifications par commerce et par jour")).toHaveValue("2");
});

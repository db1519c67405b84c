import { chromium } from "@playwright/test";
import { expect, test } from "./fixtures";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { controlledByServiceWorker, waitForHydration } from "./helpers";

test("manifest is valid and Chrome finds the app installable", async ({ page }) => {
  const response = await page.request.get("/manifest.webmanifest");
  expect(response.headers()["content-type"]).toContain("application/manifest+json");
  const manifest = await response.json();
  expect(manifest).toMatchObject({ lang: "fr", display: "standalone", start_url: "/", scope: "/" });
  const sizes = manifest.icons.map((i: any) => `${i.sizes} ${i.purpose}`);
  expect(sizes).toEqual(expect.arrayContaining(["192x192 any", "512x512 any", "512x512 maskable"]));
  for (const icon of manifest.icons) {
    expect((await page.request.get(icon.src)).status(), icon.src).toBe(200);
  }

  // Chrome never offers to install from an incognito profile, which is what test contexts are:
  // ask a real (persistent) profile instead.
  const profile = mkdtempSync(join(tmpdir(), "quartier-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: test.info().project.use.launchOptions?.executablePath,
    args: test.info().project.use.launchOptions?.args,
    baseURL: test.info().project.use.baseURL,
    viewport: { width: 360, height: 740 },
  });
  try {
    const installPage = context.pages()[0] ?? (await context.newPage());
    await installPage.goto("/");
    await waitForHydration(installPage);
    const cdp = await context.newCDPSession(installPage);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    expect(installabilityErrors).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test("service worker registers at the root scope and serves pages offline", async ({ page, context }) => {
  await page.goto("/");
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(new URL("/", page.url()).href);
  // Wait until the worker controls this page, then load it once more so it is cached.
  await controlledByServiceWorker(page);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Commerces de Habay");

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Commerces de Habay");

  // A page never visited falls back to the offline page, not a browser error.
  await page.goto("/shops/boulangerie-rigaux").catch(() => undefined);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hors ligne");
  // It stands in for that page: back online, the page asked for comes by itself.
  await context.setOffline(false);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Rigaux/);
  await expect(page).toHaveURL(/\/shops\/boulangerie-rigaux$/);
});

test("service worker cache names carry the build version", async ({ page }) => {
  const sw = await (await page.request.get("/sw.js")).text();
  const version = /const VERSION = "([0-9a-f]{16})"/.exec(sw)?.[1];
  expect(version).toBeTruthy();
  // This build's style sheet, under its hashed name, is pre-cached; its WebAssembly is not (a
  // first visit downloads no code its page does not use; pages that use it keep it).
  await page.goto("/shops/boulangerie-jacob");
  const css = await page.locator('link[rel="stylesheet"][href^="/pkg/"]').getAttribute("href");
  expect(css).toMatch(/^\/pkg\/quartier\.[\w-]+\.css$/);
  expect(sw).toContain(`"${css}"`);
  const wasm = await page.locator('link[rel="preload"][href$=".wasm"]').getAttribute("href");
  expect(wasm).toMatch(/^\/pkg\/quartier\.[\w-]+\.wasm$/);
  expect(sw).not.toContain(wasm!);
  // Sent precompressed, named after its content and cached for a year.
  for (const encoding of ["br", "gzip"]) {
    const response = await page.request.get(wasm!, { headers: { "accept-encoding": encoding } });
    expect(response.status()).toBe(200);
    const headers = response.headers();
    expect(headers["content-encoding"]).toBe(encoding);
    expect(headers["content-type"]).toBe("application/wasm");
    expect(headers["vary"]).toMatch(/accept-encoding/i);
    expect(headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await response.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
  }
  // Pages too are compressed.
  const home = await page.request.get("/", { headers: { "accept-encoding": "br" } });
  expect(home.headers()["content-encoding"]).toBe("br");
});

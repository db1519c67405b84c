import { chromium, expect, test } from "@playwright/test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitForHydration } from "./helpers";

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
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Commerces de Habay");

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Commerces de Habay");

  // A page never visited falls back to the offline page, not a browser error.
  await page.goto("/shops/boulangerie-rigaux").catch(() => undefined);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hors ligne");
  await context.setOffline(false);
});

test("service worker cache names carry the build version", async ({ page }) => {
  const sw = await (await page.request.get("/sw.js")).text();
  const version = /const VERSION = "([0-9a-f]{16})"/.exec(sw)?.[1];
  expect(version).toBeTruthy();
  expect(sw).toContain('"/pkg/quartier.wasm"');
});

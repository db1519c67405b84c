import { expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** Waits until every island of the server-rendered page runs (the app marks `<html>` then); a page
 * without islands loads no script and is complete as it arrives. */
export async function waitForHydration(page: Page) {
  await page.waitForLoadState("domcontentloaded");
  if ((await page.locator("leptos-island").count()) === 0) return;
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/** WCAG 2.2 A/AA violations axe-core finds on the page. */
export async function accessibilityViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

// Waits until the service worker controls the page. A worker that activated while this page was
// loading claims only the pages that existed then: the page is loaded once more in that case.
export async function controlledByServiceWorker(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
    await page.reload();
  }
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

import { type Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import AxeBuilder from "@axe-core/playwright";
import { waitForHydration } from "./helpers";

// WCAG 2.2 A and AA rules checked by axe-core on the main screens, as a phone shows them.
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function violations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join("\n  ")}`,
  );
}

for (const path of [
  "/",
  "/shops/boulangerie-jacob",
  "/districts/habay-la-neuve-centre",
  "/feed",
  "/search?q=pain",
  "/nearby",
  "/map",
  "/sign-in",
  "/account",
  "/counter/boulangerie-jacob",
  "/privacy",
  "/my-data",
]) {
  test(`no WCAG 2.2 AA violation on ${path}`, async ({ page }) => {
    await page.goto(path);
    await waitForHydration(page);
    expect(await violations(page)).toEqual([]);
  });
}

import { expect, test } from "@playwright/test";
import { waitForHydration } from "./helpers";

test("category filter works in place after hydration", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto("/");
  await waitForHydration(page);
  // A marker that a full page load would erase: the filter must run inside the app.
  await page.evaluate(() => ((window as any).__sameDocument = true));

  await page.locator('.chip[data-category="bakery"]').click();
  await expect(page).toHaveURL(/\?category=bakery$/);
  await expect(page.locator('.chip[aria-current="page"]')).toHaveAttribute("data-category", "bakery");
  // The list follows once the new data has arrived (the URL and the chip change first).
  const categories = () =>
    page.locator(".shop-card").evaluateAll((els) => els.map((e) => e.getAttribute("data-category")));
  await expect.poll(async () => [...new Set(await categories())]).toEqual(["bakery"]);
  expect((await categories()).length).toBeGreaterThan(2);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);

  await page.locator('.chip[data-category=""]').click();
  await expect(page).toHaveURL(/\/$/);
  await expect.poll(() => page.locator(".shop-card").count()).toBeGreaterThan(40);
  expect(errors).toEqual([]);
});

test("navigating to a shop and back stays in the app", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));
  await page.getByRole("link", { name: /Boulangerie Rigaux/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Boulangerie Rigaux");
  await expect(page.locator("table.hours, .shop-status")).not.toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
});

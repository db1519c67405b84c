import { expect, test } from "./fixtures";
import { waitForHydration } from "./helpers";

// Pages are rendered by the server and only their interactive parts (islands) run in the
// browser: links and filters load the next page, which is complete as it arrives.

test("the category filter and the pages of the list are links to complete pages", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  await page.locator('.chip[data-category="bakery"]').click();
  await expect(page).toHaveURL(/\?category=bakery$/);
  await expect(page.locator('.chip[aria-current="page"]')).toHaveAttribute("data-category", "bakery");
  const categories = () =>
    page.locator(".shop-card").evaluateAll((els) => els.map((e) => e.getAttribute("data-category")));
  expect([...new Set(await categories())]).toEqual(["bakery"]);
  expect((await categories()).length).toBeGreaterThan(2);

  await page.locator('.chip[data-category=""]').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator(".shop-card")).toHaveCount(24);
  await page.getByRole("link", { name: "Suivants" }).click();
  await expect(page).toHaveURL(/\?page=2$/);
  await expect(page.getByText(/^Page 2 sur \d+$/)).toBeVisible();
  await expect(page.getByRole("link", { name: "Précédents" })).toHaveAttribute("href", "/");
});

test("a shop's page is whole before any script runs, and its follow button comes alive", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: /Boulangerie Rigaux/ }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Boulangerie Rigaux");
  await expect(page.locator("table.hours, .shop-status")).not.toHaveCount(0);
  await waitForHydration(page);
  await expect(page.locator("leptos-island")).not.toHaveCount(0);
  await expect(page.getByRole("button", { name: /Partager/ })).toBeVisible();
});

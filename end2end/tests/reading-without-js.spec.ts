import { expect, test } from "./fixtures";

// Residents must be able to read everything with JavaScript off.
test.use({ javaScriptEnabled: false });

test("home page lists Habay's real shops in French", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Commerces de Habay");
  // A page of the list at a time, never the whole town; the count is the whole town's.
  const cards = page.locator(".shop-card");
  expect(await cards.count()).toBe(24);
  const total = Number((await page.locator(".result-count").innerText()).match(/\d+/)![0]);
  expect(total).toBeGreaterThan(40);
  await expect(page.getByRole("link", { name: /Boulangerie Rigaux/ })).toBeVisible();
  // The next pages are plain links; together they list every shop once.
  const seen = new Set(await cards.evaluateAll((els) => els.map((e) => e.querySelector("a")!.getAttribute("href"))));
  for (let p = 2; p <= Math.ceil(total / 24); p++) {
    await page.goto(`/?page=${p}`);
    for (const href of await page.locator(".shop-card a").evaluateAll((els) => els.map((e) => e.getAttribute("href")))) {
      expect(seen.has(href), `${href} on two pages`).toBe(false);
      seen.add(href);
    }
  }
  expect(seen.size).toBe(total);
  await page.goto("/");
  // Every shop shows a status badge with text, computed on the server.
  const badges = page.locator(".shop-card .badge");
  expect(await badges.count()).toBe(await cards.count());
  await expect(badges.first()).toHaveText(/^(Ouvert|Fermé|Ferme bientôt|Horaires inconnus)$/);
  // Both demo districts are listed.
  await expect(page.getByRole("link", { name: /Habay-la-Neuve centre/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /Marbehan/ })).toBeVisible();
  await expect(page.getByText("© OpenStreetMap contributors")).toBeVisible();
});

test("category filter works as plain links", async ({ page }) => {
  await page.goto("/?category=bakery");
  const cards = page.locator(".shop-card");
  expect(await cards.count()).toBeGreaterThan(2);
  for (const category of await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-category")))) {
    expect(category).toBe("bakery");
  }
  await expect(page.locator('.chip[aria-current="page"]')).toContainText("Boulangerie");
});

test("shop page shows hours, tap-to-call and directions", async ({ page }) => {
  const response = await page.goto("/shops/multipharma");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Multipharma");
  await expect(page.locator("table.hours tr")).toHaveCount(7);
  await expect(page.locator("table.hours")).toContainText("9 h – 12 h 30");
  await expect(page.getByRole("link", { name: "Itinéraire" })).toHaveAttribute("href", /openstreetmap\.org\/directions/);
  await expect(page.locator(".shop-status .badge")).toHaveText(/^(Ouvert|Fermé|Ferme bientôt)$/);
});

test("district page lists only its shops", async ({ page }) => {
  const response = await page.goto("/districts/marbehan");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Marbehan");
  const shops = page.locator(".shop-list");
  await expect(shops.getByRole("link", { name: /Boulangerie Jacob/ })).toBeVisible();
  await expect(shops.getByRole("link", { name: /Boulangerie Rigaux/ })).toHaveCount(0);
});

test("unknown pages and slugs get a real 404", async ({ page }) => {
  for (const path of ["/shops/no-such-shop", "/districts/nowhere", "/nothing/here", "/shops/BAD%20slug"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page introuvable");
  }
});

test("language switch works without JavaScript and is remembered", async ({ page }) => {
  await page.goto("/shops/multipharma");
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expect(page).toHaveURL(/\/shops\/multipharma$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("link", { name: "Directions" })).toBeVisible();
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Shops in Habay");
});

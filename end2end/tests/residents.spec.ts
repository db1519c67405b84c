import { type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { controlledByServiceWorker, waitForHydration } from "./helpers";

// Near Boulangerie Rigaux, Habay-la-Neuve (what the browser reports; the app rounds it).
const HERE = { latitude: 49.72503, longitude: 5.64712 };

function metres(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = 6371008.8;
  const rad = Math.PI / 180;
  const dlat = (lat2 - lat1) * rad;
  const dlon = (lon2 - lon1) * rad;
  const a = Math.sin(dlat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dlon / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(a));
}

test.describe("near me with the location granted", () => {
  test.use({ geolocation: HERE, permissions: ["geolocation"] });

  test("the nearest shop comes first, with its distance", async ({ page }) => {
    // The expected order, computed independently from the open data.
    const data = await (await page.request.get("/open-data/shops.geojson")).json();
    const lat = Math.round(HERE.latitude * 1000) / 1000;
    const lon = Math.round(HERE.longitude * 1000) / 1000;
    const nearest = data.features
      .map((f: any) => ({ name: f.properties.name, d: metres(lat, lon, f.geometry.coordinates[1], f.geometry.coordinates[0]) }))
      .sort((a: any, b: any) => a.d - b.d)[0];

    await page.goto("/nearby");
    await waitForHydration(page);
    await page.getByRole("button", { name: "Utiliser ma position" }).click();
    const first = page.locator(".shop-list .shop-card").first();
    await expect(first.locator(".shop-name")).toHaveText(nearest.name);
    await expect(first.locator(".distance")).toHaveText(/^à \d+ m$/);
    expect(await page.locator(".shop-list .shop-card").count()).toBeGreaterThanOrEqual(10);
  });
});

test("near me without the location offers districts and the map", async ({ page, context }) => {
  await context.clearPermissions();
  await page.goto("/nearby");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Utiliser ma position" }).click();
  await expect(page.getByRole("status").filter({ hasText: "position" })).toBeVisible();
  await expect(page.locator(".alternatives.highlight")).toBeVisible();
  await expect(page.getByRole("link", { name: "Par quartier" })).toBeVisible();
});

async function follow(page: Page, slug: string, name: string) {
  await page.goto(`/shops/${slug}`);
  await waitForHydration(page);
  const button = page.getByRole("button", { name: `Suivre ${name}` });
  await button.click();
  // The button changes once the server has saved the follow.
  await expect(page.getByRole("button", { name: `Ne plus suivre ${name}` })).toBeVisible();
  await expect(page.getByText("Vous suivez ce commerce.")).toBeVisible();
}

test("follow two shops without an account, read their posts, also offline", async ({ page, context }) => {
  await follow(page, "boulangerie-jacob", "Boulangerie Jacob");
  await follow(page, "boucherie-thomas", "Boucherie Thomas");
  const cookies = await context.cookies();
  const device = cookies.find((c) => c.name === "quartier_device");
  expect(device?.httpOnly).toBe(true);
  expect(device?.sameSite).toBe("Lax");

  await page.getByRole("link", { name: "Mon quartier" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mon quartier");
  await expect(page.getByRole("heading", { name: /Spéculoos de Saint-Nicolas/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: /Colis raclette/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Événements à venir" })).toBeVisible();

  // Reload: still followed (the device cookie), on the shop page and in "Mes commerces".
  await page.goto("/following");
  await expect(page.locator(".shop-list")).toContainText("Boulangerie Jacob");
  await expect(page.locator(".shop-list")).toContainText("Boucherie Thomas");
  await page.goto("/shops/boulangerie-jacob");
  await expect(page.getByRole("button", { name: "Ne plus suivre Boulangerie Jacob" })).toBeVisible();

  // Offline: the feed is still readable, with the banner and the time of the last update.
  await page.goto("/feed");
  await controlledByServiceWorker(page);
  await page.reload();
  await expect(page.getByRole("heading", { name: /Spéculoos/ })).toBeVisible();
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { name: /Spéculoos/ })).toBeVisible();
  await expect(page.locator("#offline-banner")).toBeVisible();
  await expect(page.locator("#offline-banner")).toContainText("Hors ligne");
  await expect(page.locator(".updated")).toContainText("Mis à jour à");
  // A followed shop's page too, through a link.
  await page.getByRole("link", { name: "Boulangerie Jacob" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Boulangerie Jacob");
  await context.setOffline(false);
});

test("a resident downloads what is kept about their phone, then erases it", async ({ page }) => {
  await follow(page, "boulangerie-jacob", "Boulangerie Jacob");
  // From any page's footer, through the privacy page.
  await page.getByRole("contentinfo").getByRole("link", { name: "Confidentialité" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Confidentialité");
  await expect(page.getByText("oublié 90 jours après sa dernière visite", { exact: false })).toBeVisible();
  await page.getByRole("link", { name: "Voir et effacer mes données" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mes données");
  await expect(page.locator("dl.figures div", { hasText: "Commerces suivis" }).locator("dd")).toHaveText("1");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Télécharger mes données (JSON)" }).click(),
  ]);
  const path = await download.path();
  const data = JSON.parse(readFileSync(path, "utf8"));
  expect(data.town).toBe("Habay");
  expect(data.account).toBeNull();
  expect(data.device.followed_shops.map((s: { slug: string }) => s.slug)).toEqual(["boulangerie-jacob"]);

  // The box must be ticked (the browser says so before sending).
  const erase = page.getByRole("button", { name: "Effacer les données de ce téléphone" });
  await erase.click();
  await expect(page.locator("dl.figures div", { hasText: "Commerces suivis" }).locator("dd")).toHaveText("1");
  await expect(page.locator(".notice.success")).toHaveCount(0);
  await page.getByLabel("Je comprends que c’est définitif.").check();
  await erase.click();
  await expect(page.locator(".notice.success")).toHaveText("Les données de ce téléphone sont effacées.");
  await expect(page.getByText("Quartier ne garde rien sur ce téléphone")).toBeVisible();
  await page.goto("/shops/boulangerie-jacob");
  await waitForHydration(page);
  await expect(page.getByRole("button", { name: "Suivre Boulangerie Jacob" })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("following works with a plain form", async ({ page }) => {
    await page.goto("/shops/flor-alex");
    await page.getByRole("button", { name: "Suivre Flor'Alex" }).click();
    await expect(page).toHaveURL(/\/shops\/flor-alex$/);
    await expect(page.getByText("Vous suivez ce commerce.")).toBeVisible();
    await expect(page.getByText("1 personne le suit")).toBeVisible();
    await page.goto("/feed");
    await expect(page.getByRole("heading", { name: "Atelier couronnes de l’Avent" }).or(page.getByRole("heading", { name: "Atelier couronnes de l'Avent" }))).toBeVisible();
  });

  test("search is a plain GET form", async ({ page }) => {
    await page.goto("/search");
    await page.getByLabel("Commerce, produit ou mot-clé").fill("fleur");
    await page.getByRole("button", { name: "Rechercher" }).click();
    await expect(page).toHaveURL(/q=fleur/);
    await expect(page.locator(".shop-list")).toContainText("Flor'Alex");
  });
});

test("search follows the typing, accents optional", async ({ page }) => {
  await page.goto("/search");
  await waitForHydration(page);
  const input = page.getByLabel("Commerce, produit ou mot-clé");
  await input.pressSequentially("specul");
  await expect(page.locator(".shop-list")).toContainText("Boulangerie Jacob");
  await expect(page).toHaveURL(/q=specul/);
  await expect(input).toBeFocused();
  await page.getByLabel("Ouvert maintenant").check();
  await expect(page).toHaveURL(/open=1/);
});

test("the window poster's QR code opens the shop with a follow prompt", async ({ page, baseURL }) => {
  await page.goto("/shops/boulangerie-jacob/poster");
  await expect(page.getByText("Suivez-nous sur Quartier")).toBeVisible();
  const qr = page.locator("img.poster-qr");
  await expect(qr).toBeVisible();
  await page.waitForFunction(() => {
    const img = document.querySelector("img.poster-qr") as HTMLImageElement | null;
    return !!img && img.complete && img.naturalWidth > 0;
  });
  // As printed: the print style sheet hides the site's chrome (and the fixed tab bar).
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".tab-bar")).toBeHidden();
  const png = PNG.sync.read(await qr.screenshot());
  await page.emulateMedia({ media: "screen" });
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(decoded?.data).toBe(`${baseURL}/shops/boulangerie-jacob?follow=1`);

  await page.goto(new URL(decoded!.data).pathname + new URL(decoded!.data).search);
  await expect(page.getByRole("heading", { name: "Suivre Boulangerie Jacob ?" })).toBeVisible();
  await waitForHydration(page);
  await page.getByRole("button", { name: "Suivre Boulangerie Jacob" }).click();
  await expect(page.getByText("Vous suivez ce commerce.")).toBeVisible();
});

test("the map shows every shop without tiles, and the list", async ({ page }) => {
  await page.goto("/map");
  const map = page.locator("#map");
  await expect(map).toHaveAttribute("data-markers", /^[1-9]\d*$/);
  const markers = Number(await map.getAttribute("data-markers"));
  await expect(page.locator(".shop-list .shop-card")).toHaveCount(markers);
  await expect(page.locator(".leaflet-tile")).toHaveCount(0);
  await expect(page.locator(".leaflet-overlay-pane path").first()).toBeVisible();
});

test("a shop name from OpenStreetMap shows as text on the map, never as HTML", async ({ page }) => {
  // Imported by the test set-up (end2end/fixtures/hostile-names.geojson).
  const name = "<img src=x onerror=alert(1)>";
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto("/map");
  await expect(page.locator("#map")).toHaveAttribute("data-markers", /^[1-9]\d*$/);
  // The server-rendered list has it as text; its link gives the marker's slug.
  const card = page.locator(".shop-list a", { hasText: name }).first();
  await expect(card).toBeVisible();
  const slug = (await card.getAttribute("href"))!.replace(/^\/shops\//, "");
  const marker = page.locator(`#map path[data-slug="${slug}"]`);
  await marker.dispatchEvent("mouseover");
  await expect(page.locator(".leaflet-tooltip")).toHaveText(name);
  await marker.dispatchEvent("click");
  await expect(page.locator(".leaflet-popup-content a")).toHaveText(name);
  expect(
    await page.evaluate(() => document.querySelectorAll("#map img, .leaflet-tooltip *:not(span), .leaflet-popup-content img").length),
  ).toBe(0);
  expect(dialogs).toEqual([]);
});

test("the whole resident UI exists in the four languages", async ({ page, context, baseURL }) => {
  const expected: Record<string, string[]> = {
    fr: ["Mon quartier", "Autour de moi"],
    nl: ["Mijn buurt", "In de buurt"],
    de: ["Mein Viertel", "In der Nähe"],
    en: ["My area", "Near me"],
  };
  for (const [lang, [feed, nearby]] of Object.entries(expected)) {
    await context.addCookies([{ name: "quartier_lang", value: lang, url: baseURL! }]);
    await page.goto("/feed");
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(feed);
    await expect(page.getByRole("navigation", { name: /./ }).getByRole("link", { name: nearby })).toBeVisible();
  }
});

test("on a slow phone network, a QR-code visitor reads the shop and follows it before the WASM arrives", async ({ browser }) => {
  // A first visit: no service worker yet (it would fetch the WebAssembly past the hold below).
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  // Slow 4G as Lighthouse plays it: 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6 * 1024 * 1024) / 8,
    uploadThroughput: (750 * 1024) / 8,
  });
  // The WebAssembly is held back until the end: everything below happens without it.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/pkg\/.*\.wasm$/, async (route) => {
    await held;
    await route.continue().catch(() => {});
  });
  try {
    await page.goto("/shops/multipharma?follow=1");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Multipharma");
    await expect(page.locator("table.hours tr")).toHaveCount(7);
    await expect(page.getByRole("heading", { name: /Suivre Multipharma/ })).toBeVisible();
    const follow = page.getByRole("button", { name: "Suivre Multipharma" });
    await expect(follow).toBeVisible();
    await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
    // A plain form: the tap is kept by the server, and the page comes back following.
    await follow.click();
    await expect(page).toHaveURL(/\/shops\/multipharma$/);
    await expect(page.getByText("Vous suivez ce commerce.")).toBeVisible();
    await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
  } finally {
    release();
    await context.close();
  }
});

// Older news of a shop of Marbehan, written straight into the test server's SQLite database
// (the app has no faster way to publish thirty posts): enough for several pages of the district.
const DATABASE = process.env.E2E_DATABASE_URL ?? "sqlite://target/e2e/quartier.db";

function olderPosts(count: number): string[] {
  const titles = Array.from({ length: count }, (_, n) => `Café du jour n°${n + 1}`);
  const script = `
import sqlite3, sys, json, datetime
titles = json.loads(sys.argv[2])
db = sqlite3.connect(sys.argv[1], timeout=30)
with db:
    shop, town = db.execute("SELECT id, town_id FROM shops WHERE slug = 'cafe-de-la-gare'").fetchone()
    db.execute("DELETE FROM posts WHERE shop_id = ? AND title LIKE 'Café du jour n°%'", (shop,))
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    for n, title in enumerate(titles):
        at = (now - datetime.timedelta(days=10, minutes=n)).isoformat()
        db.execute(
            "INSERT INTO posts (town_id, shop_id, kind, title, body, search_text, published_at, created_at, updated_at)"
            " VALUES (?, ?, 'news', ?, '', ?, ?, ?, ?)",
            (town, shop, title, title.lower(), at, at, at),
        )
`;
  // The server's database, as playwright.config.ts gives it (paths are the repository's).
  const file = DATABASE.replace(/^sqlite:\/\//, "").replace(/\?.*$/, "");
  execFileSync("python3", ["-c", script, `../${file}`, JSON.stringify(titles)]);
  return titles;
}

test("'Voir plus' adds a district's older posts in place, and is a plain link without JavaScript", async ({ page, browser }) => {
  test.skip(!DATABASE.startsWith("sqlite:"), "writes the posts into the SQLite test database");
  const titles = olderPosts(30);
  await page.goto("/districts/marbehan");
  await waitForHydration(page);
  const posts = page.locator("article.post");
  const first = await posts.count();
  expect(first).toBeGreaterThanOrEqual(20);
  const address = page.url();
  const more = page.getByRole("link", { name: "Voir plus" });
  // Page after page, appended below the others, until there is no more.
  while (await more.count()) {
    const shown = await posts.count();
    await more.click();
    await expect.poll(() => posts.count()).toBeGreaterThan(shown);
    // The same link, with the next page's address: the focus stays on it.
    if (await more.count()) await expect(more).toBeFocused();
  }
  expect(page.url()).toBe(address);
  const headings = await posts.locator("h3").allInnerTexts();
  for (const title of titles) expect(headings.filter((h) => h === title), title).toHaveLength(1);
  expect(new Set(headings).size).toBe(headings.length);

  // Without JavaScript, the same link loads the next page.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const reader = await plain.newPage();
  await reader.goto("/districts/marbehan");
  await reader.getByRole("link", { name: "Voir plus" }).click();
  await expect(reader).toHaveURL(/\/districts\/marbehan\?before=/);
  await expect(reader.locator("article.post").first()).toBeVisible();
  await plain.close();
});

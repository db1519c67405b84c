import { expect, test } from "./fixtures";
// The reference JSON-LD processor (digitalbazaar/jsonld.js), in safe mode: it refuses documents
// whose terms or values would be dropped or changed by expansion.
import jsonld from "jsonld";

// schema.org's context, offline: every term maps into the schema.org vocabulary.
const SCHEMA_CONTEXT = { "@context": { "@vocab": "https://schema.org/" } };
const documentLoader = async (url: string) => {
  if (url.replace(/\/$/, "") === "https://schema.org" || url === "http://schema.org") {
    return { contextUrl: undefined, documentUrl: url, document: SCHEMA_CONTEXT };
  }
  throw new Error(`no network in tests: ${url}`);
};

async function expanded(page: any, path: string): Promise<any[]> {
  await page.goto(path);
  const raw = await page.locator('script[type="application/ld+json"]').textContent();
  return (await jsonld.expand(JSON.parse(raw!), { documentLoader, safe: true } as any)) as any[];
}

const S = "https://schema.org/";
const first = (node: any, property: string) => node[S + property]?.[0]?.["@value"] ?? node[S + property]?.[0];

test("a shop with an event: LocalBusiness subtype and Event expand cleanly", async ({ page }) => {
  const nodes = await expanded(page, "/shops/flor-alex");
  const business = nodes.find((n) => n["@type"]?.includes(S + "Florist"));
  expect(business).toBeTruthy();
  expect(first(business, "name")).toBe("Flor'Alex");
  const geo = business[S + "geo"][0];
  expect(typeof first(geo, "latitude")).toBe("number");
  const event = nodes.find((n) => n["@type"]?.includes(S + "Event"));
  expect(first(event, "name")).toBe("Atelier couronnes de l'Avent");
  expect(first(event, "startDate")).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
  expect(event[S + "location"][0]["@type"]).toContain(S + "Place");
  expect(event[S + "organizer"][0]["@id"]).toBe(business["@id"]);
});

test("a shop with an offer: makesOffer with its validity", async ({ page }) => {
  const nodes = await expanded(page, "/shops/boulangerie-jacob");
  const business = nodes[0];
  expect(business["@type"]).toContain(S + "Bakery");
  const offer = business[S + "makesOffer"][0];
  expect(offer["@type"]).toContain(S + "Offer");
  expect(first(offer, "validThrough")).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  const hours = business[S + "openingHoursSpecification"] ?? [];
  for (const spec of hours) {
    expect(first(spec, "opens")).toMatch(/^\d{2}:\d{2}$/);
  }
});

test("a shop with reviews: aggregateRating and Review expand cleanly", async ({ page }) => {
  const nodes = await expanded(page, "/shops/boulangerie-jacob");
  const business = nodes[0];
  const aggregate = business[S + "aggregateRating"][0];
  expect(aggregate["@type"]).toContain(S + "AggregateRating");
  expect(first(aggregate, "ratingValue")).toBeGreaterThanOrEqual(1);
  expect(first(aggregate, "ratingValue")).toBeLessThanOrEqual(5);
  expect(first(aggregate, "reviewCount")).toBeGreaterThanOrEqual(2);
  const reviews = business[S + "review"];
  expect(reviews.length).toBeGreaterThanOrEqual(2);
  for (const review of reviews) {
    expect(review["@type"]).toContain(S + "Review");
    expect(review[S + "author"][0]["@type"]).toContain(S + "Person");
    expect(first(review[S + "author"][0], "name")).not.toContain("@");
    expect(first(review, "datePublished")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const stars = first(review[S + "reviewRating"][0], "ratingValue");
    expect(stars).toBeGreaterThanOrEqual(1);
    expect(stars).toBeLessThanOrEqual(5);
  }
});

test("a district's events expand cleanly, organised by the district", async ({ page }) => {
  const nodes = await expanded(page, "/districts/habay-la-neuve-centre");
  const market = nodes.find((n) => first(n, "name") === "Marché de Noël de Habay-la-Neuve");
  expect(market["@type"]).toContain(S + "Event");
  expect(market[S + "organizer"][0]["@type"]).toContain(S + "Organization");
  expect(first(market, "startDate")).toMatch(/T14:00:00\+01:00$/);
});

import fs from "node:fs";
import { type Browser, type Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { accessibilityViolations, controlledByServiceWorker, waitForHydration } from "./helpers";
import { pushManagerOf, startPushService } from "./push-service";

// The server sends its e-mails here (see playwright.config.ts): a real SMTP server whose
// messages are parsed as a mail client would.
const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? "2526");
type Mail = { to: string[]; subject: string; text: string; html: string };
const inbox: Mail[] = [];
let smtp: SMTPServer;

test.beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    hideSTARTTLS: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          inbox.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            html: typeof mail.html === "string" ? mail.html : "",
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(SMTP_PORT, "127.0.0.1", resolve));
});

test.afterAll(() => {
  // The app keeps its SMTP connections open (a pool): do not wait for them.
  smtp.close(() => undefined);
});

test.describe.configure({ mode: "serial" });
// Sharp enough screenshots to read the invitation's QR code back.
test.use({ deviceScaleFactor: 2 });

/** The sign-in link of the newest e-mail to `to`. */
async function signInLink(to: string): Promise<string> {
  await expect.poll(() => inbox.some((m) => m.to.includes(to)), { timeout: 15_000 }).toBe(true);
  const mail = [...inbox].reverse().find((m) => m.to.includes(to))!;
  inbox.splice(inbox.indexOf(mail), 1);
  const match = mail.text.match(/https?:\/\/\S+\/auth\/[0-9a-f]{64}/);
  expect(match, mail.text).not.toBeNull();
  return new URL(match![0]).pathname;
}

/** Asks for a link on the current page's sign-in form, then signs in from the e-mail. */
async function signInFromMail(page: Page, email: string) {
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByRole("button", { name: "Recevoir le lien" }).click();
  await expect(page.getByText("Vérifiez votre boîte mail")).toBeVisible();
  const link = await signInLink(email);
  await page.goto(link);
  await waitForHydration(page);
  await page.getByRole("button", { name: "Me connecter" }).click();
}

/** A JPEG as a phone camera produces it, drawn and encoded by Chromium itself. */
async function cameraPhoto(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 1600;
    canvas.height = 1200;
    const g = canvas.getContext("2d")!;
    const gradient = g.createLinearGradient(0, 0, 1600, 1200);
    gradient.addColorStop(0, "#d9a066");
    gradient.addColorStop(1, "#5b3a1a");
    g.fillStyle = gradient;
    g.fillRect(0, 0, 1600, 1200);
    g.fillStyle = "#fff";
    g.font = "bold 160px sans-serif";
    g.fillText("Cougnous", 300, 650);
    const blob: Blob = await new Promise((resolve) => canvas.toBlob((b) => resolve(b!), "image/jpeg", 0.9));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary);
  });
  return Buffer.from(base64, "base64");
}

async function phone(browser: Browser, javaScriptEnabled = true) {
  return browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "fr-BE",
    timezoneId: "Europe/Brussels",
    javaScriptEnabled,
  });
}

let invitationPath = "";
// The admin's session, kept for the later tests (sign-in links are limited per address and hour).
let adminCookies: Awaited<ReturnType<Awaited<ReturnType<typeof phone>>["cookies"]>> = [];
let merchantCookies: Awaited<ReturnType<Awaited<ReturnType<typeof phone>>["cookies"]>> = [];

test("the town's admin signs in from the e-mail and invites the baker with a QR code", async ({ page, baseURL }) => {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await signInFromMail(page, "admin@habay.test");
  await expect(page).toHaveURL(/\/manage$/);
  adminCookies = await page.context().cookies();
  await expect(page.getByRole("heading", { name: "Gérer les commerces" })).toBeVisible();
  await waitForHydration(page);

  const row = page.locator(".managed-shop", { hasText: "Boulangerie Jacob" });
  await row.getByRole("button", { name: "Inviter le commerçant" }).click();
  const link = row.locator(".invitation-url");
  await expect(link).toHaveText(/\/invite\/[0-9a-f]{64}$/);
  const url = (await link.textContent())!;
  expect(url.startsWith(baseURL!)).toBe(true);

  // The QR code on screen holds the same link.
  // Clear of the fixed tab bar, as a person holds it up to be scanned.
  const qr = row.locator(".qr svg");
  await qr.evaluate((el) => el.scrollIntoView({ block: "center" }));
  const png = PNG.sync.read(await qr.screenshot());
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(decoded?.data).toBe(url);
  invitationPath = new URL(url).pathname;
  expect(await accessibilityViolations(page)).toEqual([]);
});

test("the baker opens the invitation on the phone, signs in from the mail and posts an offer with a photo in three taps", async ({ browser }) => {
  const merchant = await phone(browser);
  const page = await merchant.newPage();
  // Hydration problems surface as page errors or console errors: none expected.
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto(invitationPath);
  await expect(page.getByRole("heading", { name: "Gérer « Boulangerie Jacob » sur Quartier" })).toBeVisible();
  await waitForHydration(page);
  expect(await accessibilityViolations(page)).toEqual([]);
  await signInFromMail(page, "jacob@boulangerie.test");
  await expect(page).toHaveURL(/\/counter\/boulangerie-jacob\?welcome=1$/);
  await expect(page.getByText("Bienvenue au comptoir de Boulangerie Jacob")).toBeVisible();
  const session = (await merchant.cookies()).find((c) => c.name === "quartier_session");
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");
  await waitForHydration(page);

  const photo = await cameraPhoto(page);
  // Tap 1: "Offre".
  await page.locator('a.counter-kind[data-kind="offer"]').click();
  await expect(page.getByRole("heading", { name: "Offre", level: 2 })).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel("Titre").fill("Cougnous -20 % ce week-end");
  await expect(page.locator(".notification-text")).toContainText("Cougnous -20 % ce week-end");
  // Tap 2: the camera (the file chooser stands in for it).
  const chooser = page.waitForEvent("filechooser");
  await page.getByText("Prendre une photo").click();
  await (await chooser).setFiles({ name: "IMG_2041.jpg", mimeType: "image/jpeg", buffer: photo });
  await expect(page.locator(".preview-photo")).toBeVisible();
  // Tap 3: "Publier".
  await page.getByRole("button", { name: "Publier" }).click();
  await expect(page.getByText("C’est publié !")).toBeVisible();
  const item = page.locator(".counter-post", { hasText: "Cougnous -20 % ce week-end" });
  await expect(item).toHaveCount(1);
  await expect(item.locator(".post-photo img")).toBeVisible();
  await expect
    .poll(() => item.locator(".post-photo img").evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBeGreaterThan(0);
  merchantCookies = await merchant.cookies();
  // The counter with the longest form open meets WCAG 2.2 AA.
  await page.goto("/counter/boulangerie-jacob?new=event");
  await waitForHydration(page);
  await page.locator(".schedule summary").click();
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.goto("/account");
  await expect(page.getByText("Connecté·e en tant que jacob@boulangerie.test.")).toBeVisible();
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
  await merchant.close();
});

test("offline at the counter: the post waits on the phone, then goes out once", async ({ browser }) => {
  const merchant = await phone(browser);
  await merchant.addCookies(merchantCookies);
  const page = await merchant.newPage();
  await page.goto("/counter/boulangerie-jacob?new=news");
  await waitForHydration(page);
  await merchant.setOffline(true);
  await page.getByLabel("Titre").fill("Pain du jour : épeautre");
  await page.getByRole("button", { name: "Publier" }).click();
  await expect(page.getByText("Pas de connexion : votre publication est gardée sur ce téléphone")).toBeVisible();
  const queued = page.locator(".queued-post", { hasText: "Pain du jour : épeautre" });
  await expect(queued).toContainText("En attente d’envoi");
  // The connection returns: sent by itself, once.
  await merchant.setOffline(false);
  await expect(page.getByText("C’est publié !")).toBeVisible();
  await expect(page.locator(".counter-post", { hasText: "Pain du jour : épeautre" })).toHaveCount(1);
  await expect(page.locator(".queued-post")).toHaveCount(0);
  // Sending the queue again (a second tab, the service worker's sync) changes nothing.
  await page.evaluate(() => (window as any).quartierPendingPosts.flush());
  await page.reload();
  await expect(page.locator(".counter-post", { hasText: "Pain du jour : épeautre" })).toHaveCount(1);
  await merchant.close();
});

test("a resident who follows the bakery sees the offer and its photo", async ({ page }) => {
  await page.goto("/shops/boulangerie-jacob");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Suivre Boulangerie Jacob" }).click();
  await expect(page.getByText("Vous suivez ce commerce.")).toBeVisible();
  await page.goto("/feed");
  const post = page.locator(".post", { hasText: "Cougnous -20 % ce week-end" });
  await expect(post).toBeVisible();
  const src = await post.locator(".post-photo img").getAttribute("src");
  expect(src).toMatch(/^\/media\/[0-9a-f]{32}-t\.jpg$/);
  const response = await page.request.get(src!);
  expect(response.headers()["cache-control"]).toContain("immutable");
  // No EXIF in what is served.
  expect((await response.body()).includes(Buffer.from("Exif"))).toBe(false);
});

test("without JavaScript the counter still publishes, once", async ({ browser }) => {
  const merchant = await phone(browser, false);
  await merchant.addCookies(merchantCookies);
  const page = await merchant.newPage();
  await page.goto("/counter/boulangerie-jacob");
  await page.getByRole("link", { name: "Info", exact: true }).click();
  await page.getByLabel("Titre").fill("Fermé exceptionnellement lundi");
  await page.getByRole("button", { name: "Publier" }).click();
  await expect(page.getByText("C’est publié !")).toBeVisible();
  await expect(page.locator(".counter-post", { hasText: "Fermé exceptionnellement lundi" })).toHaveCount(1);
  // A title too long: a clear message, and the text typed is still there.
  await page.getByRole("link", { name: "Info", exact: true }).click();
  await page.getByLabel("Titre").evaluate((input: HTMLInputElement) => input.removeAttribute("maxlength"));
  await page.getByLabel("Titre").fill("x".repeat(81));
  await page.getByLabel("Texte (facultatif)").fill("Un texte que je ne veux pas retaper");
  await page.getByRole("button", { name: "Publier" }).click();
  await expect(page.getByText("Certaines informations ne sont pas valides.")).toBeVisible();
  await expect(page.getByLabel("Texte (facultatif)")).toHaveValue("Un texte que je ne veux pas retaper");
  await merchant.close();
});

/** `YYYY-MM-DD` of the next Tuesday after today (1 to 7 days ahead), in Brussels. */
function nextTuesday(): string {
  const today = new Date(new Date().toLocaleString("en-US", { timeZone: "Europe/Brussels" }));
  const ahead = ((2 - today.getDay() + 7) % 7) || 7;
  const day = new Date(today.getFullYear(), today.getMonth(), today.getDate() + ahead);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

test("the baker edits the shop's hours with a lunch break and a closure; residents see them", async ({ browser }) => {
  const merchant = await phone(browser);
  await merchant.addCookies(merchantCookies);
  const page = await merchant.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto("/counter/boulangerie-jacob");
  await page.getByRole("link", { name: "Modifier la fiche du commerce" }).click();
  await expect(page.getByRole("heading", { name: "Fiche · Boulangerie Jacob" })).toBeVisible();
  await waitForHydration(page);
  // Pre-filled from OpenStreetMap: Mo-Th 07:15-19:00; Sa-Su 07:15-19:00.
  const monday = page.getByRole("group", { name: "Lundi" });
  await expect(monday.getByLabel("Lundi, ouverture")).toHaveValue("07:15");
  await expect(page.getByRole("group", { name: "Vendredi" }).getByLabel("Fermé")).toBeChecked();
  expect(await accessibilityViolations(page)).toEqual([]);

  // Closed on Monday: its times disappear.
  await monday.getByLabel("Fermé").check();
  await expect(monday.getByLabel("Lundi, ouverture")).toBeHidden();
  // Tuesday and Wednesday with a lunch break.
  for (const day of ["Mardi", "Mercredi"]) {
    const group = page.getByRole("group", { name: day });
    await group.getByLabel(`${day}, fermeture ou pause`).fill("12:30");
    await group.getByLabel(`${day}, réouverture après la pause`).fill("14:00");
    await group.getByLabel(`${day}, fermeture après la pause`).fill("19:00");
  }
  await page.getByLabel("Fermé les jours fériés").check();
  const closure = nextTuesday();
  await page.getByLabel("Fermeture 1").fill(closure);
  await page.getByLabel("Description").fill("Pain au levain et cougnous, cuits chaque matin.");
  await page.getByRole("button", { name: "Enregistrer la fiche" }).click();
  await expect(page.getByText("Fiche enregistrée")).toBeVisible();
  await expect(page.getByRole("group", { name: "Lundi" }).getByLabel("Fermé")).toBeChecked();
  await expect(page.getByLabel("Fermeture 1")).toHaveValue(closure);
  // The OSM value written, as the advanced field shows it.
  await page.getByLabel("Syntaxe OpenStreetMap", { exact: true }).check();
  await expect(page.getByLabel("Horaires (syntaxe OpenStreetMap opening_hours)")).toHaveValue(
    `Tu,We 07:15-12:30,14:00-19:00; Th,Sa,Su 07:15-19:00; PH off; ${closure.slice(0, 4)} ${new Date(closure + "T12:00:00Z").toLocaleString("en-US", { month: "short", timeZone: "UTC" })} ${closure.slice(8)} off`,
  );
  // A mistake is refused with its reason, and nothing typed is lost.
  await page.getByLabel("Semaine type").check();
  const thursday = page.getByRole("group", { name: "Jeudi" });
  await thursday.getByLabel("Jeudi, fermeture ou pause").fill("12:00");
  await thursday.getByLabel("Jeudi, réouverture après la pause").fill("11:00");
  await thursday.getByLabel("Jeudi, fermeture après la pause").fill("18:00");
  await page.getByRole("button", { name: "Enregistrer la fiche" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "La deuxième plage commence après la fin de la première." }).first()).toBeVisible();
  await expect(page.getByRole("group", { name: "Jeudi" }).getByLabel("Jeudi, réouverture après la pause")).toHaveValue("11:00");
  await expect(page.getByLabel("Description")).toHaveValue("Pain au levain et cougnous, cuits chaque matin.");
  expect(errors).toEqual([]);
  await merchant.close();

  // A resident sees the new hours, the closure and the description.
  const resident = await phone(browser);
  const shop = await resident.newPage();
  await shop.goto("/shops/boulangerie-jacob");
  await expect(shop.getByText("Pain au levain et cougnous, cuits chaque matin.")).toBeVisible();
  await expect(shop.locator(`tr:has(time[datetime="${closure}"]) td`)).toHaveText("Fermé");
  const wednesday = shop.locator("table.hours tr", { hasText: "mercredi" });
  await expect(wednesday.locator(".range")).toHaveText(["7 h 15 – 12 h 30", "14 h – 19 h"]);
  await resident.close();
});

// Reviews: the resident → merchant → reply → resident loop, then a report and a moderator.
let residentCookies: Awaited<ReturnType<Awaited<ReturnType<typeof phone>>["cookies"]>> = [];
const REVIEW = `<script>alert("avis")</script> Pain croustillant, مرحبا 😀`;

/** The shop page's structured data: its rating figures. */
async function ratingOf(page: Page) {
  const response = await page.request.get("/shops/boulangerie-jacob");
  const html = await response.text();
  const json = html.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/)![1];
  const data = JSON.parse(json);
  const business = (data["@graph"] ?? [data]).find((n: any) => n.aggregateRating);
  return business.aggregateRating;
}

test("a resident without JavaScript reviews the bakery, signs in from the mail, and finds what they typed", async ({ browser }) => {
  const noScript = await phone(browser, false);
  const page = await noScript.newPage();
  await page.goto("/shops/boulangerie-jacob");
  const reviews = page.locator("#reviews");
  await expect(reviews.getByRole("heading", { name: "Avis", level: 2 })).toBeVisible();
  await expect(reviews.locator(".review-average-figure")).toHaveText("4,5");
  await expect(reviews.getByRole("list", { name: "Répartition des notes" }).getByRole("meter", { name: "1 avis à 5 étoiles" })).toBeVisible();
  await expect(reviews.getByText("Merci beaucoup Claire !", { exact: false })).toBeVisible();

  await reviews.getByRole("radio", { name: "Bien" }).check();
  await reviews.getByLabel("Votre avis (facultatif)").fill(REVIEW);
  await reviews.getByRole("button", { name: "Publier mon avis" }).click();
  // Signed out: the sign-in, which will bring the form back as it was.
  await expect(page).toHaveURL(/\/sign-in\?return_to=%2Fshops%2Fboulangerie-jacob%3Fdraft%3D/);
  const signInUrl = page.url();

  // The e-mail's link opens on the phone (with JavaScript this time), back to the form.
  const phoneWithJs = await phone(browser);
  const signing = await phoneWithJs.newPage();
  await signing.goto(signInUrl);
  await waitForHydration(signing);
  await signInFromMail(signing, "lea@habay.test");
  await expect(signing).toHaveURL(/\/shops\/boulangerie-jacob\?draft=/);
  await expect(signing.getByLabel("Votre avis (facultatif)")).toHaveValue(REVIEW);
  await expect(signing.getByRole("radio", { name: "Bien" })).toBeChecked();
  residentCookies = await phoneWithJs.cookies();
  await phoneWithJs.close();

  // Published from the page without JavaScript; the text is shown as text.
  await noScript.addCookies(residentCookies);
  await page.goto(new URL(signing.url()).pathname + new URL(signing.url()).search);
  await expect(page.getByLabel("Votre avis (facultatif)")).toHaveValue(REVIEW);
  await page.getByRole("button", { name: "Publier mon avis" }).click();
  await expect(page).toHaveURL(/\/shops\/boulangerie-jacob\?review=published&stars=4#my-review$/);
  await expect(page.getByText("Merci ! Votre avis est publié.")).toBeVisible();
  const mine = page.locator(".review", { hasText: "Pain croustillant" });
  await expect(mine.locator(".review-body")).toHaveText(REVIEW);
  await expect(mine.locator(".review-author")).toHaveText("lea");
  await expect(mine.getByRole("img", { name: "4 étoiles sur 5" })).toBeVisible();
  expect(await ratingOf(page)).toMatchObject({ ratingValue: 4.3, reviewCount: 3 });
  await noScript.close();

  // With JavaScript, the same text never runs, and the page is accessible.
  const reader = await phone(browser);
  const readerPage = await reader.newPage();
  let dialogs = 0;
  readerPage.on("dialog", async (dialog) => {
    dialogs += 1;
    await dialog.dismiss();
  });
  await readerPage.goto("/shops/boulangerie-jacob");
  await waitForHydration(readerPage);
  await expect(readerPage.locator(".review-body", { hasText: "Pain croustillant" })).toHaveText(REVIEW);
  expect(dialogs).toBe(0);
  expect(await accessibilityViolations(readerPage)).toEqual([]);
  await reader.close();
});

test("the baker sees the review to answer on the counter and replies; the resident reads the reply", async ({ browser }) => {
  const merchant = await phone(browser);
  await merchant.addCookies(merchantCookies);
  const page = await merchant.newPage();
  await page.goto("/counter/boulangerie-jacob");
  // Marc's demo review and Léa's are unanswered.
  await page.getByRole("link", { name: "2 à répondre" }).click();
  await expect(page).toHaveURL(/\/counter\/boulangerie-jacob\/reviews\?filter=unanswered$/);
  await expect(page.getByRole("heading", { name: "Avis des clients", level: 1 })).toBeVisible();
  expect(await accessibilityViolations(page)).toEqual([]);
  const review = page.locator(".review", { hasText: "Pain croustillant" });
  await review.getByLabel("Votre réponse publique").fill("Merci Léa, à samedi !");
  await review.getByRole("button", { name: "Publier la réponse" }).click();
  await expect(page.getByText("Réponse publiée.")).toBeVisible();
  await merchant.close();

  const resident = await phone(browser, false);
  await resident.addCookies(residentCookies);
  const shop = await resident.newPage();
  await shop.goto("/shops/boulangerie-jacob");
  const reply = shop.locator(".review", { hasText: "Pain croustillant" }).locator(".review-reply");
  await expect(reply).toContainText("Réponse du commerce");
  await expect(reply).toContainText("Merci Léa, à samedi !");
  await resident.close();
});

test("someone reports the review; the town's admin hides it with a reason: the page, the average and the data change", async ({ browser, page }) => {
  const visitor = await phone(browser, false);
  const reporting = await visitor.newPage();
  await reporting.goto("/shops/boulangerie-jacob");
  await reporting.locator(".review", { hasText: "Pain croustillant" }).getByRole("link", { name: "Signaler", exact: true }).click();
  await expect(reporting.getByRole("heading", { name: "Signaler un avis" })).toBeVisible();
  await reporting.getByRole("radio", { name: "Insulte ou harcèlement" }).check();
  await reporting.getByRole("button", { name: "Envoyer le signalement" }).click();
  await expect(reporting.getByText("Merci, votre signalement a été transmis à la modération.")).toBeVisible();
  await visitor.close();

  await page.goto("/sign-in");
  await waitForHydration(page);
  await signInFromMail(page, "admin@habay.test");
  await expect(page).toHaveURL(/\/manage$/);
  await page.getByRole("link", { name: "Modération des avis" }).click();
  await expect(page.getByRole("heading", { name: "Modération des avis", level: 1 })).toBeVisible();
  expect(await accessibilityViolations(page)).toEqual([]);
  const item = page.locator(".review", { hasText: "Pain croustillant" });
  await expect(item.locator(".reports")).toContainText("Insulte ou harcèlement");
  await item.getByLabel("Raison (montrée à l’auteur)").first().fill("Propos hors charte");
  await item.getByRole("button", { name: "Masquer l’avis" }).click();
  await expect(page.getByText("Décision enregistrée.")).toBeVisible();
  await expect(page.locator(".moderation-log")).toContainText("Propos hors charte");

  expect(await ratingOf(page)).toMatchObject({ ratingValue: 4.5, reviewCount: 2 });
  const anyone = await page.request.get("/shops/boulangerie-jacob");
  expect(await anyone.text()).not.toContain("Pain croustillant");
  // The author is told why, on their account.
  const resident = await phone(browser, false);
  await resident.addCookies(residentCookies);
  const account = await resident.newPage();
  await account.goto("/account");
  await expect(account.locator("#my-reviews")).toContainText("Votre avis a été masqué par la modération : Propos hors charte");
  await resident.close();
});

const SUGGESTION = `Du pain sans gluten le vendredi ?
<img src=x onerror=alert(1)> Merci !`;

test("a resident without JavaScript sends the bakery a suggestion; the baker answers from the counter; the answer comes by e-mail and on « Mes messages »", async ({ browser }) => {
  const noScript = await phone(browser, false);
  const page = await noScript.newPage();
  await page.goto("/shops/boulangerie-jacob");
  const section = page.locator("#suggestion");
  await expect(section.getByRole("heading", { name: "Une suggestion ?", level: 2 })).toBeVisible();
  // A mistyped address comes back with the text kept.
  await section.getByLabel("Votre message").fill(SUGGESTION);
  await section.getByLabel("Votre adresse e-mail (facultatif)").fill("anne@habay");
  await section.getByRole("button", { name: "Envoyer le message" }).click();
  await expect(page).toHaveURL(/message_error=invalid-email/);
  await expect(page.locator("#message-error")).toHaveText("Cette adresse e-mail n’est pas valable. Corrigez-la ou laissez le champ vide.");
  await expect(page.locator("#suggestion").getByLabel("Votre message")).toHaveValue(SUGGESTION);
  await page.locator("#suggestion").getByLabel("Votre adresse e-mail (facultatif)").fill("anne@habay.test");
  await page.locator("#suggestion").getByRole("button", { name: "Envoyer le message" }).click();
  await expect(page).toHaveURL(/\/shops\/boulangerie-jacob\?message=sent#suggestion$/);
  await expect(page.getByText("Message envoyé. La réponse arrivera sur cet appareil.")).toBeVisible();
  await page.getByRole("link", { name: "Voir mes messages" }).click();
  await expect(page.getByRole("heading", { name: "Mes messages", level: 1 })).toBeVisible();
  const mine = page.locator(".message-item", { hasText: "sans gluten" });
  await expect(mine).toContainText("En attente");
  await expect(mine.locator(".message-body")).toHaveText(SUGGESTION);

  // The baker: the counter says a message waits; the answer is private.
  const merchant = await phone(browser);
  await merchant.addCookies(merchantCookies);
  const counter = await merchant.newPage();
  await counter.goto("/counter/boulangerie-jacob");
  await counter.getByRole("link", { name: "1 message à traiter" }).click();
  await expect(counter.getByRole("heading", { name: "Messages privés · Boulangerie Jacob", level: 1 })).toBeVisible();
  let dialogs = 0;
  counter.on("dialog", async (dialog) => {
    dialogs += 1;
    await dialog.dismiss();
  });
  const item = counter.locator(".message-item", { hasText: "sans gluten" });
  await expect(item.locator(".message-body").first()).toHaveText(SUGGESTION);
  await expect(item.locator(".message-body img")).toHaveCount(0);
  await expect(item).toContainText("réponse aussi par e-mail");
  await expect(item).not.toContainText("anne@habay.test");
  expect(await accessibilityViolations(counter)).toEqual([]);
  await item.getByLabel("Votre réponse (privée)").fill("Oui, le vendredi dès 7 h !");
  await item.getByRole("button", { name: "Envoyer la réponse" }).click();
  await expect(counter.getByText("Réponse envoyée.")).toBeVisible();
  expect(dialogs).toBe(0);
  await merchant.close();

  // The answer by e-mail, in the resident's language (their own text is not repeated: the
  // address was never verified)…
  await expect.poll(() => inbox.some((m) => m.to.includes("anne@habay.test")), { timeout: 15_000 }).toBe(true);
  const mail = inbox.find((m) => m.to.includes("anne@habay.test"))!;
  expect(mail.subject).toBe("Boulangerie Jacob a répondu à votre message");
  expect(mail.text).toContain("Oui, le vendredi dès 7 h !");
  expect(mail.text).not.toContain("sans gluten");
  expect(mail.html).toContain("Oui, le vendredi dès 7 h !");
  expect(mail.html).not.toContain("<img");
  // …and on the device's « Mes messages », readable and accessible with JavaScript too.
  await page.reload();
  await expect(page.locator(".message-item", { hasText: "sans gluten" }).locator(".message-answer")).toContainText("Oui, le vendredi dès 7 h !");
  await expect(page.locator(".message-item .message-body img")).toHaveCount(0);
  const cookies = await noScript.cookies();
  await noScript.close();
  const withJs = await phone(browser);
  await withJs.addCookies(cookies);
  const reader = await withJs.newPage();
  await reader.goto("/messages");
  await waitForHydration(reader);
  await expect(reader.locator(".message-answer")).toContainText("Oui, le vendredi dès 7 h !");
  expect(await accessibilityViolations(reader)).toEqual([]);
  await withJs.close();
});

test("the feedback forms and « Mes messages » speak Dutch, German and English too", async ({ browser }) => {
  const languages = [
    { locale: "nl-BE", reviews: "Beoordelingen", suggestion: "Een suggestie?", send: "Bericht verzenden", publish: "Mijn beoordeling publiceren", mine: "Mijn berichten", none: "Geen berichten verzonden vanaf dit toestel." },
    { locale: "de-BE", reviews: "Bewertungen", suggestion: "Ein Vorschlag?", send: "Nachricht senden", publish: "Bewertung veröffentlichen", mine: "Meine Nachrichten", none: "Von diesem Gerät wurden keine Nachrichten gesendet." },
    { locale: "en-GB", reviews: "Reviews", suggestion: "A suggestion?", send: "Send the message", publish: "Publish my review", mine: "My messages", none: "No message sent from this device." },
  ];
  for (const language of languages) {
    const context = await browser.newContext({ locale: language.locale, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/shops/boulangerie-jacob");
    await expect(page.getByRole("heading", { name: language.reviews, level: 2 })).toBeVisible();
    await expect(page.getByRole("button", { name: language.publish })).toBeVisible();
    await expect(page.getByRole("heading", { name: language.suggestion, level: 2 })).toBeVisible();
    await expect(page.getByRole("button", { name: language.send })).toBeVisible();
    await page.getByRole("contentinfo").getByRole("link", { name: language.mine }).click();
    await expect(page.getByRole("heading", { name: language.mine, level: 1 })).toBeVisible();
    await expect(page.getByText(language.none)).toBeVisible();
    await context.close();
  }
});

test("the baker makes a passkey and signs back in with it, without waiting for an e-mail", async ({ browser }) => {
  // Passkeys need a domain name: the same server, reached as localhost (a secure context).
  const origin = `http://localhost:${process.env.E2E_PORT ?? "3100"}`;
  const merchant = await phone(browser);
  const session = merchantCookies.find((c) => c.name === "quartier_session")!;
  await merchant.addCookies([{ name: session.name, value: session.value, url: origin, httpOnly: true, sameSite: "Lax" }]);
  const page = await merchant.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  // A panic's message (console_error_panic_hook), to say where it came from.
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().includes("panicked")) errors.push(`${page.url()}: ${message.text()}`);
  });
  // A phone's built-in authenticator, as Chromium's DevTools protocol simulates it.
  const cdp = await merchant.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  await page.goto(`${origin}/account`);
  await expect(page.getByText("Connecté·e en tant que jacob@boulangerie.test.")).toBeVisible();
  await expect(page.getByText("Aucune clé d’accès pour l’instant.")).toBeVisible();
  await waitForHydration(page);
  await page.getByRole("button", { name: "Créer une clé d’accès sur cet appareil" }).click();
  await expect(page).toHaveURL(/\/account\?passkey=added$/);
  await expect(page.getByText("Clé d’accès créée")).toBeVisible();
  await expect(page.locator(".passkey-list li")).toHaveCount(1);
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0].isResidentCredential).toBe(true);
  expect(await accessibilityViolations(page)).toEqual([]);

  // Signed out, then back in with one tap: no e-mail address, no mail.
  await waitForHydration(page);
  await page.getByRole("button", { name: "Me déconnecter", exact: true }).click();
  // Signed out, the home page is loaded afresh.
  await page.waitForURL(`${origin}/`, { waitUntil: "load" });
  await expect.poll(async () => (await merchant.cookies(origin)).some((c) => c.name === "quartier_session")).toBe(false);
  const mails = inbox.length;
  await page.goto(`${origin}/sign-in`);
  await waitForHydration(page);
  await page.getByRole("button", { name: "Se connecter avec une clé d’accès" }).click();
  await expect(page).toHaveURL(/\/counter\/boulangerie-jacob$/);
  await expect(page.getByRole("heading", { name: "Boulangerie Jacob", level: 1 })).toBeVisible();
  expect(inbox.length).toBe(mails);
  const { credentials: used } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(used[0].signCount).toBeGreaterThan(credentials[0].signCount);

  // Removed from the account, the passkey no longer opens it.
  await page.goto(`${origin}/account`);
  await waitForHydration(page);
  await page.getByRole("button", { name: /^Supprimer la clé d’accès/ }).click();
  // Removed, the page is loaded again.
  await expect(page).toHaveURL(/\/account\?passkey=removed$/);
  await expect(page.getByText("Aucune clé d’accès pour l’instant.")).toBeVisible();
  await waitForHydration(page);
  await page.getByRole("button", { name: "Me déconnecter", exact: true }).click();
  // Signed out, the home page is loaded afresh.
  await page.waitForURL(`${origin}/`, { waitUntil: "load" });
  await expect.poll(async () => (await merchant.cookies(origin)).some((c) => c.name === "quartier_session")).toBe(false);
  await page.goto(`${origin}/sign-in`);
  await waitForHydration(page);
  await page.getByRole("button", { name: "Se connecter avec une clé d’accès" }).click();
  await expect(page.getByRole("status").filter({ hasText: "n’est liée à aucun compte" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect(errors).toEqual([]);
  await merchant.close();
});

test("a resident cannot open a counter", async ({ page }) => {
  await page.goto("/counter/boulangerie-jacob");
  await expect(page.getByRole("heading", { name: "Se connecter" })).toBeVisible();
  const response = await page.request.post("/api/counter/save", {
    form: { slug: "boulangerie-jacob", kind: "news", title: "Pirate" },
    headers: { Accept: "application/json" },
  });
  expect(response.status()).toBe(401);
});

test("the town's admin opens the dashboard from « Gérer les commerces », sorts the shops and downloads their table as CSV", async ({ browser, page }) => {
  // A resident shares the bakery's page (this browser has no share sheet: the link is copied),
  // a friend opens the link.
  const resident = await phone(browser);
  await resident.grantPermissions(["clipboard-read", "clipboard-write"]);
  const shopPage = await resident.newPage();
  await shopPage.goto("/shops/boulangerie-jacob");
  await waitForHydration(shopPage);
  await shopPage.getByRole("button", { name: "Partager" }).click();
  await expect(shopPage.getByText("Lien copié.")).toBeVisible();
  const link = new URL(await shopPage.evaluate(() => navigator.clipboard.readText()));
  expect(link.pathname + link.search).toBe("/shops/boulangerie-jacob?via=share");
  await resident.close();
  const friend = await phone(browser);
  const friendPage = await friend.newPage();
  await friendPage.goto(link.pathname + link.search);
  await expect(friendPage.getByRole("heading", { level: 1 })).toHaveText("Boulangerie Jacob");
  await friend.close();

  await page.goto("/sign-in");
  await waitForHydration(page);
  await signInFromMail(page, "admin@habay.test");
  await expect(page).toHaveURL(/\/manage$/);
  await page.getByRole("link", { name: "Tableau de bord" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Tableau de bord : / })).toBeVisible();
  expect(await accessibilityViolations(page)).toEqual([]);
  await expect(page.getByRole("img", { name: "Vues par jour (pages et publications)" })).toBeVisible();
  const shops = page.locator(".shops-table");
  await expect(shops.getByRole("row", { name: /Boulangerie Jacob/ })).toBeVisible();
  // The bakery has followers from the earlier tests: sorted by followers, it comes first.
  await shops.getByRole("link", { name: "Abonnés" }).click();
  await expect(page).toHaveURL(/sort=followers/);
  await expect(shops.locator("tbody tr").first()).toContainText("Boulangerie Jacob");
  await expect(shops.locator("th[aria-sort=descending]")).toHaveText(/Abonnés/);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Télécharger le tableau des commerces (CSV)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^quartier-shops-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = fs.readFileSync((await download.path())!, "utf8");
  const lines = text.split("\r\n").filter((l) => l !== "");
  expect(lines[0].split(",").slice(0, 3)).toEqual(["Commerce", "Quartier", "Abonnés"]);
  expect(lines[1].startsWith("Boulangerie Jacob,")).toBe(true);
  // Its followers: a number, or "< 5" for fewer than five people.
  expect(lines[1].split(",")[2]).toMatch(/^(< 5|\d+)$/);
  // The shared link's visit is counted, for fewer than five people shown as "< 5" (not 0).
  const shares = lines[0].split(",").indexOf("Via un partage");
  expect(shares).toBeGreaterThan(2);
  expect(lines[1].split(",")[shares]).toBe("< 5");
  await expect(page.locator(".figure", { hasText: "Visites depuis un lien partagé" })).toContainText("< 5");
  // The day's notification taps have their chart (with its data table).
  await expect(page.getByRole("img", { name: "Notifications ouvertes, au jour de l’ouverture" })).toBeVisible();
});

/** The text of each page of a PDF, read back with pdf.js. */
async function pdfPages(pdf: Buffer): Promise<string[]> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= document.numPages; n++) {
    const content = await (await document.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ("str" in item ? item.str : "")).join(" ").replace(/\s+/g, " "));
  }
  return pages;
}

test("the monthly report prints to a clean A4 PDF that reads like a report", async ({ page }) => {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await signInFromMail(page, "admin@habay.test");
  await expect(page).toHaveURL(/\/manage$/);
  await page.goto("/dashboard");
  await page.getByRole("link", { name: "Rapport mensuel (à imprimer)" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Rapport mensuel : / })).toBeVisible();
  expect(await accessibilityViolations(page)).toEqual([]);
  // This month's report (the demo's activity is today's).
  const month = new Date().toISOString().slice(0, 7);
  await page.goto(`/dashboard/report?month=${month}`);
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  const pages = await pdfPages(pdf);
  expect(pages.length).toBeGreaterThanOrEqual(1);
  expect(pages.length).toBeLessThanOrEqual(3);
  const text = pages.join(" ");
  expect(text).toMatch(/Rapport mensuel : .+, \S+ \d{4}/);
  expect(text).toContain("En bref");
  expect(text).toMatch(/Les pages des commerces et des quartiers ont été consultées (\d+|moins de 5) fois/);
  expect(text).toContain("Ce qu’ont fait les gestionnaires");
  // What is for the screen only is not printed: the navigation, the other months, the tab bar.
  expect(text).not.toContain("Autres mois");
  expect(text).not.toContain("Mon quartier");
});

test("the town's sheet of invitations for a district prints one card per shop without a merchant, and each card's QR code opens its invitation", async ({ page }) => {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await signInFromMail(page, "admin@habay.test");
  await expect(page).toHaveURL(/\/manage$/);
  const button = page.getByRole("button", { name: /^Imprimer les invitations \(\d+\)$/ }).first();
  const count = Number((await button.textContent())!.match(/\((\d+)\)/)![1]);
  await button.click();
  await expect(page.getByRole("heading", { level: 1, name: new RegExp(`: ${count} invitations à découper$`) })).toBeVisible();
  const cards = page.locator(".sheet-card");
  await expect(cards).toHaveCount(count);
  expect(await accessibilityViolations(page)).toEqual([]);
  // The first card's QR code holds its link, which opens that shop's invitation.
  const first = cards.first();
  const name = (await first.getByRole("heading", { level: 2 }).textContent())!;
  const shot = PNG.sync.read(await first.locator(".sheet-qr svg").screenshot());
  const decoded = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);
  expect(decoded?.data).toMatch(/\/invite\/[0-9a-f]{64}$/);
  expect(await first.locator(".sheet-url").textContent()).toBe(decoded!.data);
  const pdf = await page.pdf({ format: "A4" });
  const pages = await pdfPages(pdf);
  // Six cards to an A4 page (three rows of two), a card never cut across two pages.
  expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(count / 6));
  expect(pages.length).toBeLessThanOrEqual(Math.ceil(count / 6) + 1);
  expect(pages[0]).toContain(name);
  await page.goto(new URL(decoded!.data).pathname);
  await expect(page.getByText(name).first()).toBeVisible();
});

test("the town makes a steward for the centre, who broadcasts an event co-organised with the butcher from the phone; a resident following the district reads it", async ({ browser, page }) => {
  // The admin invites the district's steward (the merchants' association).
  await page.context().addCookies(adminCookies);
  await page.goto("/manage");
  await waitForHydration(page);
  const district = page.locator(".managed-district", {
    has: page.getByRole("heading", { level: 2, name: "Habay-la-Neuve centre" }),
  });
  await district.getByRole("button", { name: "Inviter un·e gestionnaire pour Habay-la-Neuve centre" }).click();
  const link = district.locator(".invitation-url").first();
  await expect(link).toHaveText(/\/invite\/[0-9a-f]{64}$/);
  const invitation = new URL((await link.textContent())!).pathname;

  // The steward accepts it on the phone and opens the district's counter.
  const steward = await phone(browser);
  const phonePage = await steward.newPage();
  const errors: string[] = [];
  phonePage.on("pageerror", (error) => errors.push(error.message));
  await phonePage.goto(invitation);
  await waitForHydration(phonePage);
  await signInFromMail(phonePage, "asbl@centre.test");
  await expect(phonePage).toHaveURL(/\/manage$/);
  await phonePage.getByRole("link", { name: "Publier au nom du quartier" }).click();
  await expect(phonePage).toHaveURL(/\/districts\/habay-la-neuve-centre\/counter$/);
  await expect(phonePage.getByRole("heading", { level: 1, name: "Habay-la-Neuve centre" })).toBeVisible();
  await waitForHydration(phonePage);

  // An event in three days, with the butcher as co-organiser and its followers notified.
  const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await phonePage.locator('a.counter-kind[data-kind="event"]').click();
  await expect(phonePage.getByRole("heading", { name: "Événement", level: 2 })).toBeVisible();
  await waitForHydration(phonePage);
  await phonePage.getByLabel("Titre").fill("Nocturne des commerçants");
  await phonePage.getByLabel("Début").fill(`${day}T18:00`);
  await phonePage.getByLabel("Lieu (facultatif)").fill("Place du Marché");
  await phonePage.getByLabel("Prévenir aussi les abonnés des commerces").check();
  await phonePage.locator(".co-organisers summary").click();
  await phonePage.getByLabel("Boucherie Thomas").check();
  await expect(phonePage.locator(".notification-title")).toHaveText("Habay-la-Neuve centre");
  expect(await accessibilityViolations(phonePage)).toEqual([]);
  // No wider than the phone.
  expect(await phonePage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await phonePage.getByRole("button", { name: "Publier" }).click();
  await expect(phonePage.getByText("C’est publié !")).toBeVisible();
  const item = phonePage.locator(".counter-post", { hasText: "Nocturne des commerçants" });
  await expect(item).toHaveCount(1);
  await expect(item.locator(".post-co-organisers")).toHaveText("Avec : Boucherie Thomas");
  expect(errors).toEqual([]);
  await steward.close();

  // A resident follows the district and finds the event in the feed; the butcher's page has it too.
  const resident = await phone(browser);
  const residentPage = await resident.newPage();
  await residentPage.goto("/districts/habay-la-neuve-centre");
  await waitForHydration(residentPage);
  await residentPage.getByRole("button", { name: "Suivre Habay-la-Neuve centre" }).click();
  await expect(residentPage.getByText("Vous suivez ce quartier.")).toBeVisible();
  await residentPage.goto("/feed");
  await expect(residentPage.locator(".post", { hasText: "Nocturne des commerçants" }).first()).toBeVisible();
  await residentPage.goto("/shops/boucherie-thomas");
  const onShop = residentPage.locator(".post", { hasText: "Nocturne des commerçants" }).first();
  await expect(onShop).toBeVisible();
  await expect(onShop.getByRole("link", { name: "Habay-la-Neuve centre" })).toBeVisible();
  await expect(onShop.locator(".post-co-organisers")).toContainText("Boucherie Thomas");
  await resident.close();
});

test("the town's admin draws a new district from a GeoJSON file's text: a mistake explained, a preview of the shops it takes, then saved", async ({ page }) => {
  await page.context().addCookies(adminCookies);
  await page.goto("/manage");
  await page.getByRole("link", { name: "Gérer les quartiers" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Quartiers" })).toBeVisible();
  expect(await accessibilityViolations(page)).toEqual([]);
  const outside = Number((await page.getByRole("heading", { name: /^Commerces hors de tout quartier/ }).textContent())!.match(/\((\d+)\)/)![1]);

  // As geojson.io exports it: a FeatureCollection around Habay-la-Vieille's shops…
  const ring = [[5.615, 49.72], [5.625, 49.72], [5.625, 49.726], [5.615, 49.726], [5.615, 49.72]];
  const collection = {
    type: "FeatureCollection",
    features: [{ type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [ring] } }],
  };
  // …but first drawn crossing itself.
  const bowtie = { type: "Polygon", coordinates: [[[5.615, 49.72], [5.625, 49.726], [5.625, 49.72], [5.615, 49.726], [5.615, 49.72]]] };
  await page.getByLabel("Nom").fill("Habay-la-Vieille");
  await page.getByLabel("Contour en GeoJSON").fill(JSON.stringify(bowtie));
  await page.getByRole("button", { name: "Créer et voir l’aperçu" }).click();
  await expect(page).toHaveURL(/\/manage\/districts\/habay-la-vieille\?done=created#outline$/);
  await expect(page.getByText("Le contour se croise lui-même")).toBeVisible();
  await expect(page.getByRole("button", { name: "Enregistrer ce contour" })).toHaveCount(0);
  // Corrected in the same field, which kept the text.
  const field = page.getByLabel("Contour en GeoJSON");
  expect(JSON.parse(await field.inputValue())).toEqual(bowtie);
  await field.fill(JSON.stringify(collection));
  await page.getByRole("button", { name: "Voir l’aperçu" }).click();
  const preview = page.locator("#preview");
  await expect(preview.getByText(/^Ce contour contient \d+ commerces?\.$/)).toBeVisible();
  const joining = preview.locator(".moved.joining li");
  await expect(joining.filter({ hasText: "Papa d'Eugénie" })).toHaveCount(1);
  await expect(joining.first()).toContainText("(hors de tout quartier jusqu’ici)");
  const count = await joining.count();
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "Enregistrer ce contour" }).click();
  await expect(page.getByText("Contour enregistré : les commerces ont suivi.")).toBeVisible();
  await expect(page.locator("#preview")).toHaveCount(0);

  // The district's page lists them; the shops outside any district are fewer by as many.
  await page.goto("/districts/habay-la-vieille");
  await expect(page.getByRole("heading", { level: 1, name: "Habay-la-Vieille" })).toBeVisible();
  await expect(page.locator(".shop-card", { hasText: "Papa d'Eugénie" })).toHaveCount(1);
  await page.goto("/manage/districts");
  await expect(page.getByRole("heading", { name: /^Commerces hors de tout quartier/ })).toHaveText(`Commerces hors de tout quartier (${outside - count})`);
});

test("the town's admin redraws a district on the map with taps alone, then imports a .geojson file", async ({ browser }) => {
  const admin = await phone(browser);
  await admin.addCookies(adminCookies);
  const page = await admin.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto("/manage/districts/habay-la-vieille");
  const map = page.locator("#outline-map");
  await expect(map).toBeVisible();
  const field = page.getByLabel("Contour en GeoJSON");
  const status = page.locator(".outline-status");
  // The saved outline is on the map, point by point.
  await expect(map).toHaveAttribute("data-points", "4");
  await expect(page.getByTitle("Point 4")).toBeVisible();

  // A new outline: four taps inside the map's corners.
  await page.getByRole("button", { name: "Nouveau tracé" }).click();
  await expect(field).toHaveValue("");
  await expect(status).toHaveText("Points : 0 · commerces à l’intérieur : 0");
  const box = (await map.boundingBox())!;
  // Inside the corners, away from the zoom buttons (top left) and the credit (bottom right).
  const corners = [
    [0.25, 0.25],
    [0.75, 0.25],
    [0.75, 0.75],
    [0.25, 0.75],
  ];
  for (const [x, y] of corners) {
    await map.tap({ position: { x: box.width * x, y: box.height * y } });
  }
  await expect(map).toHaveAttribute("data-points", "4");
  const drawn = JSON.parse(await field.inputValue());
  expect(drawn.type).toBe("Polygon");
  expect(drawn.coordinates[0]).toHaveLength(5);
  expect(drawn.coordinates[0][4]).toEqual(drawn.coordinates[0][0]);
  // Longitude first (RFC 7946): Habay is at about 5.6° E, 49.7° N; the second tap is east of the first.
  for (const [lon, lat] of drawn.coordinates[0]) {
    expect(lon).toBeGreaterThan(5.5);
    expect(lon).toBeLessThan(5.7);
    expect(lat).toBeGreaterThan(49.6);
    expect(lat).toBeLessThan(49.8);
  }
  expect(drawn.coordinates[0][1][0]).toBeGreaterThan(drawn.coordinates[0][0][0]);
  await expect(status).toContainText("Points : 4 ·");

  // A point chosen, then moved by a tap elsewhere (no dragging needed); another removed, then back.
  await page.getByTitle("Point 3").tap();
  await expect(page.getByTitle("Point 3")).toHaveClass(/selected/);
  await map.tap({ position: { x: box.width * 0.85, y: box.height * 0.85 } });
  const moved = JSON.parse(await field.inputValue()).coordinates[0][2];
  expect(moved).not.toEqual(drawn.coordinates[0][2]);
  await page.getByTitle("Point 4").tap();
  await page.getByRole("button", { name: "Supprimer le point choisi" }).click();
  await expect(map).toHaveAttribute("data-points", "3");
  await page.getByRole("button", { name: "Annuler" }).click();
  await expect(map).toHaveAttribute("data-points", "4");
  // A point added between two others.
  await page.getByTitle("Ajouter un point ici").first().tap();
  await expect(map).toHaveAttribute("data-points", "5");
  expect(JSON.parse(await field.inputValue()).coordinates[0]).toHaveLength(6);
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  // The server's preview counts the shops the status line announced.
  const announced = Number((await status.textContent())!.match(/commerces à l’intérieur : (\d+)/)![1]);
  await page.getByRole("button", { name: "Voir l’aperçu" }).click();
  await expect(page.locator("#preview").getByText(new RegExp(`^Ce contour contient ${announced} commerces?\\.$`))).toBeVisible();
  await page.getByRole("button", { name: "Abandonner" }).click();
  await expect(page.locator("#preview")).toHaveCount(0);

  // A .geojson file, as QGIS or geojson.io save it: read into the field and onto the map.
  const ring = [[5.615, 49.72], [5.625, 49.72], [5.625, 49.726], [5.615, 49.726], [5.615, 49.72]];
  const file = JSON.stringify({ type: "FeatureCollection", features: [{ type: "Feature", properties: { name: "Habay-la-Vieille" }, geometry: { type: "Polygon", coordinates: [ring] } }] });
  await page.locator("#outline-editor input[type=file]").setInputFiles({ name: "habay-la-vieille.geojson", mimeType: "application/geo+json", buffer: Buffer.from(file) });
  await expect(status).toContainText("habay-la-vieille.geojson importé.");
  await expect(field).toHaveValue(file);
  await expect(map).toHaveAttribute("data-points", "4");
  await page.getByRole("button", { name: "Voir l’aperçu" }).click();
  await expect(page.locator("#preview").getByText("Aucun commerce ne change de quartier.")).toBeVisible();
  await page.getByRole("button", { name: "Abandonner" }).click();
  await expect(page.locator("#preview")).toHaveCount(0);
  expect(errors).toEqual([]);
  await admin.close();
});

test("walk-through with the real Habay import: the town widens Habay-la-Neuve to its 40-odd shops, the steward prints every invitation in one tap, a merchant accepts one and completes the checklist, broadcasts an event that a resident following the district gets as a push and reads, and the steward sees each step", async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  // The town: the district's outline widened to the shops of Habay-la-Neuve's outskirts (not
  // Habay-la-Vieille's), previewed, saved: three taps and a paste.
  const town = await phone(browser);
  await town.addCookies(adminCookies);
  const admin = await town.newPage();
  await admin.goto("/manage/districts/habay-la-neuve-centre");
  const field = admin.getByLabel("Contour en GeoJSON");
  const original = await field.inputValue();
  const pushService = await startPushService();
  try {
    const widened = {
      type: "Polygon",
      coordinates: [[[5.619, 49.7], [5.7, 49.7], [5.7, 49.745], [5.627, 49.745], [5.627, 49.715], [5.619, 49.715], [5.619, 49.7]]],
    };
    await field.fill(JSON.stringify(widened));
    await admin.getByRole("button", { name: "Voir l’aperçu" }).click();
    const holds = admin.locator("#preview").getByText(/^Ce contour contient \d+ commerces\.$/);
    await expect(holds).toBeVisible();
    const inside = Number((await holds.textContent())!.match(/(\d+)/)![1]);
    expect(inside).toBeGreaterThanOrEqual(40);
    await admin.getByRole("button", { name: "Enregistrer ce contour" }).click();
    await expect(admin.getByText("Contour enregistré : les commerces ont suivi.")).toBeVisible();
    await expect(admin.locator("h1 + p")).toContainText(`${inside} commerces`);

    // The steward (the association, made in an earlier test) signs in: every shop of the district
    // is listed, and one tap prints an invitation for each shop without a merchant.
    const association = await phone(browser);
    const steward = await association.newPage();
    await steward.goto("/sign-in");
    await waitForHydration(steward);
    await signInFromMail(steward, "asbl@centre.test");
    await steward.waitForURL((url) => !/^\/(sign-in|auth)\b/.test(url.pathname));
    await steward.goto("/manage");
    const district = steward.locator(".managed-district", {
      has: steward.getByRole("heading", { level: 2, name: "Habay-la-Neuve centre" }),
    });
    await expect(district.locator(".managed-shop")).toHaveCount(inside);
    const print = district.getByRole("button", { name: /^Imprimer les invitations \(\d+\)$/ });
    const waiting = Number((await print.textContent())!.match(/\((\d+)\)/)![1]);
    expect(waiting).toBeGreaterThanOrEqual(30);
    await print.click();
    await expect(steward.getByRole("heading", { level: 1, name: new RegExp(`: ${waiting} invitations à découper$`) })).toBeVisible();
    const cards = steward.locator(".sheet-card");
    await expect(cards).toHaveCount(waiting);
    const pdf = await pdfPages(await steward.pdf({ format: "A4" }));
    expect(pdf.length).toBeGreaterThanOrEqual(Math.ceil(waiting / 6));
    expect(pdf.length).toBeLessThanOrEqual(Math.ceil(waiting / 6) + 1);
    // The card handed to one shop, as its merchant's phone scans it.
    const card = cards.first();
    const name = (await card.getByRole("heading", { level: 2 }).textContent())!;
    const shot = PNG.sync.read(await card.locator(".sheet-qr svg").screenshot());
    const scanned = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);
    expect(scanned?.data).toMatch(/\/invite\/[0-9a-f]{64}$/);
    await steward.goto("/manage");
    await expect(steward.getByRole("link", { name: `${waiting} invités` })).toBeVisible();
    // The dashboard's onboarding funnel says the same.
    const funnel = async () => {
      await steward.goto("/dashboard");
      const steps = await steward.locator(".funnel li").allTextContents();
      const count = (pattern: RegExp) => Number(steps.find((t) => pattern.test(t))?.match(/^(\d+)/)?.[1] ?? "0");
      return { invited: count(/^\d+ invités?$/), signedIn: count(/^\d+ connectés?, fiche à compléter$/) };
    };
    const funnelBefore = await funnel();
    expect(funnelBefore.invited).toBe(waiting);

    // The merchant accepts it, lands on the counter and fixes what the checklist asks, one tap each.
    const shopPhone = await phone(browser);
    const merchant = await shopPhone.newPage();
    await merchant.goto(new URL(scanned!.data).pathname);
    await expect(merchant.getByRole("heading", { name: `Gérer « ${name} » sur Quartier` })).toBeVisible();
    await waitForHydration(merchant);
    await signInFromMail(merchant, "commerce@walk.test");
    await expect(merchant).toHaveURL(/\/counter\/[a-z0-9-]+\?welcome=1$/);
    const slug = new URL(merchant.url()).pathname.split("/")[2];
    const counter = `/counter/${slug}`;
    const score = async () => Number((await merchant.locator(".visibility-score").textContent())!.match(/(\d+)/)![1]);
    const before = await score();
    const missing = await merchant.locator(".visibility-missing a").evaluateAll((links) => links.map((a) => (a as HTMLElement).dataset.item));
    expect(missing.length).toBeGreaterThan(0);
    let gained = 0;
    for (const [item, label, value] of [
      ["description", "Description", "Fleurs coupées, plantes et compositions faites sur place."],
      ["contact", "Téléphone", "+32 63 42 00 00"],
    ]) {
      if (!missing.includes(item)) continue;
      const link = merchant.locator(`.visibility-missing a[data-item="${item}"]`);
      gained += Number((await link.locator("xpath=..").locator(".visibility-points").textContent())!.match(/(\d+)/)![1]);
      await link.click();
      await merchant.waitForURL(/\/counter\/[a-z0-9-]+\/profile/);
      await waitForHydration(merchant);
      await merchant.getByLabel(label, { exact: true }).fill(value);
      await merchant.getByRole("button", { name: "Enregistrer la fiche" }).click();
      await expect(merchant.getByText("Fiche enregistrée")).toBeVisible();
      await merchant.goto(counter);
    }
    expect(await score()).toBe(before + gained);

    // The steward sees the shop move on: signed in, no longer among the invited.
    await steward.goto("/manage");
    await expect(steward.locator(`#shop-${slug} .badge`).first()).toHaveText("Actif");
    await expect(steward.getByRole("link", { name: waiting - 1 === 1 ? "1 invité" : `${waiting - 1} invités` })).toBeVisible();
    expect(await funnel()).toEqual({ invited: waiting - 1, signedIn: funnelBefore.signedIn + 1 });
    await shopPhone.close();

    // A resident follows the district and turns notifications on; the phone's push service is
    // this machine's (it checks the server's VAPID signature and decrypts the message).
    const residentPhone = await phone(browser);
    await residentPhone.addInitScript(pushManagerOf, { endpoint: pushService.endpoint("walk-through"), ...pushService.keys });
    const resident = await residentPhone.newPage();
    await resident.goto("/districts/habay-la-neuve-centre");
    await waitForHydration(resident);
    await resident.getByRole("button", { name: "Suivre Habay-la-Neuve centre" }).click();
    await expect(resident.getByText("Vous suivez ce quartier.")).toBeVisible();
    // Offered after the follow; the phone says yes when asked.
    await expect(resident.getByText("Être prévenu de ses offres et événements ?")).toBeVisible();
    await residentPhone.grantPermissions(["notifications"], { origin: baseURL });
    const subscribed = resident.waitForResponse((r) => r.url().endsWith("/api/push/subscriptions") && r.request().method() === "POST");
    await resident.getByRole("button", { name: "Oui, me prévenir" }).click();
    expect((await subscribed).status()).toBe(200);
    // Whatever the hour of the run: no quiet hours on this phone.
    await resident.goto("/notifications");
    await waitForHydration(resident);
    await resident.getByLabel("Pas de notification pendant les heures calmes").uncheck();
    await resident.getByRole("button", { name: "Enregistrer" }).click();
    await expect(resident.getByRole("status").filter({ hasText: "Réglages enregistrés." })).toBeVisible();

    // The steward broadcasts an event as the district, from the phone.
    const figure = async (name: string) => {
      await steward.goto("/dashboard");
      return (await steward.locator(".figure", { has: steward.getByText(name, { exact: true }) }).locator("dd strong").textContent())!;
    };
    const postsBefore = Number(await figure("Publications"));
    await steward.goto("/districts/habay-la-neuve-centre/counter");
    await waitForHydration(steward);
    await steward.locator('a.counter-kind[data-kind="event"]').click();
    await expect(steward.getByRole("heading", { name: "Événement", level: 2 })).toBeVisible();
    await waitForHydration(steward);
    const day = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    await steward.getByLabel("Titre").fill("Braderie d’hiver");
    await steward.getByLabel("Début").fill(`${day}T10:00`);
    await steward.getByRole("button", { name: "Publier" }).click();
    await expect(steward.getByText("C’est publié !")).toBeVisible();

    // The push reaches the phone's push service: signed with the site's key, readable only with
    // the phone's, in the Declarative Web Push form.
    const ours = () => pushService.messages.find((m) => String(m.payload?.notification?.body).includes("Braderie d’hiver"));
    await expect.poll(() => ours()?.path, { timeout: 20_000 }).toBe("/push/walk-through");
    expect(pushService.refused).toEqual([]);
    const message = ours()!;
    const key = await (await resident.request.get("/api/push/key")).json();
    expect(message.vapid.key).toBe(key.publicKey);
    expect(message.vapid.sub).toBe("mailto:quartier@habay.test");
    expect(message.payload.web_push).toBe(8030);
    expect(message.payload.notification.title).toBe("Habay-la-Neuve centre");
    const tag: string = message.payload.notification.tag;
    expect(tag).toMatch(/^post-\d+$/);
    const target: string = message.payload.notification.navigate;
    expect(target).toMatch(new RegExp(`^(${baseURL})?/districts/habay-la-neuve-centre.*#${tag}$`));

    // The phone shows it (handed to its service worker as Chromium's push service would), the
    // resident taps it and reads the event.
    await resident.goto("/");
    await controlledByServiceWorker(resident);
    const cdp = await residentPhone.newCDPSession(resident);
    const registrationId = new Promise<string>((resolve) => {
      cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
        const live = registrations.find((r) => !r.isDeleted && r.scopeURL === `${baseURL}/`);
        if (live) resolve(live.registrationId);
      });
    });
    await cdp.send("ServiceWorker.enable");
    await expect(async () => {
      await cdp.send("ServiceWorker.deliverPushMessage", {
        origin: baseURL!,
        registrationId: await registrationId,
        data: JSON.stringify(message.payload),
      });
      const shown = await resident.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => [n.tag, n.title]),
      );
      expect(shown).toContainEqual([tag, "Habay-la-Neuve centre"]);
    }).toPass({ timeout: 20_000 });
    const worker = residentPhone.serviceWorkers().find((w) => w.url().endsWith("/sw.js"))!;
    await worker.evaluate(async (tag) => {
      const scope = self as any;
      const [notification] = await scope.registration.getNotifications({ tag });
      scope.dispatchEvent(new scope.NotificationEvent("notificationclick", { notification }));
    }, tag);
    await expect(resident).toHaveURL(new RegExp(`/districts/habay-la-neuve-centre.*#${tag}$`));
    await expect(resident.locator(`#${tag}`)).toContainText("Braderie d’hiver");
    await resident.goto("/feed");
    await expect(resident.locator(".post", { hasText: "Braderie d’hiver" }).first()).toBeVisible();

    // The steward sees each step counted: on the counter, the post reached one phone, which
    // opened it; on the dashboard, one more post and the day's taps.
    const sent = steward.locator(".counter-post", { hasText: "Braderie d’hiver" });
    const counted = async () => {
      await steward.goto("/districts/habay-la-neuve-centre/counter");
      return (await sent.textContent()) ?? "";
    };
    // (The tap's report and the delivery's record are written as they come: read until both are.)
    await expect.poll(counted).toMatch(/1 reçue.*1 ouverture/);
    expect(await sent.textContent()).toContain("Notifiée à 1 téléphone");
    expect(Number(await figure("Publications"))).toBe(postsBefore + 1);
    expect(await figure("Notifications remises")).not.toBe("0");
    expect(await figure("Notifications ouvertes")).not.toBe("0");
    // The last 30 days end today: its line of the trend's table has the tap.
    const trend = steward.locator('section[aria-labelledby="trend-title"] table');
    const headers = await trend.locator("thead th").allTextContents();
    const opened = headers.indexOf("Notifications ouvertes");
    expect(opened).toBeGreaterThan(0);
    await expect(trend.locator("tbody tr").last().locator("th, td").nth(opened)).not.toHaveText("0");
    await association.close();
    await residentPhone.close();

  } finally {
    // The district's outline as it was, for the other tests, whatever happened.
    await admin.goto("/manage/districts/habay-la-neuve-centre");
    await field.fill(original);
    await admin.getByRole("button", { name: "Voir l’aperçu" }).click();
    await admin.getByRole("button", { name: "Enregistrer ce contour" }).click();
    await expect(admin.getByText("Contour enregistré : les commerces ont suivi.")).toBeVisible();
    await town.close();
    await pushService.close();
  }
});

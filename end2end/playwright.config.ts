import { defineConfig } from "@playwright/test";

// The server under test: the release binary built by `cargo leptos build --release`, on a fresh
// SQLite file loaded with the demo town (real Habay OpenStreetMap data).
const port = process.env.E2E_PORT ?? "3100";
const baseURL = `http://127.0.0.1:${port}`;
const database = process.env.E2E_DATABASE_URL ?? "sqlite://target/e2e/quartier.db";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    // A phone held in one hand.
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    locale: "fr-BE",
    timezoneId: "Europe/Brussels",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium-phone" }],
  webServer: {
    cwd: "..",
    command:
      "rm -rf target/e2e/quartier.db* target/e2e/media && ./target/release/quartier demo > target/e2e-demo.log && " +
      // A shop whose OpenStreetMap name is HTML: it must show as text everywhere.
      "./target/release/quartier import-osm end2end/fixtures/hostile-names.geojson --town Habay >> target/e2e-demo.log && " +
      // The town's first administrator (the link it prints is not used: the tests sign in by mail).
      "QUARTIER_SMTP_HOST= ./target/release/quartier admin create admin@habay.test >> target/e2e-demo.log && " +
      "exec ./target/release/quartier serve",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      DATABASE_URL: database,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: "target/site",
      RUST_LOG: "warn",
      // No map tiles in tests (no internet): markers on a plain background.
      QUARTIER_TILE_URL: "none",
      // Sign-in e-mails go to the SMTP server of merchants.spec.ts.
      QUARTIER_SMTP_HOST: "127.0.0.1",
      QUARTIER_SMTP_PORT: process.env.E2E_SMTP_PORT ?? "2526",
      QUARTIER_SMTP_TLS: "none",
      QUARTIER_SMTP_FROM: "Quartier Habay <quartier@habay.test>",
      QUARTIER_MEDIA_DIR: "target/e2e/media",
      // The walk-through's push goes to a push service on this machine (never in production).
      QUARTIER_PUSH_ALLOW_LOOPBACK: "true",
      QUARTIER_VAPID_SUBJECT: "mailto:quartier@habay.test",
    },
  },
});

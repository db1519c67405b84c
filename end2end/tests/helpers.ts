import { expect, type Page } from "@playwright/test";

/** Waits until the WASM app has hydrated the server-rendered page (set by the app on mount). */
export async function waitForHydration(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

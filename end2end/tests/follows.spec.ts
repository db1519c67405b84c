// Follows: the follow button says "following" only once the server saved it.
import { expect, test } from "./fixtures";
import { waitForHydration } from "./helpers";

test.describe("a follow shows only once the server saved it", () => {
  // The page's own requests (not the service worker's) so that the test can hold one back.
  test.use({ serviceWorkers: "block" });
  test("the button is busy until the server answers, then the following page has it", async ({ page }) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/api/follow", async (route) => {
      await held;
      await route.continue();
    });
    await page.goto("/shops/boulangerie-jacob");
    await waitForHydration(page);
    await page.getByRole("button", { name: "Suivre Boulangerie Jacob" }).click();
    const button = page.locator("button.follow");
    await expect(button).toHaveAttribute("aria-busy", "true");
    await expect(button).toHaveAttribute("data-following", "false");
    release();
    await expect(page.getByRole("button", { name: /Ne plus suivre Boulangerie Jacob/ })).toBeVisible();
    await expect(button).toHaveAttribute("aria-busy", "false");
    await page.goto("/following");
    await expect(page.locator("main")).toContainText("Boulangerie Jacob");
  });
});

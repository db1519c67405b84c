// Every test fails on a script error in any page it opens (an uncaught exception, such as a
// Rust panic's `RuntimeError: unreachable`, or a console error: the panic hook's message).
// Answers with an HTTP error status, which some tests ask for on purpose, are left out.
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";

export { expect };

function watch(page: Page, errors: string[]) {
  page.on("pageerror", (error) => errors.push(`${page.url()}: uncaught ${error.name}: ${error.message}\n${error.stack ?? ""}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    if (/^Failed to load resource: the server responded with a status of [45]\d\d/.test(text)) return;
    // A test that takes the phone offline makes images still to load fail: not a script error.
    if (/^Failed to load resource: net::ERR_INTERNET_DISCONNECTED$/.test(text)) return;
    errors.push(`${page.url()}: console error: ${text} (${message.location().url})`);
  });
}

function watchContext(context: BrowserContext, errors: string[]) {
  for (const page of context.pages()) watch(page, errors);
  context.on("page", (page) => watch(page, errors));
}

export const test = base.extend<{ scriptErrors: string[] }>({
  scriptErrors: [
    async ({ context, browser }, use) => {
      const errors: string[] = [];
      watchContext(context, errors);
      // Contexts a test opens itself (a second phone, JavaScript off) are watched too.
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...args: Parameters<typeof browser.newContext>) => {
        const created = await newContext(...args);
        watchContext(created, errors);
        return created;
      };
      await use(errors);
      browser.newContext = newContext;
      expect(errors, "script errors in the pages of this test").toEqual([]);
    },
    { auto: true },
  ],
});

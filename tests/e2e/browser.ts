import { chromium, type Browser, type Page } from "playwright-core";
import { inject } from "vitest";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Debian's Chromium, headless, with no background traffic; Playwright gives it a fresh profile. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // The console follows Accept-Language: the journeys read its English unless they ask for Japanese.
      "--lang=en-US",
    ],
  });
}

export function url(pathname: string): string {
  return `${inject("baseUrl")}${pathname}`;
}

/**
 * Opens a page of the console (a path, or a whole URL) and waits until its loading skeleton has
 * given way to the content: React reveals streamed content a moment after the document has
 * loaded. Returns the navigation's response, for its status.
 */
export async function visit(page: Page, target: string) {
  const response = await page.goto(target.startsWith("/") ? url(target) : target);
  await page.locator('[aria-busy="true"]').first().waitFor({ state: "detached" });
  return response;
}

/** Signs in through the sign-in page, as a person would, in a fresh browser context. */
export async function signIn(browser: Browser, email: string, password: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url("/login"));
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/providers$/);
  await page.getByRole("heading", { name: "Providers" }).waitFor();
  return page;
}

/** Signs out with the console's own button. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login$/);
}

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { launchBrowser, signIn, url, visit } from "./browser";

let browser: Browser;
let page: Page;
const channel = inject("demoChannel");
const settingsUrl = () => url(`/channels/${channel.id}/messaging-api`);
const isOn = (name: string) => page.getByRole("switch", { name, exact: true }).getAttribute("aria-checked");

beforeAll(async () => {
  browser = await launchBrowser();
  const admin = inject("admin");
  page = await signIn(browser, admin.email, admin.password);
});

afterAll(async () => {
  await browser?.close();
});

describe("an Admin on Demo bot's Messaging API tab", () => {
  test("finds Demo bot from the providers page and opens Messaging API", async () => {
    await page.getByRole("link", { name: /Demo bot/ }).first().click();
    await page.getByRole("navigation", { name: "Channel" }).getByRole("link", { name: "Messaging API" }).click();
    await page.waitForURL(settingsUrl());
    // The tab's skeleton shows first, while its data loads.
    await expect.poll(() => page.getByRole("heading", { name: "Webhook settings" }).isVisible()).toBe(true);
  });

  test("sees every switch off, and the last two disabled while Use webhook is off", async () => {
    for (const name of ["Use webhook", "Webhook redelivery", "Error statistics aggregation"]) {
      expect(await isOn(name)).toBe("false");
    }
    expect(await page.getByRole("switch", { name: "Error statistics aggregation" }).isDisabled()).toBe(true);
    expect(await page.getByRole("switch", { name: "Webhook redelivery" }).isDisabled()).toBe(true);
    expect(await page.getByRole("navigation", { name: "Channel" }).getByText("Webhook errors").count()).toBe(0);
  });

  test("turns on Use webhook, then Error statistics aggregation, and both stay on after a reload", async () => {
    await page.getByRole("switch", { name: "Use webhook" }).click();
    await expect.poll(() => page.getByRole("switch", { name: "Error statistics aggregation" }).isEnabled()).toBe(true);
    await page.getByRole("switch", { name: "Error statistics aggregation" }).click();
    await expect.poll(() => page.getByTestId("aggregation-period").count()).toBe(1);

    await page.reload();
    expect(await isOn("Use webhook")).toBe("true");
    expect(await isOn("Error statistics aggregation")).toBe("true");
    expect(await isOn("Webhook redelivery")).toBe("false");
    const periods = page.getByTestId("aggregation-period");
    expect(await periods.count()).toBe(1);
    expect(await periods.first().textContent()).toContain("Still on");
  });

  test("then sees the Webhook errors entry in the channel's navigation", async () => {
    const link = page.getByRole("navigation", { name: "Channel" }).getByRole("link", { name: "Webhook errors" });
    await link.click();
    await page.waitForURL(url(`/channels/${channel.id}/webhook-errors`));
    await expect.poll(() => page.getByText("All times are UTC+9").isVisible()).toBe(true);
  });

  test("is refused bad Webhook URLs with a clear message, and nothing is saved", async () => {
    await visit(page, settingsUrl());
    const cases: [string, string][] = [
      ["example.com/callback", "is not a valid URL"],
      ["not a url", "must not contain spaces"],
      ["ftp://example.com/hook", "must start with https:// or http://"],
      [`https://example.com/${"a".repeat(600)}`, "must be at most 500 characters"],
    ];
    for (const [input, message] of cases) {
      await page.getByRole("button", { name: "Edit" }).click();
      await page.getByLabel("Webhook URL").fill(input);
      await page.getByRole("button", { name: "Update" }).click();
      await expect.poll(() => page.locator("p[role=alert]").textContent()).toContain(message);
      await page.getByRole("button", { name: "Cancel" }).click();
    }
    await page.reload();
    expect(await page.getByTestId("webhook-url").textContent()).toBe("Not set");
  });

  test("saves a good Webhook URL with Update", async () => {
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Webhook URL").fill("http://localhost:4000/callback");
    await page.getByRole("button", { name: "Update" }).click();
    await expect.poll(() => page.getByTestId("webhook-url").textContent()).toBe("http://localhost:4000/callback");
    await page.reload();
    expect(await page.getByTestId("webhook-url").textContent()).toBe("http://localhost:4000/callback");
  });
});

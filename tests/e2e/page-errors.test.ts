import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { acceptEvents } from "@/lib/delivery/ingest";
import { arrange } from "./arrange";
import { launchBrowser, signIn, visit } from "./browser";
import { EventStatus } from "@/lib/delivery/lifecycle";

let browser: Browser;
let page: Page;
let setup: Awaited<ReturnType<typeof arrange>>;
let channelId: string;
let eventId: string;

/** The stored event's status, written as it is; the console's own writers only write known ones. */
const storeStatus = (status: string) =>
  setup.db().webhookEvent.update({ where: { webhookEventId: eventId }, data: { status } });

beforeAll(async () => {
  setup = await arrange();
  // Nothing is ever sent here: the event is accepted while Use webhook is off.
  const channel = await setup.channelFor("Broken history bot", "http://127.0.0.1:9/callback");
  channelId = channel.id;
  [eventId] = (
    await acceptEvents({ id: channel.id, useWebhook: false }, [{ type: "follow", userId: `U${"7".repeat(32)}` }], "api")
  ).webhookEventIds;
  browser = await launchBrowser();
  const admin = inject("admin");
  page = await signIn(browser, admin.email, admin.password);
});

afterAll(async () => {
  await browser?.close();
});

describe("a page whose data cannot be read", () => {
  test("shows a sentence and Try again inside the channel, never the server's message, and loads once the data is readable", async () => {
    // A status no version of the lifecycle knows, as a faulty writer or a newer release would leave it:
    // reading the event fails on the server.
    await storeStatus("misplaced");
    const response = await visit(page, `/channels/${channelId}/events/${eventId}`);
    expect(response?.status()).toBe(500);

    const card = page.getByRole("region", { name: "Webhook event" });
    expect(await card.getByRole("alert").textContent()).toBe("This page could not be loaded. Try again in a moment.");
    expect(await card.getByRole("button", { name: "Try again" }).isVisible()).toBe(true);
    // The channel around the tab still works: its heading and tabs are there.
    expect(await page.getByRole("heading", { name: "Broken history bot" }).isVisible()).toBe(true);
    expect(await page.getByRole("navigation", { name: "Channel" }).getByRole("link", { name: "Delivery log" }).isVisible()).toBe(true);
    const html = await page.content();
    expect(html).not.toContain("Unknown webhook event status");
    expect(html).not.toContain("misplaced");

    await storeStatus(EventStatus.skipped);
    await card.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => page.getByTestId("event-status").textContent()).toBe("Not sent (Use webhook was off)");
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
  });

  test("a page for something that does not exist still answers 404, not a streamed 200", async () => {
    for (const path of [
      `/channels/${channelId}/events/01AAAAAAAAAAAAAAAAAAAAAAAA`,
      `/channels/${channelId}/outbox/999999`,
      "/providers/no-such-provider",
    ]) {
      const response = await visit(page, path);
      expect({ path, status: response?.status() }).toEqual({ path, status: 404 });
      // The not-found page of a streamed route is drawn by the browser once its scripts have run.
      await expect.poll(() => page.getByRole("heading", { name: "Not found" }).isVisible(), { timeout: 10_000 }).toBe(true);
    }
  });
});

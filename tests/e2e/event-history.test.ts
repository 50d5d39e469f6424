import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { acceptEvents } from "@/lib/delivery/ingest";
import { startBot, type TestBot } from "../support/bots";
import { arrange } from "./arrange";
import { launchBrowser, signIn, url, visit } from "./browser";

let browser: Browser;
let page: Page;
let bot: TestBot;
let failing = true;
let channelId: string;
let eventId: string;

beforeAll(async () => {
  const setup = await arrange();
  // Fails until the test says otherwise: the first send fails, the manual redelivery succeeds.
  bot = await startBot((_req, res) => void res.writeHead(failing ? 500 : 200).end());
  const channel = await setup.channelFor("History bot", bot.url);
  channelId = channel.id;
  // Accepted by the test process; the app's dispatcher finds it on its next look.
  [eventId] = (await acceptEvents(channel, [{ type: "message", userId: `U${"5".repeat(32)}`, text: "history" }], "api")).webhookEventIds;
  browser = await launchBrowser();
  const admin = inject("admin");
  page = await signIn(browser, admin.email, admin.password);
});

afterAll(async () => {
  await browser?.close();
  await bot?.close();
});

describe("an event's history", () => {
  test("the Delivery log links a failed send to its event, where an Admin redelivers it", async () => {
    await expect.poll(() => bot.received.length, { timeout: 10_000 }).toBe(1);
    await visit(page, `/channels/${channelId}/log`);
    await page.getByRole("link", { name: eventId }).click();
    await page.waitForURL(url(`/channels/${channelId}/events/${eventId}`));
    await expect.poll(() => page.getByTestId("event-status").textContent()).toBe("Failed");
    expect(await page.getByTestId("event-attempt").count()).toBe(1);

    failing = false;
    await page.getByRole("button", { name: "Redeliver" }).click();
    await expect.poll(() => page.getByTestId("event-status").textContent(), { timeout: 10_000 }).toBe("Delivered");
    const rows = page.getByTestId("event-attempt");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain("First send");
    expect(await rows.nth(0).textContent()).toContain("error_status_code · 500");
    expect(await rows.nth(1).textContent()).toContain("Redelivery");
    expect(await rows.nth(1).textContent()).toContain("Success · 200");
    expect(await page.getByRole("button", { name: "Redeliver" }).count()).toBe(0);

    const sent = bot.received.map((r) => JSON.parse(r.body).events[0]);
    expect(sent.map((e) => [e.webhookEventId, e.deliveryContext.isRedelivery])).toEqual([
      [eventId, false],
      [eventId, true],
    ]);
    expect(sent[0].replyToken).toBe(sent[1].replyToken);
  });
});

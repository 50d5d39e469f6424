import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { validateSignature } from "@line/bot-sdk";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { acceptEvents } from "@/lib/delivery/ingest";
import { startBot, type TestBot } from "../support/bots";
import { waitUntil } from "../support/wait";
import { arrange } from "./arrange";
import { launchBrowser, signIn, url, visit } from "./browser";

const run = promisify(execFile);
const USER = `U${"e5".repeat(16)}`;

let browser: Browser;
let page: Page;
let bot: TestBot;
let failing = true;
let setup: Awaited<ReturnType<typeof arrange>>;
let channel: Awaited<ReturnType<Awaited<ReturnType<typeof arrange>>["channelFor"]>>;
let failedIds: string[];

const sends = () => setup.db().deliveryAttempt.count({ where: { channelId: channel.id } });

beforeAll(async () => {
  setup = await arrange();
  // A bot that checks every signature as @line/bot-sdk's middleware does, and fails messages
  // saying "fail" until the test fixes it.
  bot = await startBot((req, res) => {
    if (!validateSignature(req.body, channel.channelSecret, String(req.headers["x-line-signature"]))) return void res.writeHead(401).end();
    const text: string = JSON.parse(req.body).events[0]?.message?.text ?? "";
    res.writeHead(failing && text.includes("fail") ? 500 : 200).end();
  });
  channel = await setup.channelFor("Try again journey", bot.url, { aggregation: true });
  failedIds = (
    await acceptEvents(
      channel,
      ["fail one", "fail two", "fail three"].map((text) => ({ type: "message" as const, userId: USER, text })),
      "api",
    )
  ).webhookEventIds;
  await waitUntil(async () => (await sends()) === 3, 15_000);
  browser = await launchBrowser();
  const admin = inject("admin");
  page = await signIn(browser, admin.email, admin.password);
});

afterAll(async () => {
  await browser?.close();
  await bot?.close();
});

async function openSendOf(webhookEventId: string) {
  await visit(page, `/channels/${channel.id}/log?webhookEventId=${webhookEventId}&kind=event`);
  await page.getByTestId("attempt").first().getByRole("link").first().click();
  await page.waitForURL(/\/log\/\d+$/);
  await page.getByRole("region", { name: "Try again" }).waitFor();
}

describe("trying again after fixing the bot", () => {
  test("Copy as cURL gives a command the bot's own signature check accepts", async () => {
    await openSendOf(failedIds[0]);
    await page.getByRole("button", { name: "Copy as cURL" }).click();
    const command = (await page.getByTestId("curl-command").textContent())!;
    expect(command).toContain("x-line-signature: ");
    const before = bot.received.length;
    failing = false;
    const { stdout } = await run("sh", ["-c", `${command} -s -o /dev/null -w '%{http_code}'`]);
    failing = true;
    expect(stdout).toBe("200");
    expect(bot.received[before].body).toBe(bot.received.find((r) => r.body.includes("fail one"))!.body);

    const download = await page.request.get(url(`/api/channels/${channel.id}/attempts/${page.url().split("/").at(-1)}`));
    expect(download.headers()["content-disposition"]).toMatch(/^attachment; filename="send-/);
    const file = await download.json();
    expect(file.request.body).toBe(bot.received[before].body);
    expect(file.request.headers.map(([name]: [string]) => name)).toContain("x-line-signature");
  });

  test("Send again redelivers the event; its sends and their payloads' diff show on the page", async () => {
    await openSendOf(failedIds[0]);
    failing = false;
    const before = await sends();
    await page.getByRole("button", { name: "Send again" }).click();
    await waitUntil(async () => (await sends()) === before + 1, 15_000);
    await visit(page, page.url());
    expect(await page.getByTestId("event-send").count()).toBe(2);
    expect(await page.getByTestId("diff-summary").textContent()).toBe("2 lines differ.");
    expect(await page.getByTestId("payload-diff").textContent()).toContain('+         "isRedelivery": true');
    failing = true;
  });

  test("Edit and send refuses invalid JSON, then sends the edited event as an edited test send", async () => {
    await openSendOf(failedIds[1]);
    await page.getByText("Edit and send").click();
    const box = page.getByLabel("Event JSON");
    const original = await box.inputValue();
    await box.fill("{ not json");
    const before = await sends();
    await page.getByRole("button", { name: "Send edited event" }).click();
    expect(await page.getByTestId("edit-error").textContent()).toContain("The event is not valid JSON");
    expect(await sends()).toBe(before);

    const edited = JSON.parse(original);
    edited.message.text = "edited, fine now";
    await box.fill(JSON.stringify(edited, null, 2));
    await page.getByRole("button", { name: "Send edited event" }).click();
    await page.getByTestId("edit-result").waitFor();
    expect(await page.getByTestId("edit-result").textContent()).toContain("Success · 200");
    expect(JSON.parse(bot.received.at(-1)!.body).events[0].message.text).toBe("edited, fine now");
    await visit(page, `/channels/${channel.id}/log?kind=test`);
    expect(await page.getByTestId("attempt").first().textContent()).toContain("edited");
  });

  test("Redeliver in bulk previews the filter's failed events and queues them, with progress", async () => {
    await visit(page, `/channels/${channel.id}/log?reason=error_status_code&kind=event`);
    await page.getByText("Redeliver in bulk").click();
    await page.getByRole("button", { name: "Preview" }).click();
    // The first event was redelivered already: two are left.
    await page.getByTestId("bulk-summary").waitFor();
    expect(await page.getByTestId("bulk-summary").textContent()).toMatch(/^2 events, failed from /);
    failing = false;
    await page.getByRole("button", { name: "Queue 2 redeliveries" }).click();
    await expect.poll(() => page.getByTestId("bulk-progress").textContent(), { timeout: 15_000 }).toContain("2 delivered, 0 failed again, 0 waiting.");
    const redelivered = bot.received.slice(-2).map((r) => JSON.parse(r.body).events[0]);
    expect(redelivered.map((e) => [e.webhookEventId, e.deliveryContext.isRedelivery])).toEqual([
      [failedIds[1], true],
      [failedIds[2], true],
    ]);
  });

  test("the endpoint health panel shows the outage and the recovery", async () => {
    await visit(page, `/channels/${channel.id}/webhook-errors`);
    const outages = page.getByTestId("health-outage");
    await expect.poll(() => outages.count()).toBeGreaterThanOrEqual(1);
    // Newest first; the bot has answered since the bulk redelivery.
    expect(await outages.first().locator("td").nth(1).textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(after /);
    expect(await page.getByTestId("health-state").textContent()).toBe("Answering");
    expect(await page.getByTestId("health-rate").textContent()).toMatch(/^\d+(\.\d)?%$/);
    expect(await page.getByTestId("health-latency").count()).toBe(3);
  });

  test("a bulk selection that cannot be redelivered gets a clear message", async () => {
    await visit(page, `/channels/${channel.id}/log?outcome=success`);
    await page.getByText("Redeliver in bulk").click();
    await page.getByRole("button", { name: "Preview" }).click();
    expect(await page.getByTestId("bulk-error").textContent()).toContain("A bulk redelivery takes failed event sends");
  });
});
